/**
 * Evidence reader benchmarks (DESIGN.md section 8), measured side by side in one run as ratios.
 * Inputs are generated into a temp folder. Every measurement runs in its own child process (this
 * file with --child), so one parser's garbage cannot slow the next. Times are taken inside the
 * child around the parse only, after one warm-up parse of a small file of the same kind (every
 * parser gets the same warm-up), best of a few runs. Memory is the child's max RSS; the comparison
 * with peer parsers uses max RSS minus the RSS measured after loading modules, just before parsing
 * (the parse's own memory, without Node's, tsx's and the modules' shared baseline); the 1M bar
 * uses the whole process's max RSS.
 *
 *   npx tsx bench/readers.ts          prints the table
 *   benchReaders()                    returns the rows for bench/run.ts
 */
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { once } from 'node:events'
import { bestOf, childMain, markBaseline, runChild, type ChildResult } from './child.js'
import { benchTokenisers } from './tokenisers.js'
import type { BenchRow } from './types.js'

export type { BenchRow }

const THIS_FILE = fileURLToPath(import.meta.url)
/** This file as a child script: other benchmarks time our readers through it, the same way. */
export const READERS_SCRIPT = THIS_FILE
/** A small file of the same kind, read once before the measured run so the JIT is warm for all. */
const warmUpFiles = new Map<string, string>()

type Task =
  | 'junit-ours'
  | 'junit-saxes'
  | 'junit-xml-scan'
  | 'junit-xml-js'
  | 'junit-xml2js'
  | 'junit-fast-xml-parser'
  | 'sarif-ours'
  | 'cobertura-ours'
  | 'lcov-ours'
  | 'mutation-ours'
  | `format:${string}`

/** Runs one task in this process and returns elapsed milliseconds. */
async function runTask(task: Task, file: string): Promise<number> {
  const started = performance.now()
  const dir = path.dirname(file)
  const rel = path.basename(file)
  if (task.startsWith('format:')) {
    // format:<name>: the evidence reader of that format, detection included, as check-gates runs it
    const { collectEvidence, FORMAT_NAMESPACE } = await import('../shared/evidence/index.js')
    const format = task.slice('format:'.length) as keyof typeof FORMAT_NAMESPACE
    markBaseline()
    const t0 = performance.now()
    const c = await collectEvidence([{ name: FORMAT_NAMESPACE[format], paths: [rel] }], {
      root: dir
    })
    if (c.errors.length > 0) throw new Error(c.errors[0].message)
    if (c.sets[0].files[0].format !== format)
      throw new Error(`${rel} was read as ${c.sets[0].files[0].format}, not ${format}`)
    return performance.now() - t0
  }
  switch (task) {
    case 'junit-ours':
    case 'sarif-ours':
    case 'cobertura-ours':
    case 'lcov-ours': {
      const { collectEvidence } = await import('../shared/evidence/index.js')
      const name = task === 'junit-ours' ? 'tests' : task === 'sarif-ours' ? 'sarif' : 'coverage'
      markBaseline()
      const t0 = performance.now()
      const c = await collectEvidence([{ name, paths: [rel] }], { root: dir })
      if (c.errors.length > 0) throw new Error(c.errors[0].message)
      return performance.now() - t0
    }
    case 'mutation-ours': {
      const { readMutationReport } = await import('../shared/evidence/index.js')
      markBaseline()
      const t0 = performance.now()
      await readMutationReport(rel, { root: dir })
      return performance.now() - t0
    }
    case 'junit-saxes': {
      const { SaxesParser } = await import('saxes')
      markBaseline()
      const t0 = performance.now()
      const parser = new SaxesParser({ xmlns: false, position: true })
      const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })
      for await (const chunk of stream) parser.write(chunk as string)
      parser.close()
      return performance.now() - t0
    }
    case 'junit-xml-scan': {
      // The tokeniser under xml-stream.ts, with no reader on top: the floor for the reader's time.
      // Tokenising means delivering every element's name and attributes, so each tag's attributes
      // are read: the scanner only makes them strings when asked (the reader asks for one or two).
      const { XmlScanner } = await import('../shared/evidence/xml-scan.js')
      markBaseline()
      const t0 = performance.now()
      let attributes = 0
      const scanner = new XmlScanner({
        open: (tag) => {
          attributes += Object.keys(tag.attributes).length
        },
        close: () => undefined
      })
      const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })
      for await (const chunk of stream) scanner.write(chunk as string)
      scanner.close()
      if (attributes === 0) throw new Error('the tokeniser saw no attribute')
      return performance.now() - t0
    }
    case 'junit-xml-js': {
      const { xml2json } = await import('xml-js')
      markBaseline()
      const t0 = performance.now()
      // What mikepenz/action-junit-report does: whole file, compact JSON text, then JSON.parse.
      const doc = JSON.parse(xml2json(readFileSync(file, 'utf8'), { compact: true })) as unknown
      if (!doc) throw new Error('empty')
      return performance.now() - t0
    }
    case 'junit-xml2js': {
      const { parseStringPromise } = await import('xml2js')
      markBaseline()
      const t0 = performance.now()
      await parseStringPromise(readFileSync(file, 'utf8')) // what dorny/test-reporter does
      return performance.now() - t0
    }
    case 'junit-fast-xml-parser': {
      const { XMLParser } = await import('fast-xml-parser')
      markBaseline()
      const t0 = performance.now()
      new XMLParser({ ignoreAttributes: false, processEntities: false }).parse(
        readFileSync(file, 'utf8')
      )
      return performance.now() - t0
    }
  }
  return performance.now() - started
}

/** Runs a task in a fresh process, after a warm-up on a small file of the same kind when there is one. */
function inChild(task: Task, file: string): ChildResult {
  return runChild(THIS_FILE, task, file, warmUpFiles.get(file))
}

function best(task: Task, file: string, runs: number): ChildResult {
  return bestOf(runs, () => inChild(task, file))
}

function interleaved(tasks: [Task, Task], file: string, runs: number): [ChildResult, ChildResult] {
  const out: [ChildResult, ChildResult] = [
    { ms: Number.POSITIVE_INFINITY, wallMs: Number.POSITIVE_INFINITY, maxRssMb: 0, parseMb: 0 },
    { ms: Number.POSITIVE_INFINITY, wallMs: Number.POSITIVE_INFINITY, maxRssMb: 0, parseMb: 0 }
  ]
  for (let i = 0; i < runs; i++) {
    tasks.forEach((task, k) => {
      const r = inChild(task, file)
      out[k] = {
        ms: Math.min(out[k].ms, r.ms),
        wallMs: Math.min(out[k].wallMs, r.wallMs),
        maxRssMb: Math.max(out[k].maxRssMb, r.maxRssMb),
        parseMb: Math.max(out[k].parseMb, r.parseMb)
      }
    })
  }
  return out
}

export async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file)
  let buffer = ''
  for (const line of lines) {
    buffer += line
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain')
      buffer = ''
    }
  }
  out.end(buffer)
  await once(out, 'finish')
}

export function* junitLines(cases: number): Generator<string> {
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench" tests="${cases}">\n`
  const perSuite = 1000
  for (let s = 0; s < cases / perSuite; s++) {
    yield `  <testsuite name="com.example.suite${s}" tests="${perSuite}" time="12.5">\n`
    for (let i = 0; i < perSuite; i++) {
      const n = s * perSuite + i
      if (n % 100 === 7) {
        yield `    <testcase name="test number ${n} does something" classname="com.example.suite${s}.Case" time="0.012"><failure message="expected 1 but was 2" type="AssertionError">at com.example.Case.test(Case.java:${n % 500})</failure></testcase>\n`
      } else if (n % 100 === 9) {
        yield `    <testcase name="test number ${n} does something" classname="com.example.suite${s}.Case" time="0"><skipped/></testcase>\n`
      } else {
        yield `    <testcase name="test number ${n} does something" classname="com.example.suite${s}.Case" time="0.012"/>\n`
      }
    }
    yield '  </testsuite>\n'
  }
  yield '</testsuites>\n'
}

function* sarifLines(results: number): Generator<string> {
  yield '{"version":"2.1.0","$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[{"tool":{"driver":{"name":"bench","rules":['
  for (let r = 0; r < 50; r++)
    yield `${r ? ',' : ''}{"id":"rule/${r}","defaultConfiguration":{"level":"${r % 3 ? 'warning' : 'error'}"},"properties":{"security-severity":"${(r % 10) + 0.5}"}}`
  yield ']}},"results":['
  for (let i = 0; i < results; i++) {
    yield `${i ? ',' : ''}{"ruleId":"rule/${i % 50}","ruleIndex":${i % 50},"message":{"text":"Problem ${i} found here"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"src/file${i % 1000}.js"},"region":{"startLine":${(i % 400) + 1}}}}]}`
  }
  yield ']}]}\n'
}

export function* lcovLines(files: number): Generator<string> {
  for (let f = 0; f < files; f++) {
    let s = `TN:\nSF:src/module${f}/file${f}.js\nFN:1,f${f}\nFNDA:1,f${f}\nFNF:1\nFNH:1\n`
    for (let l = 1; l <= 40; l++) s += `DA:${l},${l % 4}\n`
    s += 'BRDA:3,0,0,1\nBRDA:3,0,1,0\nBRF:2\nBRH:1\nLF:40\nLH:30\nend_of_record\n'
    yield s
  }
}

function* mutationLines(mutants: number): Generator<string> {
  const statuses = [
    'Killed',
    'Killed',
    'Killed',
    'Survived',
    'NoCoverage',
    'Timeout',
    'CompileError',
    'Ignored'
  ]
  const perFile = 100
  yield '{"schemaVersion":"2","thresholds":{"high":80,"low":60},"files":{'
  for (let f = 0; f < mutants / perFile; f++) {
    yield `${f ? ',' : ''}"src/file${f}.ts":{"language":"typescript","source":"","mutants":[`
    for (let i = 0; i < perFile; i++) {
      const n = f * perFile + i
      yield `${i ? ',' : ''}{"id":"${n}","mutatorName":"ArithmeticOperator","replacement":"a - b","status":"${statuses[n % statuses.length]}","location":{"start":{"line":${(i % 90) + 1},"column":3},"end":{"line":${(i % 90) + 1},"column":9}}}`
    }
    yield ']}'
  }
  yield '}}\n'
}

/** Outcome of generated test n: about 1% failed, 1% skipped, the rest passed (as junitLines). */
const outcome = (n: number): 'pass' | 'fail' | 'skip' =>
  n % 100 === 7 ? 'fail' : n % 100 === 9 ? 'skip' : 'pass'

function* trxLines(tests: number): Generator<string> {
  const map = { pass: 'Passed', fail: 'Failed', skip: 'NotExecuted' }
  yield '<?xml version="1.0" encoding="utf-8"?>\n<TestRun id="1" name="bench" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">\n<Results>\n'
  for (let n = 0; n < tests; n++) {
    const o = outcome(n)
    yield `<UnitTestResult executionId="e${n}" testId="t${n}" testName="Example.Tests.Case${n}" duration="00:00:00.0120000" outcome="${map[o]}">${o === 'fail' ? '<Output><ErrorInfo><Message>Assert.Equal() Failure</Message><StackTrace>at Example.Tests.Case()</StackTrace></ErrorInfo></Output>' : ''}</UnitTestResult>\n`
  }
  yield '</Results>\n</TestRun>\n'
}

function* nunitLines(tests: number): Generator<string> {
  const map = { pass: 'Passed', fail: 'Failed', skip: 'Skipped' }
  yield `<?xml version="1.0" encoding="utf-8"?>\n<test-run id="0" total="${tests}" duration="12.5">\n`
  for (let s = 0; s < tests / 1000; s++) {
    yield `<test-suite type="TestFixture" name="Fixture${s}" fullname="Example.Fixture${s}">\n`
    for (let i = 0; i < 1000; i++) {
      const n = s * 1000 + i
      const o = outcome(n)
      yield `<test-case id="${n}" name="Case${n}" fullname="Example.Fixture${s}.Case${n}" result="${map[o]}" duration="0.012">${o === 'fail' ? '<failure><message><![CDATA[Expected 1 but was 2]]></message></failure>' : ''}</test-case>\n`
    }
    yield '</test-suite>\n'
  }
  yield '</test-run>\n'
}

function* xunitLines(tests: number): Generator<string> {
  const map = { pass: 'Pass', fail: 'Fail', skip: 'Skip' }
  yield '<?xml version="1.0" encoding="utf-8"?>\n<assemblies>\n<assembly name="Example.dll" time="12.5">\n'
  for (let s = 0; s < tests / 1000; s++) {
    yield `<collection name="Collection ${s}">\n`
    for (let i = 0; i < 1000; i++) {
      const n = s * 1000 + i
      const o = outcome(n)
      yield `<test name="Example.Case${n}" type="Example" method="Case${n}" time="0.012" result="${map[o]}">${o === 'fail' ? '<failure><message>Assert.Equal() Failure</message></failure>' : ''}</test>\n`
    }
    yield '</collection>\n'
  }
  yield '</assembly>\n</assemblies>\n'
}

function* mochaLines(tests: number): Generator<string> {
  const t = (n: number) =>
    `{"title":"case ${n}","fullTitle":"suite ${Math.floor(n / 1000)} case ${n}","file":"test/s${Math.floor(n / 1000)}.spec.js","duration":1,"currentRetry":0,"err":${outcome(n) === 'fail' ? '{"message":"expected 1 to equal 2","stack":"AssertionError"}' : '{}'}}`
  yield `{"stats":{"suites":${tests / 1000},"tests":${tests},"passes":0,"pending":0,"failures":0,"duration":1000},"tests":[`
  for (let n = 0; n < tests; n++) yield `${n ? ',' : ''}${t(n)}`
  yield '],"pending":['
  let first = true
  for (let n = 0; n < tests; n++) {
    if (outcome(n) !== 'skip') continue
    yield `${first ? '' : ','}${t(n)}`
    first = false
  }
  yield '],"failures":[],"passes":[]}\n'
}

function* jestLines(tests: number): Generator<string> {
  const map = { pass: 'passed', fail: 'failed', skip: 'pending' }
  yield `{"numTotalTests":${tests},"startTime":0,"testResults":[`
  for (let s = 0; s < tests / 1000; s++) {
    yield `${s ? ',' : ''}{"name":"/app/test/s${s}.test.js","status":"failed","message":"","assertionResults":[`
    for (let i = 0; i < 1000; i++) {
      const n = s * 1000 + i
      const o = outcome(n)
      yield `${i ? ',' : ''}{"ancestorTitles":["suite ${s}"],"fullName":"suite ${s} case ${n}","status":"${map[o]}","title":"case ${n}","duration":1,"failureMessages":[${o === 'fail' ? '"expect(received).toBe(expected)"' : ''}]}`
    }
    yield ']}'
  }
  yield ']}\n'
}

function* rspecLines(tests: number): Generator<string> {
  const map = { pass: 'passed', fail: 'failed', skip: 'pending' }
  yield '{"version":"3.12.0","examples":['
  for (let n = 0; n < tests; n++) {
    const o = outcome(n)
    yield `${n ? ',' : ''}{"id":"./spec/s_spec.rb[1:${n}]","description":"case ${n}","full_description":"Thing case ${n}","status":"${map[o]}","file_path":"./spec/s_spec.rb","line_number":${(n % 500) + 1},"run_time":0.001${o === 'fail' ? ',"exception":{"class":"RSpec::Expectations::ExpectationNotMetError","message":"expected: 2 got: 1","backtrace":[]}' : ''}}`
  }
  yield `],"summary":{"duration":1.5,"example_count":${tests},"failure_count":0,"pending_count":0,"errors_outside_of_examples_count":0},"summary_line":"${tests} examples"}\n`
}

function* dartLines(tests: number): Generator<string> {
  yield '{"protocolVersion":"0.1.1","runnerVersion":"1.25.0","pid":1,"type":"start","time":0}\n{"suite":{"id":0,"platform":"vm","path":"test/a_test.dart"},"type":"suite","time":0}\n'
  for (let n = 1; n <= tests; n++) {
    const o = outcome(n)
    yield `{"test":{"id":${n},"name":"group case ${n}","suiteID":0,"groupIDs":[],"metadata":{"skip":${o === 'skip'},"skipReason":null},"line":${(n % 500) + 1},"column":5,"url":"file:///app/test/a_test.dart"},"type":"testStart","time":${n}}\n`
    if (o === 'fail')
      yield `{"testID":${n},"error":"Expected: <2> Actual: <1>","stackTrace":"package:test_api expect","isFailure":true,"type":"error","time":${n}}\n`
    yield `{"testID":${n},"result":"${o === 'fail' ? 'failure' : 'success'}","skipped":${o === 'skip'},"hidden":false,"type":"testDone","time":${n + 1}}\n`
  }
  yield `{"success":false,"type":"done","time":${tests + 2}}\n`
}

function* goTestLines(tests: number): Generator<string> {
  for (let p = 0; p < tests / 1000; p++) {
    const pkg = `example.com/app/pkg${p}`
    yield `{"Time":"2026-01-01T00:00:00Z","Action":"start","Package":"${pkg}"}\n`
    let failed = false
    for (let i = 0; i < 1000; i++) {
      const n = p * 1000 + i
      const o = outcome(n)
      const test = `TestCase${n}`
      yield `{"Time":"2026-01-01T00:00:00Z","Action":"run","Package":"${pkg}","Test":"${test}"}\n{"Time":"2026-01-01T00:00:00Z","Action":"output","Package":"${pkg}","Test":"${test}","Output":"=== RUN   ${test}\\n"}\n`
      if (o === 'fail') failed = true
      yield `{"Time":"2026-01-01T00:00:00Z","Action":"output","Package":"${pkg}","Test":"${test}","Output":"--- ${o.toUpperCase()}: ${test} (0.00s)\\n"}\n{"Time":"2026-01-01T00:00:00Z","Action":"${o}","Package":"${pkg}","Test":"${test}","Elapsed":0}\n`
    }
    yield `{"Time":"2026-01-01T00:00:00Z","Action":"${failed ? 'fail' : 'pass'}","Package":"${pkg}","Elapsed":1.5}\n`
  }
}

function* tapLines(tests: number): Generator<string> {
  yield `TAP version 13\n`
  for (let n = 1; n <= tests; n++) {
    const o = outcome(n)
    yield `# Subtest: case ${n}\n${o === 'fail' ? 'not ok' : 'ok'} ${n} - case ${n}${o === 'skip' ? ' # SKIP' : ''}\n  ---\n  duration_ms: 0.5\n${o === 'fail' ? "  error: 'expected 1 to equal 2'\n" : ''}  ...\n`
  }
  yield `1..${tests}\n`
}

function* cloverLines(files: number): Generator<string> {
  yield '<?xml version="1.0" encoding="UTF-8"?>\n<coverage generated="1" clover="3.2.0">\n<project timestamp="1" name="All files">\n'
  for (let f = 0; f < files; f++) {
    let s = `<file name="file${f}.js" path="src/module${f}/file${f}.js">\n<metrics statements="40" coveredstatements="30" conditionals="2" coveredconditionals="1" methods="1" coveredmethods="1"/>\n`
    for (let l = 1; l <= 40; l++)
      s +=
        l === 3
          ? `<line num="3" count="1" type="cond" truecount="1" falsecount="1"/>\n`
          : `<line num="${l}" count="${l % 4}" type="stmt"/>\n`
    yield `${s}</file>\n`
  }
  yield '</project>\n</coverage>\n'
}

function* goCoverLines(files: number): Generator<string> {
  yield 'mode: count\n'
  for (let f = 0; f < files; f++) {
    let s = ''
    for (let b = 0; b < 20; b++)
      s += `example.com/app/pkg${f}/file${f}.go:${b * 2 + 1}.2,${b * 2 + 2}.20 2 ${b % 4}\n`
    yield s
  }
}

function* simplecovLines(files: number): Generator<string> {
  for (const [k, set] of ['RSpec', 'Minitest'].entries()) {
    yield `${k ? ',' : '{'}"${set}":{"coverage":{`
    for (let f = 0; f < files; f++) {
      const lines = Array.from({ length: 40 }, (_, l) =>
        l % 5 === 0 ? 'null' : String((l + k) % 4)
      )
      yield `${f ? ',' : ''}"/app/lib/module${f}/file${f}.rb":{"lines":[${lines.join(',')}],"branches":{"[:if, 0, 3, 4, 3, 20]":{"[:then, 1, 3, 4, 3, 10]":${k},"[:else, 2, 3, 4, 3, 20]":1}}}`
    }
    yield `},"timestamp":1700000000}`
  }
  yield '}\n'
}

function* gcovrLines(files: number): Generator<string> {
  yield '{"gcovr/format_version":"0.6","files":['
  for (let f = 0; f < files; f++) {
    const lines = Array.from(
      { length: 40 },
      (_, l) =>
        `{"line_number":${l + 1},"count":${l % 4},"branches":${l === 3 ? '[{"count":1},{"count":0}]' : '[]'},"gcovr/noncode":false}`
    )
    yield `${f ? ',' : ''}{"file":"src/module${f}/file${f}.c","functions":[{"name":"f${f}","lineno":1,"execution_count":1}],"lines":[${lines.join(',')}]}`
  }
  yield ']}\n'
}

function* coverallsLines(files: number): Generator<string> {
  yield '{"service_name":"github","source_files":['
  for (let f = 0; f < files; f++) {
    const cov = Array.from({ length: 40 }, (_, l) => (l % 5 === 0 ? 'null' : String(l % 4)))
    yield `${f ? ',' : ''}{"name":"src/module${f}/file${f}.js","source_digest":"x","coverage":[${cov.join(',')}],"branches":[3,0,0,1,3,0,1,0]}`
  }
  yield ']}\n'
}

/**
 * The formats besides JUnit: test formats at 100k tests, coverage formats at 10k files; each read
 * with its format detected, in its own process, timed, with its peak RSS.
 *   npx tsx bench/readers.ts --more [format...]   prints only these rows (of the formats named)
 */
export async function benchMoreFormats(dir: string, only: string[] = []): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  // [format, file name, generator, size, label]; each gets a warm-up file 1/50 its size, read
  // first in the same child, as the JUnit rows do, and the best of three runs counts.
  const more: Array<[string, string, (n: number) => Iterable<string>, number, string]> = [
    ['trx', 'r.trx', trxLines, 100_000, 'TRX 100k tests'],
    ['nunit', 'nunit.xml', nunitLines, 100_000, 'NUnit 3 100k tests'],
    ['xunit-net', 'xunit.xml', xunitLines, 100_000, 'xUnit.net v2 100k tests'],
    ['mocha-json', 'mocha.json', mochaLines, 100_000, 'Mocha JSON 100k tests'],
    ['jest-json', 'jest.json', jestLines, 100_000, 'Jest JSON 100k tests'],
    ['rspec-json', 'rspec.json', rspecLines, 100_000, 'RSpec JSON 100k tests'],
    ['dart-json', 'dart.json', dartLines, 100_000, 'Dart JSON 100k tests'],
    ['go-test-json', 'go-test.json', goTestLines, 100_000, 'go test -json 100k tests'],
    ['tap', 'node.tap', tapLines, 100_000, 'TAP 100k tests'],
    ['clover', 'clover.xml', cloverLines, 10_000, 'Clover 10k files'],
    ['go-cover', 'cover.out', goCoverLines, 10_000, 'Go coverprofile 10k files'],
    ['simplecov', '.resultset.json', simplecovLines, 10_000, 'SimpleCov 2 sets x 10k files'],
    ['gcovr-json', 'gcovr.json', gcovrLines, 10_000, 'gcovr JSON 10k files'],
    ['coveralls', 'coveralls.json', coverallsLines, 10_000, 'Coveralls JSON 10k files']
  ]
  for (const [format, name, lines, size, label] of more) {
    if (only.length > 0 && !only.includes(format)) continue
    const file = path.join(dir, name)
    const warm = path.join(dir, `warm-${name}`)
    await writeLines(file, lines(size))
    await writeLines(warm, lines(size / 50))
    warmUpFiles.set(file, warm)
    const r = best(`format:${format}`, file, 3)
    rows.push({
      name: `${label}: read`,
      value: round(r.ms),
      unit: 'ms',
      bar: '< 2000',
      ok: r.ms < 2000
    })
    rows.push({
      name: `${label}: process peak RSS`,
      value: round(r.maxRssMb),
      unit: 'MB',
      bar: '< 200',
      ok: r.maxRssMb < 200
    })
    rmSync(file)
    rmSync(warm)
  }
  return rows
}

/** Measures every bar of DESIGN.md section 8 that concerns evidence readers. */
export async function benchReaders(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-readers-'))
  try {
    const junit100k = path.join(dir, 'junit-100k.xml')
    const junit1m = path.join(dir, 'junit-1m.xml')
    const sarif = path.join(dir, 'sarif-100k.sarif')
    const lcov = path.join(dir, 'lcov-10k.info')
    const mutation = path.join(dir, 'mutation-100k.json')
    const junitWarm = path.join(dir, 'junit-2k.xml')
    await writeLines(junitWarm, junitLines(2_000))
    warmUpFiles.set(junit100k, junitWarm)
    await writeLines(junit100k, junitLines(100_000))
    await writeLines(junit1m, junitLines(1_000_000))
    await writeLines(sarif, sarifLines(100_000))
    await writeLines(lcov, lcovLines(10_000))
    await writeLines(mutation, mutationLines(100_000))

    const rows: BenchRow[] = []
    // Interleaved, best of five each: the two runs see the same machine load.
    const [ours, scan] = interleaved(['junit-ours', 'junit-xml-scan'], junit100k, 5)
    rows.push({
      name: 'JUnit 100k testcases: evidence reader',
      value: round(ours.ms),
      unit: 'ms',
      bar: 'info',
      ok: true
    })
    rows.push({
      name: 'JUnit 100k: reader parse memory (RSS above baseline)',
      value: round(ours.parseMb),
      unit: 'MB',
      bar: 'info',
      ok: true
    })
    rows.push({
      name: 'JUnit 100k: reader time / bare xml-scan tokenisation',
      value: round(ours.ms / scan.ms, 2),
      unit: 'x',
      bar: '<= 1.3',
      ok: ours.ms / scan.ms <= 1.3
    })
    rows.push(...benchTokenisers(junit100k, junitWarm))
    for (const peer of ['junit-xml-js', 'junit-xml2js', 'junit-fast-xml-parser'] as const) {
      const r = best(peer, junit100k, 1)
      const label = peer.replace('junit-', '')
      rows.push({
        name: `JUnit 100k: ${label} time / reader time`,
        value: round(r.ms / ours.ms, 2),
        unit: 'x',
        bar: '>= 3',
        ok: r.ms / ours.ms >= 3
      })
      rows.push({
        name: `JUnit 100k: ${label} parse memory (RSS above baseline)`,
        value: round(r.parseMb),
        unit: 'MB',
        bar: 'info',
        ok: true
      })
      rows.push({
        name: `JUnit 100k: reader / ${label} parse memory`,
        value: round(ours.parseMb / r.parseMb, 3),
        unit: 'ratio',
        bar: '<= 0.333',
        ok: ours.parseMb / r.parseMb <= 1 / 3
      })
    }
    const million = best('junit-ours', junit1m, 1)
    rows.push({
      name: 'JUnit 1M testcases: reader process peak RSS',
      value: round(million.maxRssMb),
      unit: 'MB',
      bar: '< 200',
      ok: million.maxRssMb < 200
    })
    for (const [task, file, label] of [
      ['sarif-ours', sarif, 'SARIF 100k results'],
      ['lcov-ours', lcov, 'lcov 10k files'],
      ['mutation-ours', mutation, 'Stryker report, 100k mutants']
    ] as const) {
      const r = best(task, file, 1)
      rows.push({
        name: `${label}: read`,
        value: round(r.ms),
        unit: 'ms',
        bar: '< 2000',
        ok: r.ms < 2000
      })
    }
    rows.push(...(await benchMoreFormats(dir)))
    return rows
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function round(n: number, digits = 0): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

async function main(): Promise<void> {
  if (await childMain((task, file) => runTask(task as Task, file))) return
  let rows: BenchRow[]
  if (process.argv.includes('--more')) {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-more-'))
    try {
      rows = await benchMoreFormats(dir, process.argv.slice(process.argv.indexOf('--more') + 1))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  } else {
    rows = await benchReaders()
  }
  for (const r of rows)
    console.log(
      `${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(58)} ${String(r.value).padStart(9)} ${r.unit.padEnd(5)} (bar ${r.bar})`
    )
  if (rows.some((r) => !r.ok)) process.exitCode = 1
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await main()
