import { cpSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { MutationTestResult } from 'mutation-testing-report-schema'
import type { ActionIO } from '../../shared/action.js'
import type { Annotation } from '../../shared/annotations.js'

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')
export const fixtures = path.join(repoRoot, '__tests__', 'fixtures', 'mutation')
export const evidenceFixtures = path.join(repoRoot, '__tests__', 'fixtures', 'evidence')

/** A fresh workspace folder (real path) with the given fixture folders copied in. */
export function workspace(...copy: Array<[from: string, to: string]>): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'flow-mutation-')))
  for (const [from, to] of copy) cpSync(from, path.join(dir, to), { recursive: true })
  return dir
}

export interface FakeIO extends ActionIO {
  outputs: Record<string, string>
  summary: string
  lines: string[]
  warnings: string[]
  annotations: Annotation[]
  failures: string[]
}

/** An in-memory ActionIO: inputs by action.yml name, everything written is recorded. */
export function fakeIO(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {}
): FakeIO {
  const fullEnv: Record<string, string | undefined> = { ...env }
  for (const [k, v] of Object.entries(inputs))
    fullEnv[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v
  let failed = false
  const io: FakeIO = {
    env: fullEnv,
    outputs: {},
    summary: '',
    lines: [],
    warnings: [],
    annotations: [],
    failures: [],
    get failed() {
      return failed
    },
    getInput: (name) => (fullEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim(),
    setOutput(name, value) {
      io.outputs[name] = String(value)
    },
    saveState: () => undefined,
    getState: () => '',
    appendSummary(markdown) {
      io.summary += markdown
    },
    info(line) {
      io.lines.push(line)
    },
    warning(message) {
      io.warnings.push(message)
    },
    debug: () => undefined,
    group: async (_title, body) => body(),
    annotate(a) {
      io.annotations.push(...a)
    },
    setSecret: () => undefined,
    setFailed(message) {
      failed = true
      io.failures.push(message)
    }
  }
  return io
}

export type Status = MutationTestResult['files'][string]['mutants'][number]['status']

/** A small schema-valid Stryker report: one mutant per [file, line, status]. */
export function strykerReport(mutants: Array<[string, number, Status]>): MutationTestResult {
  const files: MutationTestResult['files'] = {}
  mutants.forEach(([file, line, status], i) => {
    files[file] ??= { language: 'javascript', source: 'x\n'.repeat(60), mutants: [] }
    files[file].mutants.push({
      id: String(i + 1),
      mutatorName: 'ConditionalExpression',
      replacement: `r${i}`,
      status,
      location: { start: { line, column: 3 }, end: { line, column: 9 } }
    })
  })
  return { schemaVersion: '2', thresholds: { high: 80, low: 60 }, files }
}

/** Writes a file under root (objects as JSON), making its folders. */
export function writeIn(root: string, rel: string, data: unknown): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
  writeFileSync(path.join(root, rel), typeof data === 'string' ? data : JSON.stringify(data))
}

/** 6 killed, 3 survived, 1 no coverage: a 60 % score over src/a.js and src/b.js. */
export const SIXTY_PERCENT: Array<[string, number, Status]> = [
  ['src/a.js', 1, 'Killed'],
  ['src/a.js', 2, 'Killed'],
  ['src/a.js', 3, 'Killed'],
  ['src/a.js', 4, 'Survived'],
  ['src/b.js', 1, 'Killed'],
  ['src/b.js', 2, 'Killed'],
  ['src/b.js', 3, 'Killed'],
  ['src/b.js', 10, 'Survived'],
  ['src/b.js', 11, 'Survived'],
  ['src/b.js', 12, 'NoCoverage']
]
