import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { EvidenceError } from '../../shared/errors.js'
import {
  collectEvidence,
  detectFormat,
  FORMATS,
  parseFrontmatter,
  parseUnifiedDiff,
  readMutationReport,
  checkInstructionFile
} from '../../shared/evidence/index.js'
import { FIXTURES, workspace } from './helpers.js'

// Property tests: whatever bytes a file holds, readers fail only with EvidenceError (never a
// TypeError, RangeError or a stack trace) and never produce NaN. FUZZ_RUNS raises the run count.
const RUNS = Number(process.env.FUZZ_RUNS ?? 200)
const root = workspace()

const seeds: Array<[string, string]> = [
  ['compat-junit/external_java_junit4-complete.xml', 'junit'],
  ['compat-junit/python-xunit-pytest.xml', 'junit'],
  ['real-tools/lcov.info', 'lcov'],
  ['real-tools/cobertura-coverage.xml', 'cobertura'],
  ['real-tools/coverage-summary.json', 'istanbul-summary'],
  ['real-tools/coverage-final.json', 'istanbul-final'],
  ['real-tools/bom.cdx.json', 'cyclonedx-json'],
  ['real-tools/bom.cdx.xml', 'cyclonedx-xml'],
  ['real-tools/eslint.sarif', 'sarif'],
  ['compat-mutation/simple-example_mutation-report.json', 'stryker']
].map(([f, format]) => [readFileSync(path.join(FIXTURES, f), 'utf8'), format])

/** A seed file damaged at random: cut, spliced with junk, or a slice duplicated. */
const damaged = fc
  .tuple(
    fc.integer({ min: 0, max: seeds.length - 1 }),
    fc.nat(),
    fc.nat(),
    fc.string({ maxLength: 40 }),
    fc.constantFrom('cut', 'splice', 'dup')
  )
  .map(([i, a, b, junk, how]) => {
    const [text, format] = seeds[i]
    const x = a % (text.length + 1)
    const y = b % (text.length + 1)
    const [lo, hi] = x < y ? [x, y] : [y, x]
    const out =
      how === 'cut'
        ? text.slice(0, lo)
        : how === 'splice'
          ? text.slice(0, lo) + junk + text.slice(hi)
          : text.slice(0, hi) + text.slice(lo)
    return { text: out, format }
  })

const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc
    .record({
      version: fc.constant('2.1.0'),
      runs: fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 3 })
    })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      bomFormat: fc.constant('CycloneDX'),
      components: fc.jsonValue({ maxDepth: 4 }),
      vulnerabilities: fc.jsonValue({ maxDepth: 3 })
    })
    .map((v) => JSON.stringify(v)),
  fc
    .record({ metrics: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })) })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      exit_code_by_key: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }))
    })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      schemaVersion: fc.jsonValue({ maxDepth: 1 }),
      thresholds: fc.jsonValue({ maxDepth: 2 }),
      files: fc.jsonValue({ maxDepth: 4 })
    })
    .map((v) => JSON.stringify(v))
)

async function collectFile(text: string, format?: string) {
  writeFileSync(path.join(root, 'evidence.dat'), text)
  return collectEvidence([{ name: 'any', paths: ['evidence.dat'], format }], {
    root,
    maxFindings: 5
  })
}

function checkCollection(c: Awaited<ReturnType<typeof collectEvidence>>): void {
  for (const e of c.errors) expect(e).toBeInstanceOf(EvidenceError)
  for (const v of c.metrics.values()) expect(Number.isFinite(v)).toBe(true)
  for (const [k, v] of c.metrics)
    if (/pass_rate|score|coverage\.(lines|branches|functions|new_lines)$/.test(k))
      expect(v >= 0 && v <= 100).toBe(true)
}

describe('readers never throw anything but EvidenceError', () => {
  it('on damaged real files, with and without a format override', async () => {
    await fc.assert(
      fc.asyncProperty(damaged, fc.boolean(), async ({ text, format }, override) => {
        checkCollection(await collectFile(text, override ? format : undefined))
      }),
      { numRuns: RUNS }
    )
  })

  it('on arbitrary JSON shaped like each JSON format', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileJson,
        fc.constantFrom(undefined, ...FORMATS),
        async (text, format) => {
          checkCollection(await collectFile(text, format))
        }
      ),
      { numRuns: RUNS }
    )
  })

  it('on arbitrary text and XML-ish input for every format', async () => {
    const xmlish = fc
      .array(
        fc.constantFrom(
          '<testsuite',
          '<testcase name="a"',
          '>',
          '/>',
          '</testcase>',
          '</testsuite>',
          '<failure/>',
          '&amp;',
          '&x;',
          '<!DOCTYPE a [',
          ']>',
          '<![CDATA[',
          ']]>',
          'SF:a',
          'DA:1,1',
          'LF:1',
          'LH:2',
          'end_of_record',
          '\n',
          'tests="-1"'
        ),
        { maxLength: 30 }
      )
      .map((a) => a.join(''))
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 200 }), xmlish),
        fc.constantFrom(undefined, ...FORMATS),
        async (text, format) => {
          if (text === '') text = ' '
          checkCollection(await collectFile(text, format))
        }
      ),
      { numRuns: RUNS }
    )
  })

  it('readMutationReport rejects only with EvidenceError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileJson,
          damaged.map((d) => d.text)
        ),
        async (text) => {
          writeFileSync(path.join(root, 'mutation.json'), text)
          try {
            const r = await readMutationReport('mutation.json', { root })
            for (const v of r.metrics.values()) expect(Number.isFinite(v)).toBe(true)
          } catch (error) {
            expect(error).toBeInstanceOf(EvidenceError)
          }
        }
      ),
      { numRuns: RUNS }
    )
  })

  it('frontmatter, instruction files, diffs and detection never throw anything else', async () => {
    const fmText = fc
      .tuple(fc.string({ maxLength: 80 }), fc.string({ maxLength: 40 }))
      .map(([a, b]) => `---\n${a}\n---\n${b}`)
    await fc.assert(
      fc.asyncProperty(fc.oneof(fmText, fc.string({ maxLength: 120 })), async (text) => {
        try {
          parseFrontmatter(text, 'x.md')
        } catch (error) {
          expect(error).toBeInstanceOf(EvidenceError)
        }
        writeFileSync(path.join(root, 'x.instructions.md'), text || ' ')
        const problems = await checkInstructionFile('x.instructions.md', { root })
        expect(Array.isArray(problems)).toBe(true)
        parseUnifiedDiff(text)
        detectFormat('x', text)
      }),
      { numRuns: RUNS }
    )
  })
})
