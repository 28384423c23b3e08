/**
 * The CLI runs the actions' own code: `flow canary` decides as canary-rollout does on the same
 * config, `flow verify` gives the root action's outputs, `flow gates` carries the run into its
 * report, and `flow render` takes the title and direction render-diagram takes.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { run as verifyAction } from '../../actions/verify/main.js'
import { main } from '../../cli/main.js'
import { FakeIO } from '../diagram/fake-io.js'
import { repoRoot } from '../helpers/run-action.js'
import { runInProcess } from '../canary/support/in-process.js'

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

/** A service on 127.0.0.1 whose /health answers 200 for the first `healthy` requests, then 500. */
async function service(healthy: number): Promise<string> {
  let n = 0
  const server = createServer((req, res) => {
    req.resume()
    res.writeHead(n++ < healthy ? 200 : 500, { 'content-type': 'text/plain' })
    res.end('ok')
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function cli(argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

/** The log's decision lines (`decision at step 1 (50%): continue - …`), without the reasons' timings. */
const stepDecisions = (text: string) =>
  [...text.matchAll(/^decision at step (\d+) \((\d+)%\): ([a-z-]+)/gm)].map(
    (m) => `${m[1]} ${m[2]}% ${m[3]}`
  )

describe('flow canary', () => {
  it.each([
    ['a healthy service', 1000, 'promoted', 0],
    ['a service that starts failing', 2, 'rolled-back', 1]
  ])(
    '--dry-run against %s prints the same decisions as the action on the same config',
    async (_what, healthy, decision, exit) => {
      const url = await service(healthy)
      const dir = mkdtempSync(path.join(tmpdir(), 'flow-canary-'))
      writeFileSync(
        path.join(dir, 'probes.yml'),
        `probes:\n  - name: health\n    url: ${url}/health\n    expect: { status: 200 }\n`
      )
      const settings = {
        steps: '50,100',
        'step-duration': '2s',
        interval: '1s',
        'probes-file': 'probes.yml'
      }
      const action = await runInProcess(dir, { ...settings, 'dry-run': 'true' })
      const url2 = await service(healthy)
      writeFileSync(
        path.join(dir, 'probes.yml'),
        `probes:\n  - name: health\n    url: ${url2}/health\n    expect: { status: 200 }\n`
      )
      const local = await cli([
        'canary',
        '--dry-run',
        '--root',
        dir,
        '--steps',
        settings.steps,
        '--step-duration',
        '2s',
        '--interval',
        '1s',
        '--probes-file',
        'probes.yml'
      ])
      expect(action.outputs.decision).toBe(decision)
      expect(local.out).toContain(`decision: ${decision}`)
      expect(local.code).toBe(exit)
      expect(local.out).toContain('dry run')
      const report = JSON.parse(
        readFileSync(path.join(dir, 'flow-rollout-report.json'), 'utf8')
      ) as { rollout: { decision: string; steps?: Array<{ weight: number; decision?: string }> } }
      expect(report.rollout.decision).toBe(action.report.rollout.decision)
      expect(JSON.stringify((report.rollout.steps ?? []).map((s) => [s.weight, s.decision]))).toBe(
        JSON.stringify(
          ((action.report.rollout.steps as typeof report.rollout.steps) ?? []).map((s) => [
            s.weight,
            s.decision
          ])
        )
      )
      expect(stepDecisions(action.stdout).length).toBeGreaterThan(1)
      expect(stepDecisions(local.out)).toEqual(stepDecisions(action.stdout))
    },
    60_000
  )

  it('--apply with --dry-run is a usage error (exit 2)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flow-canary-'))
    const r = await cli(['canary', '--apply', '--dry-run', '--steps', '50,100', '--root', dir])
    expect(r.code).toBe(2)
    expect(r.err).toContain('contradict')
  })

  it('without --steps is a configuration error (exit 2)', async () => {
    const r = await cli(['canary', '--root', mkdtempSync(path.join(tmpdir(), 'flow-canary-'))])
    expect(r.code).toBe(2)
    expect(r.err).toContain('--steps is required')
  })
})

describe('flow verify', () => {
  it('on examples/ gives the root action’s outputs', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'flow-verify-'))
    cpSync(path.join(repoRoot, 'examples'), root, {
      recursive: true,
      filter: (src) => !src.includes('node_modules')
    })
    const io = new FakeIO(
      { stage: 'staging', 'upload-report': 'false', report: 'action-report.json' },
      { GITHUB_WORKSPACE: root, RUNNER_TEMP: mkdtempSync(path.join(tmpdir(), 'runner-')) }
    )
    await verifyAction({ io, root, now: () => new Date() })
    const local = await cli([
      'verify',
      '--root',
      root,
      '--stage',
      'staging',
      '--report',
      'cli-report.json'
    ])
    const printed = Object.fromEntries(
      local.out
        .split('\n')
        .filter((l) => /^[a-z-]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
    )
    expect(printed.passed).toBe(io.outputs.passed)
    expect(printed['failed-gates']).toBe(io.outputs['failed-gates'])
    expect(printed.valid).toBe(io.outputs.valid)
    const a = JSON.parse(readFileSync(path.join(root, 'action-report.json'), 'utf8')) as {
      verdict: string
      gates: Array<{ id: string; status: string }>
    }
    const c = JSON.parse(readFileSync(path.join(root, 'cli-report.json'), 'utf8')) as typeof a
    expect(c.verdict).toBe(a.verdict)
    expect(c.gates.map((g) => [g.id, g.status])).toEqual(a.gates.map((g) => [g.id, g.status]))
    expect(local.code).toBe(io.outputs.passed === 'true' ? 0 : 1)
  })
})

describe('flow gates and flow render', () => {
  it('flow gates carries sha and runId into its report when the environment has them', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'flow-gates-run-'))
    cpSync(path.join(repoRoot, 'examples'), root, {
      recursive: true,
      filter: (src) => !src.includes('node_modules')
    })
    const saved = { sha: process.env.GITHUB_SHA, run: process.env.GITHUB_RUN_ID }
    process.env.GITHUB_SHA = 'f'.repeat(40)
    process.env.GITHUB_RUN_ID = '4242'
    try {
      await cli(['gates', '--root', root, '--stage', 'staging', '--report', 'r.json'])
    } finally {
      if (saved.sha === undefined) delete process.env.GITHUB_SHA
      else process.env.GITHUB_SHA = saved.sha
      if (saved.run === undefined) delete process.env.GITHUB_RUN_ID
      else process.env.GITHUB_RUN_ID = saved.run
    }
    const report = JSON.parse(readFileSync(path.join(root, 'r.json'), 'utf8')) as {
      run: { sha?: string; runId?: string }
    }
    expect(report.run).toMatchObject({ sha: 'f'.repeat(40), runId: '4242' })
  })

  it('flow render takes --title and --direction, and refuses a direction it does not know', async () => {
    const r = await cli([
      'render',
      '--root',
      path.join(repoRoot, 'examples'),
      '--title',
      'Shop process',
      '--direction',
      'LR'
    ])
    expect(r.code).toBe(0)
    expect(r.out).toContain('Shop process')
    expect(r.out).toMatch(/flowchart LR/)
    const bad = await cli([
      'render',
      '--root',
      path.join(repoRoot, 'examples'),
      '--direction',
      'XY'
    ])
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('--direction must be TD')
  })
})
