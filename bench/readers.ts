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
import type { BenchRow } from './types.js'

export type { BenchRow }


const THIS_FILE = fileURLToPath(import.meta.url)
/** This file as a child script: other benchmarks time our readers through it, the same way. */
export const READERS_SCRIPT = THIS_FILE
/** A small file of the same kind, read once before the measured run so the JIT is warm for all. */
const warmUpFiles = new Map<string, string>()

type Task = 'junit-ours' | 'junit-saxes' | 'junit-xml-js' | 'junit-xml2js' | 'junit-fast-xml-parser' | 'sarif-ours' | 'cobertura-ours' | 'lcov-ours' | 'mutation-ours'


/** Runs one task in this process and returns elapsed milliseconds. */
async function runTask(task: Task, file: string): Promise<number> {
  const started = performance.now()
  const dir = path.dirname(file)
  const rel = path.basename(file)
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
      new XMLParser({ ignoreAttributes: false, processEntities: false }).parse(readFileSync(file, 'utf8'))
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
      out[k] = { ms: Math.min(out[k].ms, r.ms), wallMs: Math.min(out[k].wallMs, r.wallMs), maxRssMb: Math.max(out[k].maxRssMb, r.maxRssMb), parseMb: Math.max(out[k].parseMb, r.parseMb) }
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
  for (let r = 0; r < 50; r++) yield `${r ? ',' : ''}{"id":"rule/${r}","defaultConfiguration":{"level":"${r % 3 ? 'warning' : 'error'}"},"properties":{"security-severity":"${(r % 10) + 0.5}"}}`
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
  const statuses = ['Killed', 'Killed', 'Killed', 'Survived', 'NoCoverage', 'Timeout', 'CompileError', 'Ignored']
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
    const [ours, saxes] = interleaved(['junit-ours', 'junit-saxes'], junit100k, 5)
    rows.push({ name: 'JUnit 100k testcases: evidence reader', value: round(ours.ms), unit: 'ms', bar: 'info', ok: true })
    rows.push({ name: 'JUnit 100k: reader parse memory (RSS above baseline)', value: round(ours.parseMb), unit: 'MB', bar: 'info', ok: true })
    rows.push({ name: 'JUnit 100k: reader time / bare saxes tokenisation', value: round(ours.ms / saxes.ms, 2), unit: 'x', bar: '<= 1.3', ok: ours.ms / saxes.ms <= 1.3 })
    for (const peer of ['junit-xml-js', 'junit-xml2js', 'junit-fast-xml-parser'] as const) {
      const r = best(peer, junit100k, 1)
      const label = peer.replace('junit-', '')
      rows.push({ name: `JUnit 100k: ${label} time / reader time`, value: round(r.ms / ours.ms, 2), unit: 'x', bar: '>= 3', ok: r.ms / ours.ms >= 3 })
      rows.push({ name: `JUnit 100k: ${label} parse memory (RSS above baseline)`, value: round(r.parseMb), unit: 'MB', bar: 'info', ok: true })
      rows.push({ name: `JUnit 100k: reader / ${label} parse memory`, value: round(ours.parseMb / r.parseMb, 3), unit: 'ratio', bar: '<= 0.333', ok: ours.parseMb / r.parseMb <= 1 / 3 })
    }
    const million = best('junit-ours', junit1m, 1)
    rows.push({ name: 'JUnit 1M testcases: reader process peak RSS', value: round(million.maxRssMb), unit: 'MB', bar: '< 200', ok: million.maxRssMb < 200 })
    for (const [task, file, label] of [
      ['sarif-ours', sarif, 'SARIF 100k results'],
      ['lcov-ours', lcov, 'lcov 10k files'],
      ['mutation-ours', mutation, 'Stryker report, 100k mutants']
    ] as const) {
      const r = best(task, file, 1)
      rows.push({ name: `${label}: read`, value: round(r.ms), unit: 'ms', bar: '< 2000', ok: r.ms < 2000 })
    }
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
  const rows = await benchReaders()
  for (const r of rows) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(58)} ${String(r.value).padStart(9)} ${r.unit.padEnd(5)} (bar ${r.bar})`)
  if (rows.some((r) => !r.ok)) process.exitCode = 1
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await main()
