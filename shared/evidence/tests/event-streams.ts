import { EvidenceError } from '../../errors.js'
import { printable } from '../../safe-path.js'
import type { OpenedEvidence } from '../evidence-file.js'
import { finiteNumber, isRecord } from '../json-file.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import { forEachLine, MAX_MESSAGE_CHARS, parseJsonLine, str, TestTally } from './tally.js'

/**
 * Line-delimited JSON event streams, read line by line: memory is one line plus a record per test
 * that has started and not finished. A stream cut off in the middle leaves tests or packages that
 * never finished: each is an error, so a truncated run never reads as a pass.
 */

function appendMessage(
  into: Map<string, string>,
  key: string,
  text: string,
  ctx: ReadContext
): void {
  if (!ctx.findings.wants()) return
  const now = into.get(key) ?? ''
  if (now.length < MAX_MESSAGE_CHARS) into.set(key, now + text)
}

// ---- go test -json -----------------------------------------------------------------------------

const GO_ACTIONS = new Set([
  'start',
  'run',
  'pause',
  'cont',
  'pass',
  'bench',
  'fail',
  'output',
  'skip',
  'build-output',
  'build-fail'
])

interface GoPackage {
  final?: 'pass' | 'fail' | 'skip'
  failedTests: number
  buildFailed: boolean
  unfinished: Set<string>
}

/**
 * `go test -json` (test2json) events. Every test counts once, subtests included, as gotestsum
 * and `go test -v` list them: a parent whose subtest failed also failed. A test run more than once
 * (-count) counts once, failed if any run failed. A package that failed outside any test (TestMain,
 * a panic after the tests, a build failure: `FailedBuild`, or no tests and "[build failed]") is one
 * error. A test that started and never finished (a panic or timeout killed the binary) is an error;
 * a package that never reported pass or fail is an error (the stream was cut off).
 */
export async function readGoTestJson(
  opened: OpenedEvidence,
  ctx: ReadContext
): Promise<ReaderOutput> {
  const display = opened.display
  const tally = new TestTally(display, ctx)
  const packages = new Map<string, GoPackage>()
  // Final outcome per test; a test is counted when its package finishes, so -count reruns merge.
  const outcomes = new Map<string, Map<string, 'pass' | 'fail' | 'skip'>>()
  const output = new Map<string, string>()
  let events = 0

  const pkgOf = (name: string): GoPackage => {
    let p = packages.get(name)
    if (!p) {
      p = { failedTests: 0, buildFailed: false, unfinished: new Set() }
      packages.set(name, p)
      outcomes.set(name, new Map())
    }
    return p
  }

  await forEachLine(
    opened,
    ctx.maxBytes,
    (line, lineNo) => {
      if (line.trim() === '') return
      // Before Go 1.24 a package that does not build gets this plain line on stdout, not an event.
      const broken = /^FAIL\t(\S+) \[(build|setup) failed\]\s*$/.exec(line)
      if (broken) {
        events++
        tally.fail(
          `package ${broken[1]}`,
          `${broken[1]} did not build (${broken[2]} failed); the compiler's errors are on the stderr of \`go test\`.`,
          true
        )
        return
      }
      const e = parseJsonLine(display, line, lineNo, '`go test -json`')
      if (!isRecord(e) || typeof e.Action !== 'string') {
        throw new EvidenceError(
          display,
          'malformed',
          `line ${lineNo} is not a \`go test -json\` event (no "Action").`,
          lineNo
        )
      }
      const action = e.Action
      if (!GO_ACTIONS.has(action))
        throw new EvidenceError(
          display,
          'malformed',
          `line ${lineNo} has Action "${printable(action, 40)}", which test2json does not write.`,
          lineNo
        )
      events++
      // build-output / build-fail (Go 1.24+) name the ImportPath being built; the package that
      // could not be tested then reports fail with FailedBuild, which is what counts.
      if (action === 'build-output' || action === 'build-fail') return
      const pkgName = str(e.Package)
      const test = str(e.Test)
      const pkg = pkgOf(pkgName)
      const key = test
      if (test === '') {
        if (action === 'pass' || action === 'fail' || action === 'skip') {
          pkg.final = action
          if (action === 'fail' && str(e.FailedBuild) !== '') pkg.buildFailed = true
          tally.addDuration(finiteNumber(e.Elapsed))
          finishPackage(pkgName, pkg)
        } else if (action === 'output') {
          appendMessage(output, `${pkgName}\u0000`, str(e.Output), ctx)
          if (/\[build failed\]|\[setup failed\]/.test(str(e.Output))) pkg.buildFailed = true
        }
        return
      }
      const results = outcomes.get(pkgName) ?? new Map<string, 'pass' | 'fail' | 'skip'>()
      switch (action) {
        case 'run':
          pkg.unfinished.add(key)
          return
        case 'output':
          appendMessage(output, `${pkgName}\u0000${test}`, str(e.Output), ctx)
          return
        case 'pass':
        case 'fail':
        case 'skip': {
          pkg.unfinished.delete(key)
          // Only a failure's output becomes a message; a pass's is dropped at once.
          if (action !== 'fail') output.delete(`${pkgName}\u0000${test}`)
          const before = results.get(key)
          if (before !== 'fail')
            results.set(key, before === 'pass' && action === 'skip' ? 'pass' : action)
          return
        }
        default:
          return // pause, cont, bench, start
      }
    },
    'a `go test -json` stream'
  )

  function finishPackage(name: string, pkg: GoPackage): void {
    const results = outcomes.get(name) ?? new Map()
    for (const [test, outcome] of results) {
      if (outcome === 'pass') tally.pass()
      else if (outcome === 'skip') tally.skip()
      else {
        pkg.failedTests++
        tally.fail(`${name} › ${test}`, output.get(`${name}\u0000${test}`) ?? '', false)
      }
    }
    for (const test of pkg.unfinished) {
      pkg.failedTests++
      tally.fail(
        `${name} › ${test}`,
        `${test} started and never finished (a panic or timeout stopped the test binary).\n${output.get(`${name}\u0000${test}`) ?? ''}`,
        true
      )
    }
    if (pkg.final === 'fail' && pkg.failedTests === 0) {
      const why = pkg.buildFailed
        ? 'did not build'
        : 'failed outside any test (TestMain, init, or a panic after the tests)'
      tally.fail(`package ${name}`, `${name} ${why}.\n${output.get(`${name}\u0000`) ?? ''}`, true)
    }
    outcomes.set(name, new Map())
    pkg.unfinished = new Set()
    output.forEach((_v, k) => {
      if (k.startsWith(`${name}\u0000`)) output.delete(k)
    })
  }

  if (events === 0) throw new EvidenceError(display, 'empty', 'holds no `go test -json` events.')
  for (const [name, pkg] of packages) {
    if (pkg.final === undefined) {
      const tests = outcomes.get(name)?.size ?? 0
      tally.fail(
        `package ${name}`,
        `${name} never reported pass or fail (${tests} test results before the end): the stream was cut off or the run was killed.`,
        true
      )
      finishPackage(name, { ...pkg, final: 'pass' })
    }
  }
  return tally.output()
}

// ---- Dart / Flutter --reporter json ------------------------------------------------------------

/**
 * `dart test --reporter json` and `flutter test --machine` events. testDone gives each test's
 * result: skipped -> skipped; success -> passed; failure (an assertion) -> failed; error -> error.
 * Hidden tests (the "loading <file>" pseudo-tests) count only when they did not succeed: a file
 * that failed to load is an error. A test that started and never finished, or a `done` event with
 * success false and no failing test, is an error. Lines that are not JSON objects (flutter prints
 * progress before its events) are skipped.
 */
export async function readDartJson(
  opened: OpenedEvidence,
  ctx: ReadContext
): Promise<ReaderOutput> {
  const display = opened.display
  const tally = new TestTally(display, ctx)
  const started = new Map<number, { name: string; file?: string; line?: number }>()
  const suites = new Map<number, string>()
  const messages = new Map<string, string>()
  let sawStart = false
  let doneSuccess: boolean | undefined
  let lastTime = 0

  await forEachLine(
    opened,
    ctx.maxBytes,
    (line, lineNo) => {
      const t = line.trim()
      if (!t.startsWith('{')) return
      const e = parseJsonLine(display, t, lineNo, 'a Dart JSON reporter stream')
      if (!isRecord(e) || typeof e.type !== 'string')
        throw new EvidenceError(
          display,
          'malformed',
          `line ${lineNo} is not a Dart test event (no "type").`,
          lineNo
        )
      const time = finiteNumber(e.time)
      if (time !== undefined && time > lastTime) lastTime = time
      switch (e.type) {
        case 'start':
          sawStart = true
          return
        case 'suite':
          if (isRecord(e.suite) && finiteNumber(e.suite.id) !== undefined)
            suites.set(finiteNumber(e.suite.id) ?? -1, str(e.suite.path))
          return
        case 'testStart': {
          if (!isRecord(e.test))
            throw new EvidenceError(
              display,
              'malformed',
              `line ${lineNo}: testStart has no "test" object.`,
              lineNo
            )
          const id = finiteNumber(e.test.id)
          if (id === undefined)
            throw new EvidenceError(
              display,
              'malformed',
              `line ${lineNo}: testStart has no test id.`,
              lineNo
            )
          const suite = suites.get(finiteNumber(e.test.suiteID) ?? -1)
          started.set(id, {
            name: str(e.test.name) || '(unnamed)',
            file: suite ? suite.replace(/\\/g, '/') : undefined,
            line: finiteNumber(e.test.root_line ?? e.test.line)
          })
          return
        }
        case 'error':
        case 'print': {
          const id = finiteNumber(e.testID)
          if (id !== undefined && e.type === 'error')
            appendMessage(messages, String(id), `${str(e.error)}\n${str(e.stackTrace)}\n`, ctx)
          return
        }
        case 'testDone': {
          const id = finiteNumber(e.testID)
          const test = id === undefined ? undefined : started.get(id)
          if (id === undefined || !test)
            throw new EvidenceError(
              display,
              'malformed',
              `line ${lineNo}: testDone for a test that never started (testID ${printable(String(e.testID), 20)}).`,
              lineNo
            )
          started.delete(id)
          const result = str(e.result)
          const message = messages.get(String(id)) ?? ''
          messages.delete(String(id))
          if (e.hidden === true && result === 'success') return
          if (e.skipped === true) tally.skip()
          else if (result === 'success') tally.pass()
          else if (result === 'failure')
            tally.fail(test.name, message, false, { file: test.file, line: test.line })
          else if (result === 'error')
            tally.fail(test.name, message, true, { file: test.file, line: test.line })
          else
            throw new EvidenceError(
              display,
              'malformed',
              `line ${lineNo}: test "${printable(test.name, 120)}" has result "${printable(result, 40)}", which the Dart reporter does not write.`,
              lineNo
            )
          return
        }
        case 'done':
          doneSuccess = e.success === true ? true : e.success === false ? false : undefined
          return
        default:
          return // group, allSuites, debug and later additions carry no results
      }
    },
    'a Dart JSON reporter stream'
  )
  if (!sawStart)
    throw new EvidenceError(
      display,
      'unsupported',
      'is not a Dart/Flutter JSON reporter stream: it has no "start" event.'
    )
  for (const test of started.values())
    tally.fail(
      test.name,
      `${test.name} started and never finished: the run was cut off or killed.`,
      true,
      { file: test.file, line: test.line }
    )
  if (doneSuccess === false && tally.failed === 0)
    tally.fail(
      'test run',
      'The Dart test run reported failure (done.success is false) outside any test.',
      true
    )
  tally.addDuration(lastTime / 1000)
  return tally.output()
}
