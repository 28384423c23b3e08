/**
 * Shared support for the hostile-input catalogue (docs/HOSTILE.md): fresh workspaces, running a
 * bundled action or the CLI the way users do, and the assertions every hostile case shares.
 */
import { expect } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  repoRoot,
  runBundledAction,
  type ActionRun,
  type RunOptions
} from '../helpers/run-action.js'

export { repoRoot }

/** Shaped like a GitHub installation token, so pattern-based redaction is exercised as well. */
export const FAKE_TOKEN = 'ghs_HOSTILEtokenHOSTILEtoken0123456789'

/** Strings that would run a command if they ever reached a shell unquoted. Each would create `pwned`. */
export const INJECTIONS = [
  '"; touch ./pwned #',
  '$(touch ./pwned)',
  '`touch ./pwned`',
  "'; touch ./pwned; echo '",
  '$(id)'
]

export const FIXTURES = path.join(repoRoot, '__tests__', 'fixtures')
export const HOSTILE_FIXTURES = path.join(FIXTURES, 'hostile')

/** A fresh folder under the temp directory holding the given files, optionally copied from a fixture. */
export function workspace(files: Record<string, string | Buffer> = {}, from?: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'hostile-ws-'))
  if (from) cpSync(path.join(FIXTURES, from), root, { recursive: true })
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel)
    mkdirSync(path.dirname(abs), { recursive: true })
    writeFileSync(abs, content)
  }
  return root
}

/** The shop fixture: one quality gate (tests, coverage, ratchet) and one release gate (an ADR). */
export const shop = (files: Record<string, string | Buffer> = {}) => workspace(files, 'gates/shop')

/** A stack frame as Node prints it: a hostile case must never end in one. */
export const STACK = /\n\s+at .+:\d+:\d+/

export interface HostileRun extends ActionRun {
  workspace: string
  /** The JSON report the action says it wrote, if any. */
  reportText: string
}

/**
 * Runs dist/<entry>/index.js through the runner harness with a fake token in the environment (as
 * an input where the action takes one, and as GITHUB_TOKEN), then checks what every hostile case
 * must hold: no stack trace, the token nowhere in stdout, stderr, summary, outputs or report
 * (except the line that registers it for masking), and nothing executed (`pwned` nowhere).
 */
export async function runHostile(entry: string, opts: RunOptions): Promise<HostileRun> {
  const run = await runBundledAction(entry, {
    timeoutMs: 60_000,
    ...opts,
    env: { GITHUB_TOKEN: FAKE_TOKEN, ...(opts.env ?? {}) }
  })
  const reportPath = run.outputs.report
  const reportFile = reportPath ? path.resolve(opts.workspace, reportPath) : ''
  const reportText = reportFile && existsSync(reportFile) ? readFileSync(reportFile, 'utf8') : ''
  expectNoStack(run.stdout + run.stderr)
  expectNoSecret([
    run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n'),
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
    reportText
  ])
  expectNothingExecuted(opts.workspace)
  return { ...run, workspace: opts.workspace, reportText }
}

export function expectNoStack(text: string): void {
  expect(text).not.toMatch(STACK)
  expect(text).not.toMatch(/^\s*at (?:async )?[\w.<>]+ \(/m)
}

/**
 * The secret in no form: raw, and not in the text as it renders either. Markdown and JSON escapes
 * (`ghs\_…`, `\"`), HTML entities, workflow-command percent escapes and zero-width joiners are
 * undone first: CommonMark drops the backslash, so `ghs\_abc` on a page is the token.
 */
export function expectNoSecret(texts: string[], secret = FAKE_TOKEN): void {
  for (const t of texts) {
    expect(t).not.toContain(secret)
    expect(rendered(t)).not.toContain(secret)
  }
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#124;': '|'
}

function rendered(text: string): string {
  return text
    .replace(/\\(.)/g, '$1')
    .replace(/&(?:amp|lt|gt|quot|#39|#124);/g, (e) => ENTITIES[e])
    .replace(/%(25|3A|2C|0D|0A)/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\u200d/g, '')
}

/** No `pwned` file in the workspace, its parent, the temp folder or the current folder. */
export function expectNothingExecuted(...dirs: string[]): void {
  for (const d of [...dirs, ...dirs.map((x) => path.dirname(x)), tmpdir(), process.cwd()])
    expect(existsSync(path.join(d, 'pwned'))).toBe(false)
}

/** The annotations a step printed, by level. */
export function countByLevel(run: ActionRun): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const a of run.annotations) counts[a.level] = (counts[a.level] ?? 0) + 1
  return counts
}

/** The final failure annotation (`::error::<action>: …`). */
export function failureOf(run: ActionRun): string {
  const errors = run.annotations.filter((a) => a.level === 'error' && !a.props.file)
  return errors.length > 0 ? errors[errors.length - 1].message : ''
}

export interface CliRun {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs the bundled CLI (dist/cli/index.js) in `cwd`, with the fake token in its environment. */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}): CliRun {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli', 'index.js'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, GITHUB_TOKEN: FAKE_TOKEN, ...env },
    encoding: 'utf8',
    timeout: 60_000
  })
  const out = { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
  expectNoStack(out.stdout + out.stderr)
  expectNoSecret([out.stdout, out.stderr])
  expectNothingExecuted(cwd)
  return out
}

/** Files (relative paths) under a folder, recursively, for "nothing written outside" checks. */
export function listFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) walk(path.join(d, e.name), r)
      else out.push(r)
    }
  }
  if (existsSync(dir)) walk(dir, '')
  return out.sort()
}

/** A JUnit file with the given failing test names and one failure message for all of them. */
export function junitWith(names: string[], message = 'expected 1 to be 2', passed = 2): string {
  const esc = (s: string) =>
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/\n/g, '&#10;')
  const cases: string[] = []
  for (let i = 0; i < passed; i++)
    cases.push(`<testcase classname="suite" name="passes ${i}" time="0.001"/>`)
  names.forEach((n, i) =>
    cases.push(
      `<testcase classname="suite" name="${esc(n)}" file="src/app.test.ts" line="${i + 1}" time="0.001"><failure message="${esc(message)}">${esc(message)}</failure></testcase>`
    )
  )
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="suite" tests="${passed + names.length}" failures="${names.length}" errors="0" skipped="0">\n${cases.join('\n')}\n</testsuite></testsuites>\n`
}

export const ALIAS_BOMB =
  'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n'

/** Hostile YAML documents, each with the message that must name the problem. `key` is the top-level key that carries the payload. */
export function hostileYaml(key: string): Array<[string, string, RegExp]> {
  return [
    ['an alias bomb', `${ALIAS_BOMB}${key}: *g\n`, /alias/i],
    [
      '10,000-deep nesting',
      `${key}: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
      /nest|deep|depth/i
    ],
    ['duplicate keys', `${key}: []\n${key}: []\n`, /duplicate/i],
    [
      'a !!js/function tag',
      `${key}: !!js/function "function(){ require('child_process').execSync('touch pwned') }"\n`,
      /tag|js\/function/i
    ],
    ['multiple documents', `${key}: []\n---\n${key}: []\n`, /more than one YAML document/]
  ]
}
