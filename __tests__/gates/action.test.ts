import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { artifactNameFor, run, type CheckGatesDeps } from '../../actions/check-gates/main.js'
import { createGitHubClient } from '../../shared/github/index.js'
import { FakeIO } from '../diagram/fake-io.js'
import { expectValidReport, junit, repo } from './helpers.js'

const API = 'https://api.github.com'
const now = () => new Date('2026-11-01T12:00:00Z')

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  // Jest may run the next test file in this process with a fresh nock: give the interceptor back.
  nock.enableNetConnect()
  nock.restore()
})
afterEach(() => nock.cleanAll())

function prEvent(fork: boolean) {
  return {
    pull_request: {
      number: 7,
      title: 'Outbox',
      body: 'ADR-7',
      user: { login: 'carol' },
      labels: [{ name: 'reviewed' }],
      head: { sha: 'abc', repo: { full_name: fork ? 'mallory/r' : 'o/r' } },
      base: { repo: { full_name: 'o/r' } }
    }
  }
}

function setup(
  inputs: Record<string, string>,
  event: unknown = {},
  files: Record<string, string> = {}
) {
  const root = repo(files, 'shop')
  const temp = mkdtempSync(path.join(tmpdir(), 'runner-'))
  const eventPath = path.join(temp, 'event.json')
  writeFileSync(eventPath, JSON.stringify(event))
  const io = new FakeIO(
    // These tests are about the action's I/O; the base commit's policy is tested in policy-source.test.ts.
    {
      'upload-report': 'false',
      token: 'ghs_TESTtokenTESTtokenTESTtoken1234567',
      'policy-source': 'head',
      ...inputs
    },
    {
      GITHUB_WORKSPACE: root,
      RUNNER_TEMP: temp,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '99',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_JOB: 'gates',
      GITHUB_WORKFLOW: 'CI',
      GITHUB_EVENT_NAME: 'pull_request'
    }
  )
  const sleeps: number[] = []
  const deps: CheckGatesDeps = {
    io,
    now,
    github: async (token) =>
      createGitHubClient({ token, baseUrl: API, sleep: async (ms) => void sleeps.push(ms) })
  }
  return { io, deps, root, sleeps }
}

/** Runs the action and validates any report it wrote against the published schema. */
async function runChecked(deps: CheckGatesDeps): Promise<void> {
  await run(deps)
  const io = deps.io as FakeIO
  if (io.outputs.report) expectValidReport(JSON.parse(readFileSync(io.outputs.report, 'utf8')))
}

describe('check-gates run()', () => {
  it('passes, writes a schema-valid report and the summary, and sets the outputs', async () => {
    const { io, deps } = setup({ stage: 'staging' })
    await runChecked(deps)
    expect(io.failure).toBeUndefined()
    expect(io.outputs.passed).toBe('true')
    expect(io.outputs['failed-gates']).toBe('')
    const report = JSON.parse(readFileSync(io.outputs.report, 'utf8'))
    expectValidReport(report)
    expect(report.run).toMatchObject({
      repository: 'o/r',
      runId: '99',
      runAttempt: '2',
      workflow: 'CI',
      stage: 'staging'
    })
    expect(report.run.pullRequest).toBeUndefined()
    expect(readFileSync(io.outputs['summary-path'], 'utf8')).toBe(io.summary)
    expect(io.summary.startsWith('## ✅ Gates passed for <code>staging</code>')).toBe(true)
    expect(io.summary).toContain('```mermaid')
  })

  it('fails for production with the failing gates in the outputs and message', async () => {
    const { io, deps } = setup({ stage: 'production' })
    await runChecked(deps)
    expect(io.outputs.passed).toBe('false')
    expect(io.outputs['failed-gates']).toBe('G-quality')
    expect(io.failure).toContain('1 gate(s) failed for stage production: G-quality')
    expect(
      io.annotations.some((a) => a.level === 'error' && a.file === '.process/graph.yaml')
    ).toBe(true)
  })

  it('with fail-on never, reports the failure but does not fail the step', async () => {
    const { io, deps } = setup({ stage: 'production', 'fail-on': 'never' })
    await runChecked(deps)
    expect(io.failure).toBeUndefined()
    expect(io.outputs.passed).toBe('false')
    expect(io.warnings.some((w) => w.message.includes('fail-on is "never"'))).toBe(true)
  })

  it('refuses bad inputs as configuration errors, still setting passed=false', async () => {
    const cases: Array<Record<string, string>> = [
      { stage: '' },
      { stage: 'staging', 'fail-on': 'sometimes' },
      { stage: 'qa' },
      { stage: 'staging', 'upload-report': 'yes' }
    ]
    for (const inputs of cases) {
      const { io, deps } = setup(inputs)
      await runChecked(deps)
      expect(io.failure).toMatch(/^check-gates: /)
      expect(io.outputs.passed).toBe('false')
      expect(io.summary).toContain('could not evaluate the gates')
    }
  })

  it('uploads the report under a unique name; a failing upload only warns', async () => {
    const uploads: string[] = []
    const ok = setup({ stage: 'staging', 'upload-report': 'true' })
    await runChecked({
      ...ok.deps,
      upload: async (name, files) =>
        void uploads.push(`${name} ${files.map((f) => path.basename(f)).join(' ')}`)
    })
    expect(uploads).toEqual([
      expect.stringMatching(
        /^flow-report-staging-gates-[0-9a-f]{8}-attempt-2 flow-report-staging.json$/
      )
    ])
    const bad = setup({ stage: 'staging', 'upload-report': 'true' })
    await runChecked({
      ...bad.deps,
      upload: async () => {
        throw new Error('(409) Conflict: an artifact with this name already exists')
      }
    })
    expect(bad.io.failure).toBeUndefined()
    expect(bad.io.outputs.passed).toBe('true')
    expect(bad.io.warnings[0].message).toContain(
      'Could not upload the report as an artifact ((409) Conflict'
    )
  })

  it('gives matrix legs and stages different artifact names', () => {
    const env = { GITHUB_RUN_ID: '1', GITHUB_RUN_ATTEMPT: '1', GITHUB_JOB: 'g' }
    const a = artifactNameFor(env, {
      stage: 'staging',
      graph: 'g.yaml',
      gates: [],
      evidence: 'tests: a.xml'
    })
    const b = artifactNameFor(env, {
      stage: 'staging',
      graph: 'g.yaml',
      gates: [],
      evidence: 'tests: b.xml'
    })
    const c = artifactNameFor(env, {
      stage: 'prod/uction',
      graph: 'g.yaml',
      gates: [],
      evidence: 'tests: a.xml'
    })
    expect(new Set([a, b, c]).size).toBe(3)
    expect(c).not.toContain('/')
  })

  it('creates the sticky comment once per workflow and stage', async () => {
    const { io, deps } = setup({ stage: 'staging', comment: 'true' }, prEvent(false))
    let posted = ''
    nock(API)
      .get('/user')
      .reply(403, { message: 'Resource not accessible by integration' })
      .get('/repos/o/r/issues/7/comments')
      .query(true)
      .reply(200, [])
      .post('/repos/o/r/issues/7/comments', (b: { body: string }) => ((posted = b.body), true))
      .reply(201, { id: 1, html_url: 'https://github.com/o/r/pull/7#issuecomment-1' })
    await runChecked(deps)
    expect(nock.isDone()).toBe(true)
    expect(
      posted.startsWith('<!-- flow-actions:check-gates:CI:staging -->\n## ✅ Gates passed')
    ).toBe(true)
    expect(io.log.join('\n')).toContain('Pull request comment created')
  })

  it('does not duplicate a comment whose create was retried after a 502', async () => {
    const { io, deps } = setup({ stage: 'staging', comment: 'true' }, prEvent(false))
    const marker = '<!-- flow-actions:check-gates:CI:staging -->'
    let stored = ''
    nock(API).get('/user').reply(403, { message: 'Resource not accessible by integration' })
    nock(API).get('/repos/o/r/issues/7/comments').query(true).reply(200, [])
    const create = nock(API)
      .post('/repos/o/r/issues/7/comments', (b: { body: string }) => {
        stored = b.body
        return true
      })
      .reply(502, 'bad gateway')
    nock(API)
      .get('/repos/o/r/issues/7/comments')
      .query(true)
      .reply(200, () => [
        { id: 5, body: stored, html_url: 'u5', user: { login: 'github-actions[bot]', type: 'Bot' } }
      ])
    // A second create would consume this; it must stay unused.
    const duplicate = nock(API).post('/repos/o/r/issues/7/comments').reply(201, { id: 6 })
    await runChecked(deps)
    expect(create.isDone()).toBe(true)
    expect(duplicate.isDone()).toBe(false)
    expect(stored.startsWith(marker)).toBe(true)
    expect(io.log.join('\n')).toContain('Pull request comment created: u5')
    expect(io.warnings).toEqual([])
    expect(io.failure).toBeUndefined()
  })

  it("warns instead of failing when a fork's read-only token gets 403 on the comment", async () => {
    const { io, deps } = setup(
      { stage: 'production', comment: 'true', 'fail-on': 'never' },
      prEvent(true)
    )
    nock(API)
      .get('/user')
      .reply(403, { message: 'Resource not accessible by integration' })
      .get('/repos/o/r/issues/7/comments')
      .query(true)
      .reply(200, [])
      .post('/repos/o/r/issues/7/comments')
      .reply(403, { message: 'Resource not accessible by integration' })
    await runChecked(deps)
    expect(io.failure).toBeUndefined()
    expect(io.outputs.passed).toBe('false')
    expect(
      io.warnings.some(
        (w) => w.message.includes('fork is read-only') && w.message.includes('verdict is unchanged')
      )
    ).toBe(true)
  })

  it('keeps the verdict when a comment cannot be posted on a failing run', async () => {
    const { io, deps } = setup({ stage: 'staging', comment: 'true' }, prEvent(true))
    nock(API)
      .get('/user')
      .reply(403, { message: 'Resource not accessible by integration' })
      .get('/repos/o/r/issues/7/comments')
      .query(true)
      .reply(200, [])
      .post('/repos/o/r/issues/7/comments')
      .reply(403, { message: 'Resource not accessible by integration' })
    await runChecked(deps)
    expect(io.outputs.passed).toBe('true')
    expect(io.failure).toBeUndefined()
  })

  it('keeps evidence text out of workflow commands in the log', async () => {
    const { io, deps } = setup(
      { stage: 'staging' },
      {},
      { 'reports/junit.xml': junit(3, 1, () => 'x\n::error::forged\n::add-mask::secret') }
    )
    await runChecked(deps)
    const log = io.log.join('\n')
    const start = io.log.findIndex((l) => l.startsWith('::stop-commands::'))
    const token = io.log[start].slice('::stop-commands::'.length)
    const end = io.log.indexOf(`::${token}::`)
    expect(start).toBeGreaterThanOrEqual(0)
    expect(end).toBeGreaterThan(start)
    expect(log).not.toMatch(/\n::error::forged/)
  })
})

describe('check-gates check-run', () => {
  it('with 120 failing tests creates one check run and sends 120 annotations in three requests of at most 50', async () => {
    const event = {
      pull_request: {
        number: 7,
        user: { login: 'carol' },
        head: { sha: 'b'.repeat(40), repo: { full_name: 'o/r' } },
        base: { repo: { full_name: 'o/r' } }
      }
    }
    const { io, deps } = setup({ stage: 'staging', 'check-run': 'true' }, event, {
      'reports/junit.xml': junit(3, 120)
    })
    const sent: number[] = []
    const paths: string[] = []
    nock(API)
      .get(/\/repos\/o\/r\/pulls\/7\/files.*/)
      .reply(200, [])
      .persist()
    nock(API)
      .post(
        '/repos/o/r/check-runs',
        (b: {
          head_sha: string
          conclusion: string
          output: { annotations: Array<{ path: string }> }
        }) => {
          sent.push(b.output.annotations.length)
          paths.push(...b.output.annotations.map((a) => a.path))
          return b.head_sha === 'b'.repeat(40) && b.conclusion === 'failure'
        }
      )
      .reply(201, { id: 5, html_url: 'https://github.com/o/r/runs/5' })
    nock(API)
      .patch(
        '/repos/o/r/check-runs/5',
        (b: { output: { annotations: Array<{ path: string }> } }) => {
          paths.push(...b.output.annotations.map((a) => a.path))
          return sent.push(b.output.annotations.length) > 0
        }
      )
      .times(2)
      .reply(200, { id: 5 })
    await runChecked(deps)
    expect(io.outputs.passed).toBe('false')
    // Every failing test at its file, beside the gate's own annotation at the graph.
    expect(paths.filter((p) => p === 'src/app.test.ts')).toHaveLength(120)
    expect(sent.length).toBe(3)
    expect(Math.max(...sent)).toBeLessThanOrEqual(50)
    expect(io.log.join('\n')).toContain('Created the check run "flow-actions gates (staging)"')
  })

  it('a 403 from a fork token leaves the verdict unchanged with one warning', async () => {
    const { io, deps } = setup({ stage: 'staging', 'check-run': 'true' }, prEvent(true), {
      'reports/junit.xml': junit(3, 2)
    })
    nock(API)
      .get(/\/repos\/o\/r\/pulls\/7\/files.*/)
      .reply(200, [])
      .persist()
    nock(API)
      .post('/repos/o/r/check-runs')
      .reply(403, { message: 'Resource not accessible by integration' })
    await runChecked(deps)
    expect(io.outputs.passed).toBe('false')
    expect(io.failure).toContain('gate(s) failed')
    expect(io.warnings.filter((w) => w.message.includes('check run'))).toHaveLength(1)
  })
})
