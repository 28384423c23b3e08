/**
 * Files and paths: a 2 GiB file (sparse: nothing is really written) is refused by the size cap
 * before it is read; paths with `..`, absolute paths and symlinks to /proc/self/environ or to
 * RUNNER_TEMP are refused before anything is opened or written, and nothing from them is echoed.
 */
import { describe, expect, it } from '@jest/globals'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  symlinkSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { FAKE_TOKEN, failureOf, listFiles, runCli, runHostile, shop, workspace } from './support.js'

const TWO_GIB = 2 * 1024 ** 3
const CANARY = 'CANARY-ENV-VALUE-5521'

/** A workspace whose `rel` is a sparse 2 GiB file (a few blocks on disk). */
function withHugeFile(rel: string, from?: string): string {
  const ws = from ? workspace({}, from) : workspace()
  mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true })
  writeFileSync(path.join(ws, rel), '')
  truncateSync(path.join(ws, rel), TWO_GIB)
  return ws
}

const canaryInputs = {
  steps: '50,100',
  'set-weight-command': 'true',
  'promote-command': 'true',
  'rollback-command': 'true',
  'dry-run': 'true'
}

describe('a 2 GiB file is refused by the size cap, quickly', () => {
  it('check-gates: 2 GiB JUnit evidence is too-large missing evidence; the other requirements still pass', async () => {
    const ws = withHugeFile('reports/junit.xml', 'hostile/repo')
    const run = await runHostile('check-gates', {
      workspace: ws,
      inputs: { stage: 'staging', 'upload-report': 'false' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.passed).toBe('false')
    const report = JSON.parse(run.reportText) as {
      gates: Array<{ requirements: Array<{ id: string; status: string; message?: string }> }>
    }
    const tests = report.gates[0].requirements.find((r) => r.id === 'tests_pass')
    expect(tests?.status).toBe('missing-evidence')
    expect(tests?.message).toMatch(/reports\/junit\.xml: .*2147483648 bytes.*limit/)
    expect(
      report.gates[0].requirements.filter((r) => r.id !== 'tests_pass').map((r) => r.status)
    ).toEqual(['passed', 'passed'])
  })

  it('validate-graph: a 2 GiB graph file is refused with its size and the limit', async () => {
    const run = await runHostile('validate-graph', {
      workspace: withHugeFile('.process/graph.yaml')
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.valid).toBe('false')
    expect(run.stdout).toMatch(
      /\.process\/graph\.yaml is 2147483648 bytes, over the \d+-byte limit/
    )
  })

  it('render-diagram: a 2 GiB report file is refused', async () => {
    const ws = withHugeFile('report.json', 'hostile/repo')
    const run = await runHostile('render-diagram', {
      workspace: ws,
      inputs: { report: 'report.json' }
    })
    expect(run.exitCode).toBe(1)
    expect(failureOf(run)).toMatch(/^render-diagram: .*report\.json.*(2147483648|too large|limit)/)
  })

  it('mutation-gate: a 2 GiB mutation report is refused, and the gate does not pass', async () => {
    const ws = withHugeFile('reports/mutation/mutation.json')
    const run = await runHostile('mutation-gate', { workspace: ws, inputs: { threshold: '0' } })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.passed).not.toBe('true')
    expect(run.stdout).toMatch(/mutation\.json.*(2147483648|limit)/)
  })

  it('canary-rollout: a 2 GiB probes file is refused before any step', async () => {
    const run = await runHostile('canary-rollout', {
      workspace: withHugeFile('probes.yml'),
      inputs: { ...canaryInputs, 'probes-file': 'probes.yml' }
    })
    expect(run.exitCode).toBe(1)
    expect(failureOf(run)).toMatch(/probes\.yml is 2147483648 bytes, over the \d+-byte limit/)
  })

  it('flow gates: 2 GiB JUnit evidence fails the gate with exit 1', () => {
    const r = runCli(
      ['gates', '--stage', 'staging'],
      withHugeFile('reports/junit.xml', 'hostile/repo')
    )
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/reports\/junit\.xml: .*2147483648 bytes/)
  })
})

describe('paths outside the workspace', () => {
  it.each(['../outside.yaml', '/etc/passwd', 'a/../../../etc/passwd'])(
    'validate-graph, check-gates and render-diagram refuse graph %s',
    async (graph) => {
      for (const [entry, inputs] of [
        ['validate-graph', { graph }],
        ['check-gates', { graph, stage: 'staging', 'upload-report': 'false' }],
        ['render-diagram', { graph }]
      ] as const) {
        const run = await runHostile(entry, { workspace: shop(), inputs })
        expect(run.exitCode).toBe(1)
        expect(run.stdout).toMatch(/outside the workspace/)
        expect(run.stdout).not.toContain('root:x:0:0')
      }
    }
  )

  it('check-gates refuses evidence paths with .., absolute paths and /proc/self/environ, echoing nothing', async () => {
    const ws = workspace({}, 'hostile/repo')
    symlinkSync('/proc/self/environ', path.join(ws, 'reports', 'environ.xml'))
    for (const evidence of [
      'tests: ../../etc/passwd',
      'tests: /proc/self/environ',
      'tests: reports/environ.xml',
      'tests: reports/*.xml\ncoverage: ..\\..\\etc\\passwd'
    ]) {
      const run = await runHostile('check-gates', {
        workspace: ws,
        inputs: { stage: 'staging', 'upload-report': 'false', evidence },
        env: { HOSTILE_CANARY: CANARY }
      })
      expect(run.exitCode).toBe(1)
      expect(run.outputs.passed).toBe('false')
      const tests = (
        JSON.parse(run.reportText) as {
          gates: Array<{ requirements: Array<{ id: string; status: string; message?: string }> }>
        }
      ).gates[0].requirements[0]
      expect(tests.status).toBe('missing-evidence')
      expect(run.stdout + run.summary + run.reportText).not.toContain(CANARY)
      expect(run.stdout + run.summary + run.reportText).not.toContain('root:x:0:0')
    }
  })

  it('check-gates refuses evidence symlinked into RUNNER_TEMP (where checkout keeps credentials)', async () => {
    const runnerTemp = mkdtempSync(path.join(tmpdir(), 'runner-temp-'))
    writeFileSync(
      path.join(runnerTemp, 'git-credentials.xml'),
      `<testsuite><testcase name="${CANARY}"/></testsuite>`
    )
    const ws = workspace({}, 'hostile/repo')
    symlinkSync(path.join(runnerTemp, 'git-credentials.xml'), path.join(ws, 'reports', 'creds.xml'))
    const run = await runHostile('check-gates', {
      workspace: ws,
      inputs: { stage: 'staging', 'upload-report': 'false', evidence: 'tests: reports/creds.xml' },
      env: { RUNNER_TEMP: runnerTemp }
    })
    expect(run.exitCode).toBe(1)
    expect(run.reportText).toMatch(/reports\/creds\.xml[^"]*outside the workspace|symbolic link/)
    expect(run.stdout + run.summary + run.reportText).not.toContain(CANARY)
  })

  it('validate-graph refuses a graph that is a symlink to /proc/self/environ without echoing it', async () => {
    const ws = workspace()
    mkdirSync(path.join(ws, '.process'))
    symlinkSync('/proc/self/environ', path.join(ws, '.process', 'graph.yaml'))
    const run = await runHostile('validate-graph', {
      workspace: ws,
      env: { HOSTILE_CANARY: CANARY }
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/outside the workspace|symbolic link/)
    expect(run.stdout + run.summary + run.reportText).not.toContain(CANARY)
  })

  it('writes no report outside the workspace: check-gates, validate-graph and render-diagram refuse ../ and absolute outputs', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'outside-'))
    const target = path.join(outside, 'written.json')
    const ws = shop()
    const rel = path.relative(ws, target)
    for (const [entry, inputs] of [
      ['check-gates', { stage: 'staging', 'upload-report': 'false', report: rel }],
      ['check-gates', { stage: 'staging', 'upload-report': 'false', report: target }],
      ['validate-graph', { report: rel }],
      ['render-diagram', { output: rel.replace(/\.json$/, '.mmd') }],
      ['render-diagram', { output: target.replace(/\.json$/, '.mmd') }]
    ] as const) {
      const run = await runHostile(entry, { workspace: ws, inputs })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toMatch(/outside the workspace/)
    }
    expect(listFiles(outside)).toEqual([])
  })

  it('mutation-gate refuses a report path outside the workspace and a symlink to /proc/self/environ', async () => {
    const ws = workspace()
    symlinkSync('/proc/self/environ', path.join(ws, 'environ.json'))
    for (const report of ['../mutation.json', '/etc/passwd', 'environ.json']) {
      const run = await runHostile('mutation-gate', {
        workspace: ws,
        inputs: { report, threshold: '0' },
        env: { HOSTILE_CANARY: CANARY }
      })
      expect(run.exitCode).toBe(1)
      expect(run.outputs.passed).not.toBe('true')
      expect(run.stdout).toMatch(/outside the workspace|symbolic link/)
      expect(run.stdout + run.summary).not.toContain(CANARY)
    }
  })

  it('canary-rollout refuses a probes file outside the workspace and a report path outside it', async () => {
    const ws = workspace({
      'probes.yml': 'probes:\n  - name: home\n    url: http://127.0.0.1:9/\n'
    })
    const outside = mkdtempSync(path.join(tmpdir(), 'outside-'))
    for (const extra of [
      { 'probes-file': '../probes.yml' } as Record<string, string>,
      { 'probes-file': '/etc/passwd' },
      { 'probes-file': 'probes.yml', 'report-path': path.join(outside, 'r.json') }
    ]) {
      const run = await runHostile('canary-rollout', {
        workspace: ws,
        inputs: { ...canaryInputs, ...extra }
      })
      expect(run.exitCode).toBe(1)
      expect(failureOf(run)).toMatch(/outside the workspace/)
      expect(run.outputs.decision).not.toBe('promoted')
    }
    expect(existsSync(path.join(outside, 'r.json'))).toBe(false)
  })

  it('recalibrate refuses a history path outside the workspace before any request', async () => {
    for (const history of ['../../etc', '/etc']) {
      const run = await runHostile('recalibrate', {
        workspace: workspace({}, 'recalibrate/repo'),
        inputs: {
          'history-path': history,
          'dry-run': 'true',
          'upload-dashboard': 'false',
          token: FAKE_TOKEN
        },
        env: { GITHUB_API_URL: 'http://127.0.0.1:9' }
      })
      expect(run.exitCode).toBe(1)
      expect(failureOf(run)).toMatch(/^recalibrate: .*history path.*outside the workspace/)
      expect(run.stdout).not.toMatch(/retry|network/i)
    }
  })

  it('recalibrate without a token is a configuration error, not an unexpected failure', async () => {
    const run = await runHostile('recalibrate', {
      workspace: workspace({}, 'recalibrate/repo'),
      inputs: { 'dry-run': 'true', 'upload-dashboard': 'false' }
    })
    expect(run.exitCode).toBe(1)
    expect(failureOf(run)).toMatch(/^recalibrate: Input "token" is empty/)
  })

  it('flow validate and flow gates refuse a graph outside the root with exit 2', () => {
    const ws = shop()
    for (const args of [
      ['validate', '--graph', '../../etc/passwd'],
      ['gates', '--stage', 'staging', '--graph', '/etc/passwd']
    ]) {
      const r = runCli(args, ws)
      expect(r.status).not.toBe(0)
      expect(r.stdout + r.stderr).toMatch(/outside the workspace/)
      expect(r.stdout + r.stderr).not.toContain('root:x:0:0')
    }
  })
})
