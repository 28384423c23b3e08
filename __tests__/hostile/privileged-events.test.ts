/**
 * pull_request_target and workflow_run run with the base repository's token and cache scope while
 * the code may come from a fork: each action that would run or trust that code refuses or warns.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { run as checkGates } from '../../actions/check-gates/main.js'
import { readSettings } from '../../shared/canary/read-settings.js'
import { FakeIO } from '../diagram/fake-io.js'
import { junit, repo } from '../gates/helpers.js'

const PRIVILEGED = ['pull_request_target', 'workflow_run']

describe('privileged events', () => {
  it.each(PRIVILEGED)('canary-rollout refuses %s unless allow-privileged-events', (event) => {
    const root = mkdtempSync(path.join(tmpdir(), 'privileged-'))
    expect(() =>
      readSettings(new FakeIO({ steps: '50,100' }, { GITHUB_EVENT_NAME: event }) as never, root)
    ).toThrow(`Refusing to run on "${event}"`)
    expect(() =>
      readSettings(
        new FakeIO(
          { steps: '50,100', 'allow-privileged-events': 'true' },
          { GITHUB_EVENT_NAME: event }
        ) as never,
        root
      )
    ).not.toThrow(/Refusing to run/)
  })

  it.each(PRIVILEGED)(
    'check-gates warns on %s that a checked-out pull request makes the graph and evidence untrusted',
    async (event) => {
      const root = repo({ 'reports/junit.xml': junit(2, 0) }, 'shop')
      const temp = mkdtempSync(path.join(tmpdir(), 'privileged-runner-'))
      const eventPath = path.join(temp, 'event.json')
      writeFileSync(eventPath, '{}')
      const io = new FakeIO(
        { stage: 'dev', 'upload-report': 'false' },
        {
          GITHUB_WORKSPACE: root,
          RUNNER_TEMP: temp,
          GITHUB_EVENT_PATH: eventPath,
          GITHUB_EVENT_NAME: event
        }
      )
      await checkGates({ io, now: () => new Date('2026-11-01T12:00:00Z') })
      expect(io.warnings.map((w) => w.message).join('\n')).toContain(
        `check-gates runs on ${event} with the base repository's token`
      )
    }
  )
})
