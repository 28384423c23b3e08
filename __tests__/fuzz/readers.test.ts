/**
 * Every evidence reader under fast-check: damaged real files and generated format-shaped input,
 * with the format forced and auto-detected. Readers may only report EvidenceError (collected, or
 * thrown by readMutationReport), never throw anything else, never produce a non-finite metric,
 * and finish each input within PER_INPUT_MS.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { EvidenceError } from '../../shared/errors.js'
import { collectEvidence, readMutationReport } from '../../shared/evidence/index.js'
import { FIXTURES, workspace } from '../evidence/helpers.js'
import { expectTyped, PER_INPUT_MS, RUNS, slowest, TARGET_TIMEOUT, timed } from './support.js'
import { damaged, reshaped } from './damage.js'

const root = workspace()
const fixture = (f: string) => readFileSync(path.join(FIXTURES, f), 'utf8')

const JACOCO = `<?xml version="1.0" encoding="UTF-8"?><report name="demo"><package name="com/acme"><class name="com/acme/Foo" sourcefilename="Foo.java"><method name="a" desc="()V" line="3"><counter type="LINE" missed="0" covered="2"/></method></class><sourcefile name="Foo.java"><line nr="3" mi="0" ci="2" mb="0" cb="0"/><line nr="4" mi="3" ci="0" mb="1" cb="1"/><counter type="LINE" missed="1" covered="1"/><counter type="BRANCH" missed="1" covered="1"/></sourcefile><counter type="LINE" missed="1" covered="1"/></package><counter type="LINE" missed="1" covered="1"/></report>`
const PIT = `<?xml version="1.0" encoding="UTF-8"?><mutations><mutation detected='true' status='KILLED' numberOfTestsRun='2'><sourceFile>Foo.java</sourceFile><mutatedClass>com.acme.Foo</mutatedClass><mutatedMethod>a</mutatedMethod><methodDescription>()V</methodDescription><lineNumber>10</lineNumber><mutator>org.pitest.mutationtest.engine.gregor.mutators.MathMutator</mutator><indexes><index>1</index></indexes><blocks><block>0</block></blocks><killingTest>t</killingTest><description>Replaced integer addition with subtraction</description></mutation><mutation detected='false' status='SURVIVED'><sourceFile>Foo.java</sourceFile><mutatedClass>com.acme.Foo</mutatedClass><mutatedMethod>b</mutatedMethod><lineNumber>12</lineNumber><mutator>M</mutator><description>d</description></mutation></mutations>`
const SPDX = JSON.stringify({
  spdxVersion: 'SPDX-2.3',
  SPDXID: 'SPDXRef-DOCUMENT',
  packages: [
    { name: 'x', versionInfo: '1', licenseConcluded: 'NOASSERTION', licenseDeclared: 'Apache-2.0' },
    { name: 'y', versionInfo: '2', licenseConcluded: 'MIT' }
  ]
})
const K6 = JSON.stringify({
  root_group: { name: '', checks: {} },
  metrics: {
    http_req_duration: { avg: 120.5, min: 10, med: 100, max: 900, 'p(90)': 200, 'p(95)': 250.25 },
    http_req_failed: { passes: 0, fails: 100, value: 0 }
  }
})
const PERF = JSON.stringify({ metrics: { api: { p95: 120, p99: 300, rps: 50 } } })
const MUTMUT_STATS = JSON.stringify({
  killed: 5,
  survived: 1,
  total: 8,
  no_tests: 1,
  skipped: 0,
  suspicious: 0,
  timeout: 1,
  check_was_interrupted_by_user: 0,
  segfault: 0
})
const MUTMUT_META = JSON.stringify({
  exit_code_by_key: {
    'pkg.mod.x_f__mutmut_1': 1,
    'pkg.mod.x_f__mutmut_2': 0,
    'pkg.mod.x_f__mutmut_3': 33,
    'pkg.mod.x_f__mutmut_4': null
  }
})

/** Each reader: a seed file, the file name it is read as, and the format to force. */
const TARGETS: Array<{ format: string; file: string; seed: string }> = [
  {
    format: 'junit',
    file: 'junit.xml',
    seed: fixture('compat-junit/external_java_junit4-complete.xml')
  },
  { format: 'lcov', file: 'lcov.info', seed: fixture('real-tools/lcov.info') },
  {
    format: 'cobertura',
    file: 'cobertura-coverage.xml',
    seed: fixture('real-tools/cobertura-coverage.xml')
  },
  { format: 'jacoco', file: 'jacoco.xml', seed: JACOCO },
  {
    format: 'istanbul-summary',
    file: 'coverage-summary.json',
    seed: fixture('real-tools/coverage-summary.json')
  },
  {
    format: 'istanbul-final',
    file: 'coverage-final.json',
    seed: fixture('real-tools/coverage-final.json')
  },
  { format: 'sarif', file: 'x.sarif', seed: fixture('real-tools/eslint.sarif') },
  { format: 'cyclonedx-json', file: 'bom.cdx.json', seed: fixture('real-tools/bom.cdx.json') },
  { format: 'cyclonedx-xml', file: 'bom.cdx.xml', seed: fixture('real-tools/bom.cdx.xml') },
  { format: 'spdx-json', file: 'sbom.spdx.json', seed: SPDX },
  {
    format: 'stryker',
    file: 'mutation.json',
    seed: fixture('compat-mutation/simple-example_mutation-report.json')
  },
  { format: 'pit', file: 'mutations.xml', seed: PIT },
  { format: 'mutmut-stats', file: 'mutants/mutmut-cicd-stats.json', seed: MUTMUT_STATS },
  { format: 'mutmut-meta', file: 'mutants/src/x.py.meta', seed: MUTMUT_META },
  { format: 'k6', file: 'k6-summary.json', seed: K6 },
  { format: 'perf-json', file: 'perf.json', seed: PERF }
]

const NAMESPACE: Record<string, string> = {
  junit: 'tests',
  lcov: 'coverage',
  cobertura: 'coverage',
  jacoco: 'coverage',
  'istanbul-summary': 'coverage',
  'istanbul-final': 'coverage',
  sarif: 'sarif',
  'cyclonedx-json': 'sbom',
  'cyclonedx-xml': 'sbom',
  'spdx-json': 'sbom',
  stryker: 'mutation',
  pit: 'mutation',
  'mutmut-stats': 'mutation',
  'mutmut-meta': 'mutation',
  k6: 'perf',
  'perf-json': 'perf'
}

async function readAs(file: string, text: string, format: string | undefined) {
  writeFileSync(path.join(root, path.basename(file)), text === '' ? ' ' : text)
  const c = await collectEvidence(
    [{ name: NAMESPACE[format ?? 'junit'], paths: [path.basename(file)], format }],
    { root, maxFindings: 5 }
  )
  for (const e of c.errors) expectTyped(e, EvidenceError)
  for (const [k, v] of c.metrics) expect(Number.isFinite(v) ? k : `${k} = ${v}`).toBe(k)
  return c
}

afterAll(() => {
  console.log(
    `fuzz readers: ${RUNS} runs per target; slowest input ${slowest.ms.toFixed(1)} ms (bound ${PER_INPUT_MS} ms)`
  )
})

describe.each(TARGETS)('the $format reader', ({ format, file, seed }) => {
  it('reads its seed without an error (the fuzzing starts from a valid file)', async () => {
    const c = await readAs(file, seed, format)
    expect(c.errors.map((e) => e.message)).toEqual([])
  })

  it(
    'damaged files, format forced and detected: only EvidenceError, finite metrics, bounded time',
    async () => {
      await fc.assert(
        fc.asyncProperty(damaged(seed), fc.boolean(), async (text, force) => {
          await timed(text, async () => {
            try {
              await readAs(file, text, force ? format : undefined)
            } catch (error) {
              expectTyped(error, EvidenceError)
            }
          })
        }),
        { numRuns: RUNS }
      )
    },
    TARGET_TIMEOUT
  )

  if (seed.trimStart().startsWith('{')) {
    it(
      'JSON of its own shape with arbitrary values: only EvidenceError, finite metrics, bounded time',
      async () => {
        await fc.assert(
          fc.asyncProperty(reshaped(seed), async (text) => {
            await timed(text, () => readAs(file, text, format))
          }),
          { numRuns: RUNS }
        )
      },
      TARGET_TIMEOUT
    )
  }

  if (NAMESPACE[format] === 'mutation') {
    it(
      'readMutationReport rejects only with EvidenceError',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(damaged(seed), seed.startsWith('{') ? reshaped(seed) : damaged(seed)),
            async (text) => {
              const rel = file.includes('/') ? file : `m-${file}`
              const abs = path.join(root, rel)
              const { mkdirSync } = await import('node:fs')
              mkdirSync(path.dirname(abs), { recursive: true })
              writeFileSync(abs, text || ' ')
              await timed(text, async () => {
                try {
                  const r = await readMutationReport(rel, { root })
                  for (const v of r.metrics.values()) expect(Number.isFinite(v)).toBe(true)
                } catch (error) {
                  expectTyped(error, EvidenceError)
                }
              })
            }
          ),
          { numRuns: RUNS }
        )
      },
      TARGET_TIMEOUT
    )
  }
})
