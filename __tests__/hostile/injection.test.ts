/**
 * Injection strings in every input: the JavaScript actions through the runner harness (every
 * input of every action.yml, one run each), the CLI's flags, and the composite mutation-gate and
 * the reusable workflows by static checks plus running their run: scripts with bash and hostile
 * environment values. Nothing executes (no `pwned` file, no `uid=` from `$(id)`), failures are
 * clean messages without a stack, and text that is echoed appears literally.
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import {
  INJECTIONS,
  expectNothingExecuted,
  repoRoot,
  runCli,
  runHostile,
  shop,
  workspace
} from './support.js'

/** Every injection at once: `"; touch ./pwned #`, `$(touch ./pwned)`, backticks, quote breaking, `$(id)`. */
const HOSTILE = INJECTIONS.join(' ')

interface ActionYml {
  inputs?: Record<string, { default?: string }>
  runs: {
    using: string
    steps?: Array<{ name?: string; run?: string; env?: Record<string, string>; uses?: string }>
  }
}
const actionYml = (file: string) =>
  parse(readFileSync(path.join(repoRoot, file), 'utf8')) as ActionYml

// Commands are the user's own shell by design (they run with bash, values reach them only through
// the environment: __tests__/canary/platform-command.test.ts); the token is only ever a header.
const BY_DESIGN = new Set([
  'set-weight-command',
  'promote-command',
  'rollback-command',
  'command',
  'token',
  'prometheus-token'
])

const JS_ACTIONS: Array<[string, string, Record<string, string>]> = [
  ['validate-graph', 'validate-graph/action.yml', {}],
  ['check-gates', 'check-gates/action.yml', { stage: 'staging', 'upload-report': 'false' }],
  ['verify', 'action.yml', { stage: 'staging', 'upload-report': 'false' }],
  ['render-diagram', 'render-diagram/action.yml', {}],
  [
    'recalibrate',
    'recalibrate/action.yml',
    { 'dry-run': 'true', 'upload-dashboard': 'false', token: 'ghs_x' }
  ],
  [
    'canary-rollout',
    'canary-rollout/action.yml',
    {
      steps: '50,100',
      'set-weight-command': 'true',
      'promote-command': 'true',
      'rollback-command': 'true',
      'dry-run': 'true'
    }
  ],
  ['mutation-gate', 'mutation-gate/action.yml', { threshold: '0' }]
]

const cases = JS_ACTIONS.flatMap(([entry, yml, base]) =>
  Object.keys(actionYml(yml).inputs ?? {})
    .filter((name) => !BY_DESIGN.has(name))
    .map((name) => [entry, name, base] as const)
)

describe('injection strings in every input of the JavaScript actions', () => {
  it('covers every input of every JavaScript action', () => {
    expect(cases.length).toBeGreaterThan(60)
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(JS_ACTIONS.map((a) => a[0])))
  })

  it.each(cases)(
    '%s: input %s set to injection strings executes nothing',
    async (entry, name, base) => {
      const ws = shop({ 'probes.yml': 'probes:\n  - name: home\n    url: http://127.0.0.1:9/\n' })
      const run = await runHostile(entry, {
        workspace: ws,
        inputs: { ...base, [name]: HOSTILE },
        env: { GITHUB_API_URL: 'http://127.0.0.1:9' },
        timeoutMs: 30_000
      })
      expect(run.signal).toBeNull()
      expect(run.stdout + run.summary).not.toMatch(/uid=\d+/)
      expectNothingExecuted(ws)
      // Either refused as a bad value (a clear message naming the action), or taken as inert text.
      if (run.exitCode !== 0)
        expect(
          run.annotations.some(
            (a) => a.level === 'error' && a.message.startsWith(`${entry === 'verify' ? '' : entry}`)
          )
        ).toBe(true)
      // A value that is echoed back is echoed literally (escaped for the log, never interpreted).
      for (const a of run.annotations)
        if (a.message.includes('touch ./pwned'))
          expect(a.message).toMatch(/\$\(touch \.\/pwned\)|"; touch \.\/pwned #|`touch \.\/pwned`/)
    }
  )
})

describe('injection strings in the CLI flags', () => {
  it.each([
    '--graph',
    '--stage',
    '--gates',
    '--evidence',
    '--waivers',
    '--baseline',
    '--report',
    '--fail-on'
  ])('flow gates %s with injection strings executes nothing', (flag) => {
    const ws = shop()
    const args = ['gates', '--stage', 'staging', flag, HOSTILE]
    const r = runCli(args, ws)
    // --report names a file: the hostile name is a legal file name, written literally inside the root.
    if (flag === '--report') expect(existsSync(path.join(ws, HOSTILE))).toBe(true)
    else expect(r.status).not.toBe(0)
    expect(r.stdout + r.stderr).not.toMatch(/uid=\d+/)
  })

  it.each([
    ['validate', '--graph'],
    ['render', '--output'],
    ['render', '--report'],
    ['mutation', '--threshold'],
    ['init', '--root']
  ])('flow %s %s with injection strings executes nothing', (cmd, flag) => {
    const ws = shop()
    const r = runCli([cmd, flag, HOSTILE], ws)
    expect(r.stdout + r.stderr).not.toMatch(/uid=\d+/)
    expectNothingExecuted(ws)
  })
})

/** Runs one run: script under bash as the runner does (bash --noprofile --norc -eo pipefail). */
function runScript(script: string, env: Record<string, string>, cwd: string) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'hostile-step-')), 'step.sh')
  writeFileSync(file, script)
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    encoding: 'utf8',
    timeout: 60_000
  })
}

/** The step's env with every `${{ … }}` expression replaced by the hostile text, as GitHub would expand it. */
function hostileEnv(
  env: Record<string, string> | undefined,
  value: string
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env ?? {}))
    out[k] = String(v).replace(/\$\{\{[^}]*\}\}/g, value)
  return out
}

describe('the composite mutation-gate', () => {
  const action = actionYml('mutation-gate/action.yml')
  const steps = action.runs.steps ?? []

  it('expands no expression inside a run: script (inputs reach the shell only through env)', () => {
    expect(steps.filter((s) => s.run).length).toBeGreaterThanOrEqual(3)
    for (const s of steps) if (s.run) expect(s.run).not.toMatch(/\$\{\{/)
  })

  it.each(INJECTIONS)(
    'runs every run: script with bash and every input set to %j: nothing executes',
    (value) => {
      const ws = workspace()
      const output = path.join(ws, '..', `${path.basename(ws)}-output`)
      writeFileSync(output, '')
      for (const step of steps) {
        if (!step.run) continue
        const env = {
          ...hostileEnv(step.env, value),
          GITHUB_OUTPUT: output,
          GITHUB_ACTION_PATH: path.join(repoRoot, 'mutation-gate'),
          GITHUB_WORKSPACE: ws
        }
        // The command step runs the user's command; here a command that records what the shard's
        // targets (a hostile value) look like once inside it.
        if ('FLOW_MUTATION_COMMAND' in env)
          env.FLOW_MUTATION_COMMAND = 'printf %s "$FLOW_MUTATE" > mutate.txt'
        const r = runScript(step.run, env, ws)
        expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
        expect(r.stdout + r.stderr).not.toMatch(/uid=\d+/)
      }
      expect(readFileSync(path.join(ws, 'mutate.txt'), 'utf8')).toBe(value)
      expectNothingExecuted(ws)
    }
  )
})

describe('the reusable workflows', () => {
  const dir = path.join(repoRoot, '.github', 'workflows')
  const reusable = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map(
      (f) =>
        [
          f,
          parse(readFileSync(path.join(dir, f), 'utf8')) as {
            on?: Record<string, unknown>
            jobs: Record<
              string,
              { steps?: Array<{ name?: string; run?: string; env?: Record<string, string> }> }
            >
          }
        ] as const
    )
    .filter(([, wf]) => wf.on && 'workflow_call' in wf.on)

  // Steps whose run: script is only `bash -c "$X_COMMAND"`: the caller's own command, by design.
  const isCallerCommand = (run: string) =>
    /^bash (?:-\w+ )*(?:pipefail )?-c "\$[A-Z_]+_COMMAND"\s*$/.test(run.trim())
  const steps = reusable.flatMap(([file, wf]) =>
    Object.entries(wf.jobs).flatMap(([job, j]) =>
      (j.steps ?? [])
        .filter((s) => s.run && Object.values(s.env ?? {}).some((v) => /\$\{\{/.test(String(v))))
        .map((s) => [file, job, s.name ?? '', s] as const)
    )
  )

  it('expand no expression inside any run: script', () => {
    expect(reusable.length).toBeGreaterThanOrEqual(4)
    for (const [, wf] of reusable)
      for (const j of Object.values(wf.jobs))
        for (const s of j.steps ?? []) if (s.run) expect(s.run).not.toMatch(/\$\{\{/)
  })

  it.each(
    steps
      .filter(([, , , s]) => !isCallerCommand(s.run as string))
      .map(([f, j, n, s]) => [`${f} ${j}: ${n}`, s] as const)
  )('%s: runs with bash and hostile env values, executing nothing', (_label, step) => {
    for (const value of INJECTIONS) {
      const ws = workspace()
      symlinkSync(repoRoot, path.join(ws, '.flow-actions'))
      const output = path.join(ws, '..', `${path.basename(ws)}-output`)
      writeFileSync(output, '')
      const r = runScript(
        step.run as string,
        { ...hostileEnv(step.env, value), GITHUB_OUTPUT: output, GITHUB_WORKSPACE: ws },
        ws
      )
      expect(r.stdout + r.stderr).not.toMatch(/uid=\d+/)
      expect(existsSync(path.join(ws, 'pwned'))).toBe(false)
      expectNothingExecuted(ws)
    }
  })
})
