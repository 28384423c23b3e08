/**
 * The test and coverage readers besides JUnit (shared/evidence/tests/, the coverage formats of
 * coverage/more-formats.ts, k6 handleSummary) under fast-check: damaged real files, JSON of each
 * format's own shape with arbitrary values, and event streams of arbitrary events. Readers may only
 * report EvidenceError, never produce a non-finite metric or counts that do not add up, and finish
 * each input within PER_INPUT_MS.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { EvidenceError } from '../../shared/errors.js'
import { collectEvidence } from '../../shared/evidence/index.js'
import { FIXTURES, workspace } from '../evidence/helpers.js'
import { damaged, events, keysOf, reshaped } from './damage.js'
import { expectTyped, PER_INPUT_MS, RUNS, slowest, TARGET_TIMEOUT, timed } from './support.js'

const root = workspace()
const fixture = (f: string) => readFileSync(path.join(FIXTURES, f), 'utf8')
const PEERS = 'peers/files/dorny/__tests__/fixtures'

const TARGETS: Array<{ format: string; ns: string; file: string; seed: string; lines?: boolean }> =
  [
    { format: 'trx', ns: 'tests', file: 'r.trx', seed: fixture(`${PEERS}/dotnet-trx.trx`) },
    { format: 'nunit', ns: 'tests', file: 'nunit.xml', seed: fixture(`${PEERS}/dotnet-nunit.xml`) },
    {
      format: 'xunit-net',
      ns: 'tests',
      file: 'xunit.xml',
      seed: '<assemblies><assembly name="A.dll" time="1"><collection name="c"><test name="A.ok" result="Pass"/><test name="A.bad" result="Fail"><failure><message>no</message></failure></test><test name="A.s" result="Skip"/></collection><errors><error type="fixture-cleanup" name="F"/></errors></assembly></assemblies>'
    },
    {
      format: 'mocha-json',
      ns: 'tests',
      file: 'mocha.json',
      seed: fixture('real-tools-more/mocha.json')
    },
    {
      format: 'jest-json',
      ns: 'tests',
      file: 'jest.json',
      seed: fixture('real-tools-more/jest.json')
    },
    {
      format: 'rspec-json',
      ns: 'tests',
      file: 'rspec.json',
      seed: fixture('real-tools-more/rspec.json')
    },
    {
      format: 'dart-json',
      ns: 'tests',
      file: 'dart.json',
      seed: fixture(`${PEERS}/dart-json.json`),
      lines: true
    },
    {
      format: 'go-test-json',
      ns: 'tests',
      file: 'go.json',
      seed: fixture('real-tools-more/go-test.json'),
      lines: true
    },
    {
      format: 'tap',
      ns: 'tests',
      file: 'node.tap',
      seed: fixture('real-tools-more/node-test.tap')
    },
    {
      format: 'clover',
      ns: 'coverage',
      file: 'clover.xml',
      seed: fixture('real-tools-more/clover.xml')
    },
    {
      format: 'go-cover',
      ns: 'coverage',
      file: 'cover.out',
      seed: fixture('real-tools-more/go-cover-count.out')
    },
    {
      format: 'simplecov',
      ns: 'coverage',
      file: '.resultset.json',
      seed: fixture('real-tools-more/simplecov.resultset.json')
    },
    {
      format: 'gcovr-json',
      ns: 'coverage',
      file: 'gcovr.json',
      seed: fixture('real-tools-more/gcovr.json')
    },
    {
      format: 'gcov-json',
      ns: 'coverage',
      file: 'gcov.json',
      seed: fixture('real-tools-more/gcov.json')
    },
    {
      format: 'coveralls',
      ns: 'coverage',
      file: 'coveralls.json',
      seed: JSON.stringify({
        service_name: 'x',
        source_files: [{ name: 'a.js', coverage: [1, null, 0], branches: [1, 0, 0, 1, 1, 0, 1, 0] }]
      })
    },
    {
      format: 'k6',
      ns: 'perf',
      file: 'summary.json',
      seed: JSON.stringify({
        root_group: {},
        metrics: {
          http_req_duration: {
            type: 'trend',
            contains: 'time',
            values: { avg: 1, med: 1, 'p(95)': 2 }
          },
          http_req_failed: {
            type: 'rate',
            contains: 'default',
            values: { rate: 0.1, passes: 1, fails: 9 }
          }
        }
      })
    }
  ]

async function readAs(t: (typeof TARGETS)[number], text: string, force: boolean) {
  writeFileSync(path.join(root, t.file), text === '' ? ' ' : text)
  const c = await collectEvidence(
    [{ name: force ? t.ns : 'any', paths: [t.file], ...(force ? { format: t.format } : {}) }],
    { root, maxFindings: 5 }
  )
  for (const e of c.errors) expectTyped(e, EvidenceError)
  for (const [k, v] of c.metrics) expect(Number.isFinite(v) ? k : `${k} = ${v}`).toBe(k)
  const g = (k: string) => c.metrics.get(k) ?? 0
  if (c.metrics.has('tests.total')) {
    // passed, failed and skipped add up to the total, and no count is negative
    expect(
      [g('tests.passed'), g('tests.failed'), g('tests.skipped'), g('tests.errors')].every(
        (n) => n >= 0
      )
    ).toBe(true)
    expect(g('tests.passed') + g('tests.failed') + g('tests.skipped')).toBe(g('tests.total'))
    expect(g('tests.errors')).toBeLessThanOrEqual(g('tests.failed'))
  }
  for (const kind of ['lines', 'branches', 'functions']) {
    if (c.metrics.has(`coverage.${kind}_found`))
      expect(g(`coverage.${kind}_hit`)).toBeLessThanOrEqual(g(`coverage.${kind}_found`))
  }
  return c
}

afterAll(() => {
  console.log(
    `fuzz readers (more formats): ${RUNS} runs per target; slowest input ${slowest.ms.toFixed(1)} ms (bound ${PER_INPUT_MS} ms)`
  )
})

describe.each(TARGETS)('the $format reader', (t) => {
  it('reads its seed without an error (the fuzzing starts from a valid file)', async () => {
    const c = await readAs(t, t.seed, true)
    expect(c.errors.map((e) => e.message)).toEqual([])
  })

  it(
    'damaged files, format forced and detected: only EvidenceError, finite metrics that add up, bounded time',
    async () => {
      await fc.assert(
        fc.asyncProperty(damaged(t.seed), fc.boolean(), async (text, force) => {
          await timed(text, async () => {
            try {
              await readAs(t, text, force)
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

  if (t.seed.trimStart().startsWith('{') && !t.lines) {
    it(
      'JSON of its own shape with arbitrary values: only EvidenceError, finite metrics that add up, bounded time',
      async () => {
        await fc.assert(
          fc.asyncProperty(reshaped(t.seed), async (text) => {
            await timed(text, () => readAs(t, text, true))
          }),
          { numRuns: RUNS }
        )
      },
      TARGET_TIMEOUT
    )
  }

  if (t.lines) {
    it(
      'event streams of its own keys with arbitrary values: only EvidenceError, finite metrics that add up, bounded time',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            events(
              keysOf(t.seed.split('\n').slice(0, 200).join('\n'), true),
              t.format === 'dart-json' ? 'type' : 'Action'
            ),
            async (text) => {
              await timed(text, () => readAs(t, text, true))
            }
          ),
          { numRuns: RUNS }
        )
      },
      TARGET_TIMEOUT
    )
  }
})
