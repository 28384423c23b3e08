/**
 * The graph loader and validator under fast-check: damaged real graphs and generated graph-shaped
 * documents. validateGraphFile never throws (a bad graph is findings with file, line and column),
 * loadGraph throws only ConfigurationError, and each input finishes within PER_INPUT_MS.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from '../../shared/errors.js'
import { loadGraph } from '../../shared/graph/load.js'
import { validateGraphFile } from '../../shared/graph/validate.js'
import { repoRoot, workspace } from '../hostile/support.js'
import { expectTyped, PER_INPUT_MS, RUNS, slowest, TARGET_TIMEOUT, timedSync } from './support.js'

const root = workspace({}, 'gates/shop')
mkdirSync(path.join(root, '.process'), { recursive: true })
const SEEDS = [
  readFileSync(path.join(repoRoot, 'examples', '.process', 'graph.yaml'), 'utf8'),
  readFileSync(
    path.join(repoRoot, '__tests__', 'fixtures', 'gates', 'shop', '.process', 'graph.yaml'),
    'utf8'
  ),
  readFileSync(
    path.join(repoRoot, '__tests__', 'fixtures', 'hostile', 'repo', '.process', 'graph.yaml'),
    'utf8'
  )
]

function check(text: string): void {
  writeFileSync(path.join(root, '.process', 'graph.yaml'), text)
  timedSync(text, () => {
    const r = validateGraphFile(root, '.process/graph.yaml')
    expect(r.valid).toBe(r.errors === 0)
    for (const f of r.findings) {
      expect(['error', 'warning']).toContain(f.severity)
      expect(typeof f.message).toBe('string')
      expect(f.message).not.toMatch(/\n\s+at .+:\d+:\d+/)
      expect(f.line).toBeGreaterThanOrEqual(1)
    }
    try {
      loadGraph(root, '.process/graph.yaml')
    } catch (error) {
      expectTyped(error, ConfigurationError)
    }
  })
}

const damaged = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.nat(),
    fc.nat(),
    fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        '&a ',
        '*a',
        '<<: *a',
        '!!js/function',
        '---\n',
        '\t',
        ': ',
        '- ',
        '[',
        '{',
        '"',
        "'",
        '\n  ',
        'kind: gate',
        'next: N-build',
        'when: else',
        '__proto__: 1',
        '~'
      )
    ),
    fc.constantFrom('cut', 'splice', 'dup')
  )
  .map(([seed, a, b, junk, how]) => {
    const x = a % (seed.length + 1)
    const y = b % (seed.length + 1)
    const [lo, hi] = x < y ? [x, y] : [y, x]
    return how === 'cut'
      ? seed.slice(0, lo)
      : how === 'splice'
        ? seed.slice(0, lo) + junk + seed.slice(hi)
        : seed.slice(0, hi) + seed.slice(lo)
  })

const ids = fc.constantFrom(
  'N-a',
  'N-b',
  'G-x',
  'D-y',
  'C-z',
  '__proto__',
  'constructor',
  '',
  'x y',
  'G-x'
)
const scalar = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null)
)
const expr = fc.constantFrom(
  'tests.failed == 0',
  'coverage.lines >= 80',
  'a and',
  '(((',
  'nfr.x == true',
  'else',
  '1/0 > 1',
  '"x" > 1',
  'size([1,2]) == 2'
)
const requirement = fc.record(
  {
    id: fc.oneof(fc.string({ maxLength: 6 }), scalar),
    metric: expr,
    artifact: fc.constantFrom('artifacts/*.md', '../x', '/etc/passwd', '**'),
    review: expr,
    by_stage: fc.dictionary(fc.constantFrom('dev', 'prod', 'staging'), expr),
    only: fc.array(fc.string({ maxLength: 5 }))
  },
  { requiredKeys: [] }
)
const node = fc.record(
  {
    id: ids,
    kind: fc.oneof(fc.constantFrom('activity', 'decision', 'gate', 'calibrate'), scalar),
    next: fc.oneof(
      ids,
      fc.array(fc.record({ when: expr, node: ids }, { requiredKeys: [] }), { maxLength: 3 }),
      scalar
    ),
    pass: ids,
    fail: ids,
    requires: fc.oneof(fc.array(requirement, { maxLength: 3 }), scalar),
    schedule: fc.oneof(fc.constantFrom('0 0 * * 1', 'weekly', '* * *'), scalar)
  },
  { requiredKeys: [] }
)
const generated = fc
  .record(
    {
      version: fc.oneof(fc.constant(1), scalar),
      stages: fc.oneof(
        fc.array(fc.constantFrom('dev', 'staging', 'production', ''), { maxLength: 4 }),
        scalar
      ),
      vars: fc.dictionary(fc.string({ maxLength: 6 }), scalar, { maxKeys: 3 }),
      evidence: fc.dictionary(
        fc.constantFrom('tests', 'coverage', 'x', '__proto__'),
        fc.oneof(fc.string({ maxLength: 12 }), scalar),
        { maxKeys: 3 }
      ),
      imports: fc.dictionary(
        fc.string({ maxLength: 4 }),
        fc.constantFrom('requirements/nfr.yml', '../x.yml', '/etc/passwd'),
        { maxKeys: 2 }
      ),
      nodes: fc.oneof(fc.array(node, { maxLength: 8 }), scalar)
    },
    { requiredKeys: [] }
  )
  .map((v) => JSON.stringify(v, null, 1))

afterAll(() => {
  console.log(
    `fuzz graph: ${RUNS} runs per target; slowest input ${slowest.ms.toFixed(1)} ms (bound ${PER_INPUT_MS} ms)`
  )
})

describe('the graph loader and validator', () => {
  it('validates its seeds', () => {
    for (const seed of SEEDS) check(seed)
  })

  it(
    'damaged real graphs: findings only, ConfigurationError only, bounded time',
    () => {
      fc.assert(
        fc.property(damaged, (text) => check(text)),
        { numRuns: RUNS }
      )
    },
    TARGET_TIMEOUT
  )

  it(
    'generated graph-shaped documents: findings only, ConfigurationError only, bounded time',
    () => {
      fc.assert(
        fc.property(generated, (text) => check(text)),
        { numRuns: RUNS }
      )
    },
    TARGET_TIMEOUT
  )

  it(
    'arbitrary text: findings only, bounded time',
    () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 300 }), (text) => check(text)),
        { numRuns: RUNS }
      )
    },
    TARGET_TIMEOUT
  )
})
