import { describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { evaluateGates } from '../../shared/gates/index.js'
import { mergeShardReports, planShards, readStrykerFile } from '../../shared/mutation/index.js'
import { strykerReport } from '../mutation/helpers.js'
import { repoRoot, workflows, type WorkflowFile, type Yaml } from './helpers.js'

/** Inputs that carry the caller's own commands: whatever runs them runs untrusted code. */
const CALLER_COMMAND = /\binputs\.(evidence-command|command|setup-command)\b/

/** Where the judging jobs keep flow-actions: beside the workspace, referenced as ./../<this>/<action>. */
const JUDGE_DIR = 'flow-actions-judge'

function workflow(file: string): WorkflowFile {
  const w = workflows().find((x) => x.file === file)
  if (!w) throw new Error(`${file} not found`)
  return w
}

function jobsOf(w: WorkflowFile): Array<[string, Yaml]> {
  return Object.entries(w.doc.jobs as Record<string, Yaml>)
}

function stepsOfJob(job: Yaml): Yaml[] {
  return (job.steps ?? []) as Yaml[]
}

/** A step runs caller code when its script or its env carries one of the caller's commands. */
function runsCallerCode(step: Yaml): boolean {
  return (
    typeof step.run === 'string' &&
    (CALLER_COMMAND.test(step.run) || CALLER_COMMAND.test(JSON.stringify(step.env ?? {})))
  )
}

/** Any step that brings flow-actions code into the job: a checkout of another repository, or a local action. */
function bringsFlowActions(step: Yaml): boolean {
  const uses = typeof step.uses === 'string' ? step.uses : ''
  const w = (step.with ?? {}) as Yaml
  if (
    uses.startsWith('actions/checkout@') &&
    (w.repository !== undefined || String(w.path ?? '').includes('flow-actions'))
  )
    return true
  if (uses.startsWith('./')) return true
  return /flow-actions/.test(JSON.stringify(step))
}

const SPLIT = ['.github/workflows/verify.yml', '.github/workflows/mutation.yml']

describe.each(SPLIT)('%s is split by trust', (file) => {
  const w = workflow(file)
  const untrusted = jobsOf(w).filter(([, job]) => stepsOfJob(job).some(runsCallerCode))
  const trusted = jobsOf(w).filter(([, job]) => !stepsOfJob(job).some(runsCallerCode))

  it('has one job that runs the caller command and at least one that judges', () => {
    expect(untrusted.map(([id]) => id)).toHaveLength(1)
    expect(trusted.length).toBeGreaterThan(0)
  })

  it('the job running caller code has contents: read only, no token input and no secret', () => {
    for (const [id, job] of untrusted) {
      expect({ id, permissions: job.permissions }).toEqual({
        id,
        permissions: { contents: 'read' }
      })
      const text = JSON.stringify(job)
      expect({
        id,
        secrets: /\bsecrets\./.test(text),
        githubToken: /github\.token/.test(text)
      }).toEqual({ id, secrets: false, githubToken: false })
      for (const step of stepsOfJob(job))
        expect({ id, step: step.name, token: ((step.with ?? {}) as Yaml).token }).toEqual({
          id,
          step: step.name,
          token: undefined
        })
    }
  })

  it('no step before or in the job running caller code checks out or runs flow-actions', () => {
    for (const [id, job] of untrusted) {
      const bad = stepsOfJob(job)
        .filter(bringsFlowActions)
        .map((s) => s.name)
      expect({ id, bad }).toEqual({ id, bad: [] })
    }
  })

  it('the judging jobs run no caller command and use flow-actions only from beside the workspace', () => {
    for (const [id, job] of trusted) {
      for (const step of stepsOfJob(job)) {
        expect({ id, step: step.name, callerCode: runsCallerCode(step) }).toEqual({
          id,
          step: step.name,
          callerCode: false
        })
        if (typeof step.uses === 'string' && step.uses.startsWith('./'))
          expect(step.uses).toMatch(new RegExp(`^\\./\\.\\./${JUDGE_DIR}/[a-z-]+$`))
        if (typeof step.run === 'string') expect(step.run).not.toMatch(/\.flow-actions\/dist/)
      }
    }
  })

  it('the judging jobs move flow-actions out before checking out the caller, and only then use it', () => {
    for (const [id, job] of trusted) {
      const steps = stepsOfJob(job)
      const flowCheckout = steps.findIndex(
        (s) =>
          String(s.uses ?? '').startsWith('actions/checkout@') &&
          ((s.with ?? {}) as Yaml).repository !== undefined
      )
      if (flowCheckout < 0) continue
      const move = steps.findIndex(
        (s) =>
          typeof s.run === 'string' &&
          s.run.includes(`/${JUDGE_DIR}`) &&
          /\bmv \.flow-actions\b/.test(s.run)
      )
      const callerCheckout = steps.findIndex(
        (s, i) =>
          i > flowCheckout &&
          String(s.uses ?? '').startsWith('actions/checkout@') &&
          ((s.with ?? {}) as Yaml).repository === undefined
      )
      const firstUse = steps.findIndex(
        (s) =>
          String(s.uses ?? '').startsWith('./') ||
          /flow-actions-judge\/dist/.test(String(s.run ?? ''))
      )
      expect({
        id,
        order: flowCheckout < move && move < callerCheckout && callerCheckout < firstUse
      }).toEqual({ id, order: true })
    }
  })

  it('hands the evidence over as an artifact whose name survives "Re-run failed jobs"', () => {
    const [, job] = untrusted[0]
    const upload = stepsOfJob(job).find((s) =>
      String(s.uses ?? '').startsWith('actions/upload-artifact@')
    )
    expect(upload).toBeDefined()
    const w2 = (upload?.with ?? {}) as Yaml
    expect(String(w2.name)).not.toContain('run_attempt')
    expect(w2.overwrite).toBe(true)
    const downloads = trusted
      .flatMap(([, j]) => stepsOfJob(j))
      .filter((s) => String(s.uses ?? '').startsWith('actions/download-artifact@'))
    expect(downloads.length).toBeGreaterThan(0)
    for (const d of downloads) {
      const dw = (d.with ?? {}) as Yaml
      const wanted = String(dw.name ?? dw.pattern)
      expect(wanted).not.toContain('run_attempt')
      // The pattern (with * as a wildcard) matches the uploaded name, expressions compared literally.
      const re = new RegExp(
        `^${wanted.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`
      )
      expect(re.test(String(w2.name))).toBe(true)
    }
  })
})

describe.each(SPLIT)('%s and a private flow-actions repository', (file) => {
  it('the flow-actions-token secret is declared and reaches only the flow-actions checkout of the judging jobs', () => {
    const w = workflow(file)
    const secrets = (((w.doc.on as Yaml).workflow_call as Yaml).secrets ?? {}) as Yaml
    expect(Object.keys(secrets)).toContain('flow-actions-token')
    const uses: string[] = []
    for (const [id, job] of jobsOf(w)) {
      for (const step of stepsOfJob(job)) {
        if (!JSON.stringify(step).includes('secrets.flow-actions-token')) continue
        uses.push(id)
        expect(String(step.uses)).toMatch(/^actions\/checkout@/)
        expect(((step.with ?? {}) as Yaml).repository).toBeDefined()
        expect(((step.with ?? {}) as Yaml)['persist-credentials']).toBe(false)
        expect(stepsOfJob(job).some(runsCallerCode)).toBe(false)
      }
    }
    expect(uses.length).toBeGreaterThan(0)
  })
})

/** The `run:` script of the named step of a job. */
function script(file: string, job: string, stepName: RegExp): string {
  const steps = stepsOfJob((workflow(file).doc.jobs as Record<string, Yaml>)[job])
  const step = steps.find((s) => stepName.test(String(s.name ?? '')))
  if (!step || typeof step.run !== 'string')
    throw new Error(`${file} ${job}: no step matching ${stepName}`)
  return step.run
}

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'flow-trust-'))
}

describe('the flow-actions checkout of the judging job', () => {
  const LCOV_10 =
    'TN:\nSF:src/app.js\n' +
    Array.from({ length: 10 }, (_, i) => `DA:${i + 1},${i === 0 ? 1 : 0}`).join('\n') +
    '\nLF:10\nLH:1\nend_of_record\n'
  const GRAPH = [
    'version: 1',
    'stages: [dev]',
    'evidence:',
    '  coverage: "**/lcov.info"',
    'nodes:',
    '  - id: G-quality',
    '    kind: gate',
    '    requires:',
    '      - id: coverage',
    '        metric: coverage.lines >= 50',
    ''
  ].join('\n')

  /** The runner's layout: <work>/<repo>/<repo> is the workspace; flow-actions is checked out into it first. */
  function runnerLayout(): { work: string; workspace: string } {
    const work = tempDir()
    const workspace = path.join(work, 'app', 'app')
    mkdirSync(path.join(workspace, '.flow-actions'), { recursive: true })
    // The real checkout: this repository's tracked files, fixtures with lcov.info files included.
    execFileSync('bash', [
      '-c',
      `git -C "${repoRoot}" archive HEAD | tar -x -C "${path.join(workspace, '.flow-actions')}"`
    ])
    mkdirSync(path.join(workspace, 'coverage'), { recursive: true })
    mkdirSync(path.join(workspace, '.process'), { recursive: true })
    writeFileSync(path.join(workspace, 'coverage', 'lcov.info'), LCOV_10)
    writeFileSync(path.join(workspace, '.process', 'graph.yaml'), GRAPH)
    return { work, workspace }
  }

  function moveOut(workspace: string): ReturnType<typeof spawnSync> {
    return spawnSync(
      'bash',
      [
        '-eo',
        'pipefail',
        '-c',
        script('.github/workflows/verify.yml', 'verify', /^Move flow-actions out/)
      ],
      {
        cwd: workspace,
        env: { PATH: process.env.PATH, GITHUB_WORKSPACE: workspace },
        encoding: 'utf8'
      }
    )
  }

  async function coverageGate(workspace: string) {
    const { report } = await evaluateGates({
      root: workspace,
      graphPath: '.process/graph.yaml',
      stage: 'dev',
      now: new Date('2026-12-01T00:00:00Z')
    })
    return {
      verdict: report.verdict,
      files: report.evidence?.sources['coverage.lines'] ?? [],
      coverage: report.metrics?.['coverage.lines']
    }
  }

  it('inside the workspace, "**/lcov.info" would read flow-actions\' own fixtures (why it must move)', async () => {
    const { work, workspace } = runnerLayout()
    try {
      const seen = await coverageGate(workspace)
      expect(seen.files.some((f) => f.startsWith('.flow-actions/'))).toBe(true)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }, 60_000)

  it("moved beside the workspace by the workflow step, the glob sees only the caller's file and the 10 % coverage fails the >= 50 gate", async () => {
    const { work, workspace } = runnerLayout()
    try {
      const moved = moveOut(workspace)
      expect(moved.status).toBe(0)
      const judge = path.join(work, 'app', JUDGE_DIR)
      expect(existsSync(path.join(workspace, '.flow-actions'))).toBe(false)
      expect(existsSync(path.join(judge, 'check-gates', 'action.yml'))).toBe(true)
      expect(
        existsSync(
          path.join(judge, '__tests__', 'fixtures', 'gates', 'shop', 'coverage', 'lcov.info')
        )
      ).toBe(true)
      const seen = await coverageGate(workspace)
      expect(seen).toEqual({ verdict: 'failed', files: ['coverage/lcov.info'], coverage: 10 })
      // A glob cannot climb out to it either: a pattern leaving the workspace is refused.
      const { report } = await evaluateGates({
        root: workspace,
        graphPath: '.process/graph.yaml',
        stage: 'dev',
        evidenceOverrides: `coverage: ../${JUDGE_DIR}/**/lcov.info`,
        now: new Date('2026-12-01T00:00:00Z')
      })
      expect(report.verdict).toBe('failed')
      expect(report.evidence?.sources['coverage.lines'] ?? []).toEqual([])
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }, 60_000)

  it('the move step refuses a workspace that is itself named flow-actions-judge', () => {
    const work = tempDir()
    try {
      const workspace = path.join(work, JUDGE_DIR)
      mkdirSync(path.join(workspace, '.flow-actions'), { recursive: true })
      const moved = moveOut(workspace)
      expect(moved.status).toBe(1)
      expect(moved.stdout).toContain('::error::The workspace itself is named flow-actions-judge')
      expect(existsSync(path.join(workspace, '.flow-actions'))).toBe(true)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  })
})

describe('mutation.yml: the gate job stamps each shard report from the plan, not from the shard', () => {
  it('stamps, and the merge then finds every shard exactly once; a shard claiming another identity is overridden', () => {
    const ws = tempDir()
    try {
      mkdirSync(path.join(ws, 'src'))
      for (const f of ['a', 'b', 'c'])
        writeFileSync(path.join(ws, 'src', `${f}.js`), `export const ${f} = 1 + 2\n`)
      const plan = planShards(ws, ['src/*.js'], 2)
      const matrix = JSON.stringify({ include: plan.include })
      const runId = '4242'
      for (const entry of plan.include) {
        const dir = path.join(
          ws,
          '.flow-mutation-shards',
          'downloaded',
          `flow-mutation-shard-${entry.shard}-of-${entry.of}-${runId}`
        )
        mkdirSync(dir, { recursive: true })
        const files = entry.mutate.split(',')
        const report = strykerReport(
          files.map((f) => [f, 1, 'Killed'] as [string, number, 'Killed'])
        )
        // A shard (caller code) that forges its identity: the gate's stamp replaces it.
        writeFileSync(
          path.join(dir, 'mutation.json'),
          JSON.stringify({
            ...report,
            config: { flowActionsShard: { shard: 1, of: 1, mutate: ['src/**'] } }
          })
        )
      }
      const run = spawnSync(
        'bash',
        [
          '-eo',
          'pipefail',
          '-c',
          script('.github/workflows/mutation.yml', 'gate', /^Stamp each shard report/)
        ],
        {
          cwd: ws,
          env: { PATH: process.env.PATH, MATRIX: matrix, RUN_ID: runId },
          encoding: 'utf8'
        }
      )
      expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({
        status: 0,
        stderr: ''
      })
      const stamped = plan.include.map(
        (e) => `.flow-mutation-shards/stamped/shard-${e.shard}-of-${e.of}.json`
      )
      for (const s of stamped)
        expect(JSON.parse(readFileSync(path.join(ws, s), 'utf8')).config.flowActionsShard.of).toBe(
          2
        )
      return Promise.all(stamped.map((s) => readStrykerFile(ws, s))).then((reports) => {
        const merged = mergeShardReports(reports)
        expect(merged.of).toBe(2)
        expect(Object.keys(merged.report.files).sort()).toEqual([
          'src/a.js',
          'src/b.js',
          'src/c.js'
        ])
      })
    } finally {
      rmSync(ws, { recursive: true, force: true })
    }
  })

  it('refuses a shard artifact holding more than one JSON file', () => {
    const ws = tempDir()
    try {
      const dir = path.join(
        ws,
        '.flow-mutation-shards',
        'downloaded',
        'flow-mutation-shard-1-of-1-7'
      )
      mkdirSync(dir, { recursive: true })
      writeFileSync(path.join(dir, 'a.json'), '{}')
      writeFileSync(path.join(dir, 'b.json'), '{}')
      const run = spawnSync(
        'bash',
        [
          '-eo',
          'pipefail',
          '-c',
          script('.github/workflows/mutation.yml', 'gate', /^Stamp each shard report/)
        ],
        {
          cwd: ws,
          env: {
            PATH: process.env.PATH,
            MATRIX: JSON.stringify({ include: [{ shard: 1, of: 1, mutate: 'src/a.js' }] }),
            RUN_ID: '7'
          },
          encoding: 'utf8'
        }
      )
      expect(run.status).toBe(1)
      expect(run.stdout).toContain('holds 2 JSON files')
    } finally {
      rmSync(ws, { recursive: true, force: true })
    }
  })
})

describe('mutation.yml refuses privileged events unless allowed', () => {
  it('its plan job starts with a step that fails on pull_request_target and workflow_run without allow-privileged-events', () => {
    const w = workflow('.github/workflows/mutation.yml')
    const first = stepsOfJob((w.doc.jobs as Record<string, Yaml>).plan)[0]
    expect(String(first.if)).toContain("github.event_name == 'pull_request_target'")
    expect(String(first.if)).toContain("github.event_name == 'workflow_run'")
    expect(String(first.if)).toContain('!inputs.allow-privileged-events')
    const run = spawnSync('bash', ['-c', String(first.run)], {
      env: { PATH: process.env.PATH, EVENT: 'pull_request_target' },
      encoding: 'utf8'
    })
    expect(run.status).toBe(1)
    expect(run.stdout).toContain('::error::')
  })

  it('keys the incremental cache by event and full ref, so a branch a pull request names "main" cannot write the default branch\'s entries', () => {
    const w = workflow('.github/workflows/mutation.yml')
    const steps = stepsOfJob((w.doc.jobs as Record<string, Yaml>).shard).filter((s) =>
      String(s.uses ?? '').startsWith('actions/cache/')
    )
    expect(steps).toHaveLength(2)
    for (const s of steps) {
      const key = String(((s.with ?? {}) as Yaml).key)
      expect(key).toContain('${{ github.event_name }}-${{ github.ref }}')
      expect(key).not.toContain('head_ref')
    }
  })
})
