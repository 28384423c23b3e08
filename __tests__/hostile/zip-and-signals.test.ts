/**
 * Artifact zips that try to escape (recalibrate reads history from artifact zips) and a canary
 * step interrupted by SIGINT then SIGTERM, as the runner cancels a job.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { readZipTexts } from '../../shared/recalibrate/zip.js'
import { startService, waitFor, type RunningService } from '../canary/support/processes.js'
import { makeZip } from '../recalibrate/zip-helper.js'
import { listFiles, runHostile } from './support.js'

const REPORT = JSON.stringify({ version: 1, kind: 'gates', verdict: 'passed', gates: [] })
const limits = { maxEntries: 10, maxEntryBytes: 1e6, maxTotalBytes: 1e7, wanted: () => true }

describe('zip entries escaping the folder (recalibrate artifact history)', () => {
  it('never reads a ../ entry, stops at it with a problem, and writes nothing anywhere', async () => {
    const before = listFiles(tmpdir()).length
    const read = await readZipTexts(
      makeZip([
        { name: 'ok.json', data: REPORT },
        { name: '../../escaped.json', data: REPORT },
        { name: 'after.json', data: REPORT }
      ]),
      limits
    )
    // Entries are read in memory, never extracted: the one before the bad entry is kept, nothing after it.
    expect(read.files.map((f) => f.name)).toEqual(['ok.json'])
    expect(read.problems.join('\n')).toMatch(
      /could not be read safely: .*(invalid relative path|\.\.)/
    )
    expect(existsSync(path.join(tmpdir(), 'escaped.json'))).toBe(false)
    expect(listFiles(tmpdir()).length).toBeLessThanOrEqual(before + 1)
  })

  it('skips a symlink entry (to /proc/self/environ) with a problem and reads the rest', async () => {
    const read = await readZipTexts(
      makeZip([
        { name: 'link.json', data: '/proc/self/environ', symlink: true },
        { name: 'ok.json', data: REPORT }
      ]),
      limits
    )
    expect(read.files.map((f) => f.name)).toEqual(['ok.json'])
    expect(read.problems).toEqual(['link.json: a symbolic link; not read'])
    expect(JSON.stringify(read)).not.toMatch(/PATH=|HOME=/)
  })

  it('refuses an absolute entry name', async () => {
    const read = await readZipTexts(makeZip([{ name: '/tmp/abs.json', data: REPORT }]), limits)
    expect(read.files).toEqual([])
    expect(existsSync('/tmp/abs.json') && readFileSync('/tmp/abs.json', 'utf8') === REPORT).toBe(
      false
    )
  })
})

describe('SIGINT and SIGTERM in the middle of a canary step', () => {
  let service: RunningService
  beforeAll(async () => {
    service = await startService('canary', { loadRps: 5 })
  }, 60_000)
  afterAll(async () => {
    await service?.stop()
  })

  it('SIGINT, then SIGTERM 1 s later (as the runner cancels): rolled back once, within 7.5 s, never promoted, state recorded', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hostile-canary-'))
    writeFileSync(
      path.join(dir, 'probes.yml'),
      `probes:\n  - name: home\n    url: ${service.url}/\n    timeout: 1s\n    expect: { status: [200] }\n`
    )
    let signalledAt = 0
    const run = await runHostile('canary-rollout', {
      workspace: dir,
      inputs: {
        steps: '25,50,100',
        // A 10-minute step: only the signal can end the run before the test's timeout.
        'step-duration': '10m',
        interval: '500ms',
        'probes-file': 'probes.yml',
        'set-weight-command': `echo "$CANARY_STEP $CANARY_WEIGHT" >> "${dir}/weights.log"`,
        'promote-command': `echo promoted >> "${dir}/promote.log"`,
        'rollback-command': `date +%s%3N >> "${dir}/rollback.log"; sleep 0.5`
      },
      onSpawn: (child) => {
        void waitFor(
          'step 1',
          async () => (existsSync(path.join(dir, 'weights.log')) ? true : undefined),
          20_000,
          50
        ).then(async () => {
          await new Promise((res) => setTimeout(res, 500))
          signalledAt = Date.now()
          child.kill('SIGINT')
          setTimeout(() => child.exitCode === null && child.kill('SIGTERM'), 1000)
        })
      }
    })
    expect(run.exitCode).not.toBe(0)
    expect(run.outputs.decision).toBe('aborted')
    expect(run.outputs['final-weight']).toBe('0')
    const rollbacks = readFileSync(path.join(dir, 'rollback.log'), 'utf8').trim().split('\n')
    expect(rollbacks).toHaveLength(1)
    expect(Number(rollbacks[0])).toBeGreaterThanOrEqual(signalledAt)
    expect(readFileSync(path.join(dir, 'weights.log'), 'utf8')).not.toContain('2 50')
    expect(existsSync(path.join(dir, 'promote.log'))).toBe(false)
    expect(run.summary).toMatch(/aborted/)
    expect(run.state['canary-phase']).toBe('finished')
    expect(JSON.parse(run.reportText)).toMatchObject({ kind: 'rollout' })
  }, 60_000)
})
