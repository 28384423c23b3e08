/**
 * Bad input for every format besides JUnit: a truncated file, the wrong format forced, an empty
 * document, a 100 MB single line, and hostile test names. Each ends in a clear EvidenceError naming
 * the file, or in counts that cannot pass a gate (zero tests: no pass rate; a failure stays a
 * failure); hostile names come out of the annotation formatter as escaped text on one line.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'
import { formatAnnotation } from '../../shared/annotations.js'
import { EvidenceError } from '../../shared/errors.js'
import { collectEvidence, FORMAT_NAMESPACE, normaliseFormat } from '../../shared/evidence/index.js'
import { FIXTURES, workspace } from './helpers.js'

const fx = (f: string) => readFileSync(path.join(FIXTURES, f), 'utf8')
const PEERS = 'peers/files/dorny/__tests__/fixtures'
const XUNIT =
  '<assemblies><assembly name="A.dll"><collection name="c"><test name="A.ok" result="Pass"/><test name="A.bad" result="Fail"/></collection></assembly></assemblies>'
const COVERALLS = JSON.stringify({
  service_name: 'github',
  source_files: [{ name: 'lib/a.js', coverage: [1, null, 0, 5], branches: [1, 0, 0, 2] }]
})
const K6 = JSON.stringify({
  root_group: {},
  metrics: {
    http_req_duration: { type: 'trend', contains: 'time', values: { avg: 1, 'p(95)': 2 } }
  }
})

/** A valid file of each new format. */
const SEEDS: Record<string, string> = {
  trx: fx(`${PEERS}/dotnet-trx.trx`),
  nunit: fx(`${PEERS}/dotnet-nunit.xml`),
  'xunit-net': XUNIT,
  'mocha-json': fx('real-tools-more/mocha.json'),
  'jest-json': fx('real-tools-more/jest.json'),
  'rspec-json': fx('real-tools-more/rspec.json'),
  'dart-json': fx(`${PEERS}/dart-json.json`),
  'go-test-json': fx('real-tools-more/go-test.json'),
  tap: fx('real-tools-more/node-test.tap'),
  clover: fx('real-tools-more/clover.xml'),
  'go-cover': fx('real-tools-more/go-cover-count.out'),
  simplecov: fx('real-tools-more/simplecov.resultset.json'),
  'gcovr-json': fx('real-tools-more/gcovr.json'),
  'gcov-json': fx('real-tools-more/gcov.json'),
  coveralls: COVERALLS,
  k6: K6
}
/** Other formats' files, also forced into each new reader. */
const OTHERS: Record<string, string> = {
  junit: fx('compat-junit/jest-junit.xml'),
  cobertura: fx('real-tools/cobertura-coverage.xml'),
  lcov: fx('real-tools/lcov.info'),
  sarif: fx('real-tools/eslint.sarif')
}
/** Formats one reader reads under two names: forcing one on the other's file is right. */
const SAME_READER = [['gcovr-json', 'gcov-json']]
const FORMATS = Object.keys(SEEDS)
const root = workspace()
let n = 0

async function readForced(text: string | Buffer, format: string | undefined, declared = 'forced') {
  const file = `f${n++}.dat`
  const abs = path.join(root, file)
  const fd = openSync(abs, 'w')
  writeSync(fd, typeof text === 'string' ? Buffer.from(text, 'utf8') : text)
  closeSync(fd)
  const c = await collectEvidence(
    [{ name: declared, paths: [file], ...(format ? { format } : {}) }],
    { root }
  )
  rmSync(abs)
  for (const e of c.errors) {
    expect(e).toBeInstanceOf(EvidenceError)
    expect(e.message.startsWith(`${file}: `)).toBe(true)
  }
  return c
}

/** Never a pass: an error, or (test formats) no test passed. */
function expectNoPass(c: Awaited<ReturnType<typeof readForced>>) {
  if (c.errors.length > 0) {
    expect([...c.metrics.keys()]).toEqual([])
    return
  }
  // zero tests (no pass rate), or tests the run counted and did not list, each an error
  expect(c.metrics.get('tests.passed')).toBe(0)
  expect(c.metrics.get('tests.pass_rate') ?? 0).toBe(0)
  expect(c.metrics.get('tests.errors')).toBe(c.metrics.get('tests.total'))
}

describe.each(FORMATS)('%s', (format) => {
  const seed = SEEDS[format]
  const ns = FORMAT_NAMESPACE[normaliseFormat(format) ?? 'junit']

  it('reads its seed (detected and forced)', async () => {
    for (const f of [undefined, format]) {
      const c = await readForced(seed, f, ns)
      expect(c.errors.map((e) => e.message)).toEqual([])
      expect(c.sets[0].files[0].format).toBe(format)
    }
  })

  it('refuses the file cut off part way, forced or detected', async () => {
    for (const at of [0.35, 0.6, 0.85]) {
      let cut = Math.floor(seed.length * at)
      while (cut > 1 && /\s/.test(seed[cut - 1])) cut--
      for (const f of [format, undefined]) {
        const c = await readForced(seed.slice(0, cut), f)
        expect(c.errors.length).toBe(1)
        expect(c.metrics.size).toBe(0)
      }
    }
  })

  it("refuses every other format's file forced into it", async () => {
    const others = {
      ...OTHERS,
      ...Object.fromEntries(
        Object.entries(SEEDS).filter(
          ([k]) =>
            k !== format && !SAME_READER.some((pair) => pair.includes(k) && pair.includes(format))
        )
      )
    }
    for (const [other, text] of Object.entries(others)) {
      const c = await readForced(text, format)
      expect(`${other}: ${c.errors.length}`).toBe(`${other}: 1`)
      expect(c.metrics.size).toBe(0)
    }
  })

  it('an empty document is an error or zero tests with no pass rate', async () => {
    const empties =
      format === 'tap' ||
      format === 'go-cover' ||
      format === 'go-test-json' ||
      format === 'dart-json'
        ? ['\n', ' \n\n']
        : seed.trimStart().startsWith('<')
          ? [
              seed
                .slice(
                  0,
                  seed.indexOf(
                    '>',
                    seed.indexOf(
                      '<' + /<([A-Za-z][\w-]*)/.exec(seed.replace(/<\?[^>]*\?>/, ''))![1]
                    )
                  ) + 1
                )
                .replace(/>$/, '/>'),
              '<x/>'
            ]
          : ['{}', '[]', 'null', '""']
    for (const text of empties) expectNoPass(await readForced(text, format))
  })

  it('a 100 MB single line gives a clear error, without running out of memory or hanging', async () => {
    const file = `huge-${format}.dat`
    const abs = path.join(root, file)
    const fd = openSync(abs, 'w')
    const head = seed.trimStart().startsWith('<')
      ? '<?xml version="1.0"?><root a="'
      : seed.startsWith('mode:')
        ? 'mode: set '
        : '{"k":"'
    writeSync(fd, head)
    const block = Buffer.alloc(1024 * 1024, 'a')
    for (let i = 0; i < 100; i++) writeSync(fd, block)
    closeSync(fd)
    const c = await collectEvidence([{ name: 'forced', paths: [file], format }], { root })
    rmSync(abs)
    expect(c.errors.length).toBe(1)
    expect(c.errors[0].message).toMatch(
      new RegExp(`^${file}: .*(too large|bytes, over|line over|not well-formed|not a|no |is not)`)
    )
    expect(c.metrics.size).toBe(0)
  }, 120_000)
})

/** A report of each test format whose one failing test carries a hostile name. */
const HOSTILE =
  '::error file=x.ts::forged%0A\n::warning::second line <img src=x onerror=alert(1)> [x](https://evil.example) | a | **b**'
const x = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
const j = (s: string) => JSON.stringify(s)
const HOSTILE_REPORTS: Record<string, string> = {
  trx: `<TestRun><Results><UnitTestResult testName="${x(HOSTILE)}" outcome="Failed"><Output><ErrorInfo><Message>${x(HOSTILE)}</Message></ErrorInfo></Output></UnitTestResult></Results></TestRun>`,
  nunit: `<test-run><test-case fullname="${x(HOSTILE)}" result="Failed"><failure><message>${x(HOSTILE)}</message></failure></test-case></test-run>`,
  'xunit-net': `<assemblies><assembly><collection><test name="${x(HOSTILE)}" result="Fail"><failure><message>${x(HOSTILE)}</message></failure></test></collection></assembly></assemblies>`,
  'mocha-json': `{"stats":{"tests":1,"passes":0},"tests":[{"title":${j(HOSTILE)},"fullTitle":${j(HOSTILE)},"err":{"message":${j(HOSTILE)}}}],"pending":[],"failures":[],"passes":[]}`,
  'jest-json': `{"numTotalTests":1,"testResults":[{"name":"a.test.js","status":"failed","assertionResults":[{"fullName":${j(HOSTILE)},"status":"failed","failureMessages":[${j(HOSTILE)}]}]}]}`,
  'rspec-json': `{"examples":[{"full_description":${j(HOSTILE)},"status":"failed","exception":{"class":"E","message":${j(HOSTILE)}}}],"summary":{"example_count":1}}`,
  'dart-json': [
    `{"type":"start","protocolVersion":"0.1.1"}`,
    `{"type":"testStart","test":{"id":1,"name":${j(HOSTILE)}}}`,
    `{"type":"error","testID":1,"error":${j(HOSTILE)}}`,
    `{"type":"testDone","testID":1,"result":"failure","hidden":false}`
  ].join('\n'),
  'go-test-json': [
    `{"Action":"run","Package":"p","Test":${j(HOSTILE)}}`,
    `{"Action":"output","Package":"p","Test":${j(HOSTILE)},"Output":${j(HOSTILE)}}`,
    `{"Action":"fail","Package":"p","Test":${j(HOSTILE)}}`,
    `{"Action":"fail","Package":"p"}`
  ].join('\n'),
  tap: `TAP version 13\n1..1\nnot ok 1 - ${HOSTILE.replace(/\n/g, ' ').replace(/#/g, '\\#')}\n`
}

describe('hostile test names (workflow commands, markdown, HTML)', () => {
  it.each(Object.keys(HOSTILE_REPORTS))(
    '%s: the failure stays a failure, and its annotation is one escaped line',
    async (format) => {
      const c = await readForced(HOSTILE_REPORTS[format], format, 'tests')
      expect(c.errors.map((e) => e.message)).toEqual([])
      expect(c.metrics.get('tests.failed')).toBe(1)
      expect(c.metrics.get('tests.passed')).toBe(0)
      expect(c.findings.length).toBe(1)
      const f = c.findings[0]
      const line = formatAnnotation({
        level: f.level,
        title: f.title,
        message: f.message,
        file: f.file,
        line: f.line
      })
      expect(line.split('\n').length).toBe(1)
      // Properties escape ':' and ',', so the first '::' after the level ends the head: the forged
      // command inside the name is data of one line, and its literal %0A stays literal (%250A).
      const m = /^::error ([^:]*)::(.*)$/.exec(line)
      expect(m).not.toBeNull()
      expect(m?.[1]).toMatch(/^title=/)
      expect(m?.[1]).toContain('%3A%3Aerror file=x.ts%3A%3Aforged%250A')
      expect(m?.[2]).toContain('%250A')
    }
  )
})

afterAll(() => rmSync(root, { recursive: true, force: true }))
