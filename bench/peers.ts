/**
 * The peers' own parsers on the same inputs as our readers (DESIGN.md section 8, issue 8 item 3):
 * - xml-js, as mikepenz/action-junit-report uses it (xml2json compact, then JSON.parse);
 * - xml2js, as dorny/test-reporter (JUnit) and 5monkeys/cobertura-action (Cobertura) use it
 *   (parseStringPromise on the whole file);
 * - lcov-parse, as romeovs/lcov-reporter-action uses it (the whole file's text).
 * Each is a ratio against our reader on the same generated file, with the parse's peak memory
 * (max RSS above the RSS after loading modules), each measurement in its own child process.
 * Then a whole check-gates run on examples/ (the bundle, as the runner starts it) against running
 * those peer parsers alone on the example's evidence files, both as wall time of a fresh process.
 *
 *   npx tsx bench/peers.ts          prints the table
 *   benchPeers()                    returns the rows for bench/run.ts
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { bestOf, childMain, markBaseline, runChild, type ChildResult } from './child.js'
import { junitLines, lcovLines, READERS_SCRIPT, round, writeLines } from './readers.js'
import type { BenchRow } from './types.js'

const THIS_FILE = fileURLToPath(import.meta.url)
const ROOT = path.resolve(path.dirname(THIS_FILE), '..')

type Task =
  | 'junit-ours'
  | 'junit-xml-js'
  | 'junit-xml2js'
  | 'cobertura-ours'
  | 'cobertura-xml2js'
  | 'lcov-ours'
  | 'lcov-parse'

async function lcovParse(text: string): Promise<unknown> {
  // lcov-parse is CommonJS without type declarations.
  const parse = createRequire(import.meta.url)('lcov-parse') as (
    s: string,
    cb: (err: unknown, data: unknown) => void
  ) => void
  return new Promise((resolve, reject) =>
    parse(text, (err, data) => (err ? reject(new Error(String(err))) : resolve(data)))
  )
}

/** One task in this process; returns the milliseconds of the parse alone. */
async function runTask(task: Task, file: string): Promise<number> {
  switch (task) {
    case 'junit-xml-js': {
      const { xml2json } = await import('xml-js')
      markBaseline()
      const t0 = performance.now()
      const doc = JSON.parse(xml2json(readFileSync(file, 'utf8'), { compact: true })) as unknown
      if (!doc) throw new Error('empty')
      return performance.now() - t0
    }
    case 'junit-xml2js':
    case 'cobertura-xml2js': {
      const { parseStringPromise } = await import('xml2js')
      markBaseline()
      const t0 = performance.now()
      await parseStringPromise(readFileSync(file, 'utf8'))
      return performance.now() - t0
    }
    case 'lcov-parse': {
      await lcovParse('SF:a\nDA:1,1\nend_of_record\n')
      markBaseline()
      const t0 = performance.now()
      await lcovParse(readFileSync(file, 'utf8'))
      return performance.now() - t0
    }
    default:
      throw new Error(`${task} is timed by bench/readers.ts, not here`)
  }
}

/** Our readers are timed by bench/readers.ts's child, exactly as in its own rows. */
function best(task: Task, file: string, runs: number): ChildResult {
  return bestOf(runs, () =>
    runChild(task.endsWith('-ours') ? READERS_SCRIPT : THIS_FILE, task, file)
  )
}

/** A Cobertura report of `classes` files with 40 lines each, as coverage.py and Istanbul write it. */
function* coberturaLines(classes: number): Generator<string> {
  yield `<?xml version="1.0" ?>\n<coverage version="7.4" timestamp="1700000000" lines-valid="${classes * 40}" lines-covered="${classes * 30}" line-rate="0.75" branches-valid="0" branches-covered="0" branch-rate="0" complexity="0">\n<sources><source>/src</source></sources>\n<packages>\n`
  const perPackage = 100
  for (let p = 0; p < classes / perPackage; p++) {
    yield `<package name="pkg${p}" line-rate="0.75" branch-rate="0" complexity="0"><classes>\n`
    for (let c = 0; c < perPackage; c++) {
      const n = p * perPackage + c
      let s = `<class name="mod${n}.py" filename="pkg${p}/mod${n}.py" complexity="0" line-rate="0.75" branch-rate="0"><methods/><lines>`
      for (let l = 1; l <= 40; l++) s += `<line number="${l}" hits="${l % 4}"/>`
      yield `${s}</lines></class>\n`
    }
    yield '</classes></package>\n'
  }
  yield '</packages>\n</coverage>\n'
}

/**
 * Written into the process before the bundle loads (`--import`): its max RSS, to a file, on exit.
 * The bundle itself is unchanged and started as the runner starts it.
 */
const RSS_ON_EXIT = `data:text/javascript,${encodeURIComponent(
  "import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)))"
)}`

/**
 * Wall time of the bundled check-gates on `workspace` (examples/ or a copy of it) at staging,
 * started as the runner starts it; with `rss`, also its peak RSS and what it printed.
 */
function checkGatesRun(
  workspace = path.join(ROOT, 'examples'),
  rss = false
): { ms: number; maxRssMb: number; stdout: string } {
  const bundle = path.join(ROOT, 'dist', 'check-gates', 'index.js')
  const temp = mkdtempSync(path.join(tmpdir(), 'bench-gates-'))
  const rssFile = path.join(temp, 'max-rss')
  try {
    const started = performance.now()
    let stdout = ''
    try {
      stdout = execFileSync(process.execPath, [...(rss ? ['--import', RSS_ON_EXIT] : []), bundle], {
        cwd: workspace,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'ignore'],
        env: {
          PATH: process.env.PATH,
          GITHUB_WORKSPACE: workspace,
          RUNNER_TEMP: temp,
          INPUT_STAGE: 'staging',
          'INPUT_UPLOAD-REPORT': 'false',
          GITHUB_EVENT_NAME: 'push',
          ...(rss ? { BENCH_RSS_FILE: rssFile } : {})
        }
      })
    } catch (error) {
      // A failing verdict exits 1; the measurement is of the whole run either way.
      if ((error as { status?: number }).status !== 1) throw error
      stdout = String((error as { stdout?: unknown }).stdout ?? '')
    }
    const ms = performance.now() - started
    return { ms, maxRssMb: rss ? Number(readFileSync(rssFile, 'utf8')) / 1024 : Number.NaN, stdout }
  } finally {
    rmSync(temp, { recursive: true, force: true })
  }
}

/** A copy of examples/ whose reports/junit.xml is `junit`: the whole action on a big report. */
function examplesWith(junit: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-examples-'))
  cpSync(path.join(ROOT, 'examples'), dir, { recursive: true })
  copyFileSync(junit, path.join(dir, 'reports', 'junit.xml'))
  return dir
}

/** Wall time of a plain Node process that only parses `file` with xml-js, as mikepenz/action-junit-report does. */
function xmlJsAloneRun(file: string): number {
  const code = `JSON.parse(require('xml-js').xml2json(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'), { compact: true }))`
  const started = performance.now()
  execFileSync(process.execPath, ['-e', code], { cwd: ROOT, stdio: 'ignore' })
  return performance.now() - started
}

/**
 * The whole check-gates action on examples/ with a 100k-testcase JUnit report against xml-js
 * parsing that report alone, both as fresh processes, interleaved, best of three; and the whole
 * action's peak RSS on 1M testcases (issue 16, DESIGN.md section 8).
 */
async function wholeActionRows(dir: string, junit100k: string): Promise<BenchRow[]> {
  const junit1m = path.join(dir, 'junit-1m.xml')
  await writeLines(junit1m, junitLines(1_000_000))
  const small = examplesWith(junit100k)
  const big = examplesWith(junit1m)
  try {
    let gates = { ms: Number.POSITIVE_INFINITY, maxRssMb: 0, stdout: '' }
    let xmlJs = Number.POSITIVE_INFINITY
    for (let i = 0; i < 3; i++) {
      const g = checkGatesRun(small, true)
      if (!g.stdout.includes('100000'))
        throw new Error('check-gates did not report the 100,000 tests of the generated JUnit file')
      gates = { ...g, ms: Math.min(gates.ms, g.ms), maxRssMb: Math.max(gates.maxRssMb, g.maxRssMb) }
      xmlJs = Math.min(xmlJs, xmlJsAloneRun(junit100k))
    }
    const million = checkGatesRun(big, true)
    if (!million.stdout.includes('1000000'))
      throw new Error('check-gates did not report the 1,000,000 tests of the generated JUnit file')
    return [
      {
        name: 'JUnit 100k: whole check-gates run (bundle, fresh process)',
        value: round(gates.ms),
        unit: 'ms',
        bar: 'info',
        ok: true
      },
      {
        name: 'JUnit 100k: xml-js parsing the file alone (fresh process)',
        value: round(xmlJs),
        unit: 'ms',
        bar: 'info',
        ok: true
      },
      {
        name: 'JUnit 100k: xml-js alone / whole check-gates run',
        value: round(xmlJs / gates.ms, 2),
        unit: 'x',
        bar: '>= 5',
        ok: xmlJs / gates.ms >= 5
      },
      {
        name: 'JUnit 100k: whole check-gates run peak RSS',
        value: round(gates.maxRssMb),
        unit: 'MB',
        bar: 'info',
        ok: true
      },
      {
        name: 'JUnit 1M: whole check-gates run (bundle, fresh process)',
        value: round(million.ms),
        unit: 'ms',
        bar: 'info',
        ok: true
      },
      {
        name: 'JUnit 1M: whole check-gates run peak RSS',
        value: round(million.maxRssMb),
        unit: 'MB',
        bar: '< 150',
        ok: million.maxRssMb < 150
      }
    ]
  } finally {
    rmSync(small, { recursive: true, force: true })
    rmSync(big, { recursive: true, force: true })
    rmSync(junit1m, { force: true })
  }
}

/**
 * Wall time of a plain Node process (no tsx, like the bundle) that only parses the example's
 * evidence with the peers' parsers, as those actions call them.
 */
function peersAloneRun(examples: string): number {
  const code = `
    const fs = require('node:fs'), path = require('node:path')
    const r = (f) => fs.readFileSync(path.join(${JSON.stringify(examples)}, 'reports', f), 'utf8')
    const junit = r('junit.xml')
    JSON.parse(require('xml-js').xml2json(junit, { compact: true }))
    const { parseStringPromise } = require('xml2js')
    parseStringPromise(junit)
      .then(() => parseStringPromise(r('cobertura-coverage.xml')))
      .then(() => new Promise((res, rej) => require('lcov-parse')(r('lcov.info'), (e, d) => (e ? rej(new Error(e)) : res(d)))))`
  const started = performance.now()
  execFileSync(process.execPath, ['-e', code], { cwd: ROOT, stdio: 'ignore' })
  return performance.now() - started
}

export async function benchPeers(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-peers-'))
  try {
    const junit = path.join(dir, 'junit-100k.xml')
    const cobertura = path.join(dir, 'cobertura.xml')
    const lcov = path.join(dir, 'lcov.info')
    await writeLines(junit, junitLines(100_000))
    await writeLines(cobertura, coberturaLines(10_000))
    await writeLines(lcov, lcovLines(10_000))

    const rows: BenchRow[] = []
    const pairs: Array<[string, Task, Task, string, string]> = [
      ['JUnit 100k', 'junit-ours', 'junit-xml-js', 'xml-js (mikepenz/action-junit-report)', junit],
      ['JUnit 100k', 'junit-ours', 'junit-xml2js', 'xml2js (dorny/test-reporter)', junit],
      [
        'Cobertura 10k classes',
        'cobertura-ours',
        'cobertura-xml2js',
        'xml2js (5monkeys/cobertura-action)',
        cobertura
      ],
      [
        'lcov 10k files',
        'lcov-ours',
        'lcov-parse',
        'lcov-parse (romeovs/lcov-reporter-action)',
        lcov
      ]
    ]
    const oursCache = new Map<string, ChildResult>()
    for (const [label, oursTask, peerTask, peer, file] of pairs) {
      const ours = oursCache.get(oursTask) ?? best(oursTask, file, 3)
      oursCache.set(oursTask, ours)
      const theirs = best(peerTask, file, 2)
      rows.push({
        name: `${label}: ${peer} time / ours`,
        value: round(theirs.ms / ours.ms, 2),
        unit: 'x',
        bar: label.startsWith('JUnit') ? '>= 3' : 'info (> 1 is faster)',
        ok: label.startsWith('JUnit') ? theirs.ms / ours.ms >= 3 : true
      })
      rows.push({
        name: `${label}: ${peer} parse memory / ours`,
        value: round(theirs.parseMb / Math.max(ours.parseMb, 1), 2),
        unit: 'x',
        bar: label.startsWith('JUnit') ? '>= 3' : 'info',
        ok: label.startsWith('JUnit') ? theirs.parseMb / Math.max(ours.parseMb, 1) >= 3 : true
      })
      if (!rows.some((r) => r.name === `${label}: our reader`)) {
        rows.push({
          name: `${label}: our reader`,
          value: round(ours.ms),
          unit: 'ms',
          bar: 'info',
          ok: true
        })
        rows.push({
          name: `${label}: our reader parse memory`,
          value: round(ours.parseMb),
          unit: 'MB',
          bar: 'info',
          ok: true
        })
      }
      rows.push({
        name: `${label}: ${peer}`,
        value: round(theirs.ms),
        unit: 'ms',
        bar: 'info',
        ok: true
      })
      rows.push({
        name: `${label}: ${peer} parse memory`,
        value: round(theirs.parseMb),
        unit: 'MB',
        bar: 'info',
        ok: true
      })
    }

    // A whole check-gates run (graph, every evidence file, gates, report, summary) against only
    // parsing the example's JUnit, Cobertura and lcov files with the peers' parsers, both in fresh processes.
    const examples = path.join(ROOT, 'examples')
    const gates = Math.min(...Array.from({ length: 5 }, () => checkGatesRun().ms))
    const peersAlone = {
      wallMs: Math.min(...Array.from({ length: 5 }, () => peersAloneRun(examples)))
    }
    rows.push({
      name: 'examples/: whole check-gates run (bundle, staging)',
      value: round(gates),
      unit: 'ms',
      bar: 'info',
      ok: true
    })
    rows.push({
      name: "examples/: the peers' parsers alone on its JUnit, Cobertura and lcov (fresh process)",
      value: round(peersAlone.wallMs),
      unit: 'ms',
      bar: 'info',
      ok: true
    })
    rows.push({
      name: "examples/: whole check-gates run / peers' parsers alone",
      value: round(gates / peersAlone.wallMs, 2),
      unit: 'x',
      bar: 'info',
      ok: true
    })
    rows.push(...(await wholeActionRows(dir, junit)))
    return rows
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  if (await childMain((task, file) => runTask(task as Task, file))) return
  const rows = await benchPeers()
  for (const r of rows)
    console.log(
      `${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(78)} ${String(r.value).padStart(9)} ${r.unit.padEnd(5)} (bar ${r.bar})`
    )
  if (rows.some((r) => !r.ok)) process.exitCode = 1
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await main()
