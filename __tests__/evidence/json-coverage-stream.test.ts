/**
 * gcovr/gcov, SimpleCov and Coveralls JSON read as streams (shared/evidence/json-stream.ts): the
 * same totals as when each document was parsed whole (the numbers below are what that reader gave
 * on these documents), on documents many chunks long; function keys right whichever comes first,
 * "files" or the key naming the format; a document over the old 64 MiB JSON cap reads; one entry
 * over the per-entry cap, a key given twice on the way to the entries, and bad JSON are errors
 * that name the entry or the line.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import path from 'node:path'
import { EvidenceError } from '../../shared/errors.js'
import { collectEvidence } from '../../shared/evidence/index.js'
import { DEFAULT_MAX_JSON_BYTES } from '../../shared/evidence/evidence-file.js'
import { FIXTURES, workspace } from './helpers.js'

const fx = (f: string) => readFileSync(path.join(FIXTURES, 'real-tools-more', f), 'utf8')
const root = workspace()
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0

async function read(text: string, format?: string, file = `r${n++}.json`) {
  writeFileSync(path.join(root, file), text)
  const c = await collectEvidence(
    [{ name: 'coverage', paths: [file], ...(format ? { format } : {}) }],
    { root }
  )
  rmSync(path.join(root, file))
  for (const e of c.errors) expect(e).toBeInstanceOf(EvidenceError)
  return c
}

async function totals(text: string, format?: string): Promise<Record<string, number>> {
  const c = await read(text, format)
  expect(c.errors.map((e) => e.message)).toEqual([])
  return Object.fromEntries(c.metrics)
}

async function error(text: string, format?: string): Promise<EvidenceError> {
  const c = await read(text, format)
  expect(c.errors.length).toBe(1)
  return c.errors[0]
}

interface GcovFile {
  file: string
  lines: unknown[]
  functions: unknown[]
}

describe('the same totals as the whole-document reader, on documents many chunks long', () => {
  it('gcov JSON: 300 entries (150 files, each twice), pretty-printed, "files" before "gcc_version"', async () => {
    const gcov = JSON.parse(fx('gcov.json')) as { files: GcovFile[] }
    const doc = {
      files: Array.from({ length: 300 }, (_, i) => ({
        ...gcov.files[i % gcov.files.length],
        file: `f${i % 150}.c`
      })),
      gcc_version: '12'
    }
    const text = JSON.stringify(doc, null, 2)
    expect(text.length).toBeGreaterThan(10 * 64 * 1024)
    // (detection reads the head, which does not name the format here: it is given)
    expect(await totals(text, 'gcov-json')).toMatchObject({
      'coverage.lines_found': 1650,
      'coverage.lines_hit': 1500,
      'coverage.functions_found': 450,
      'coverage.functions_hit': 300
    })
  })

  it('gcovr JSON: 400 entries (170 files), "files" before "gcovr/format_version"', async () => {
    const gcovr = JSON.parse(fx('gcovr.json')) as { files: GcovFile[] }
    const doc = {
      files: Array.from({ length: 400 }, (_, i) => ({
        ...gcovr.files[i % gcovr.files.length],
        file: `g${i % 170}.c`
      })),
      'gcovr/format_version': '0.6'
    }
    expect(await totals(JSON.stringify(doc), 'gcovr-json')).toMatchObject({
      'coverage.lines_found': 1870,
      'coverage.lines_hit': 1700,
      'coverage.branches_found': 3200,
      'coverage.branches_hit': 2800,
      'coverage.functions_found': 510,
      'coverage.functions_hit': 340
    })
  })

  it('SimpleCov: 5 result sets of 200 files, pretty-printed', async () => {
    const sc = JSON.parse(fx('simplecov.resultset.json')) as Record<
      string,
      { coverage: Record<string, unknown> }
    >
    const sets = Object.values(sc)
    const doc: Record<string, unknown> = {}
    for (let s = 0; s < 5; s++) {
      const src = sets[s % 2].coverage
      const coverage: Record<string, unknown> = {}
      for (let f = 0; f < 200; f++)
        coverage[`lib/f${f}.rb`] = Object.values(src)[f % Object.keys(src).length]
      doc[`set${s}`] = { coverage, timestamp: 1 }
    }
    expect(await totals(JSON.stringify(doc, null, 2), 'simplecov')).toMatchObject({
      'coverage.lines_found': 2800,
      'coverage.lines_hit': 2400,
      'coverage.branches_found': 1200,
      'coverage.branches_hit': 1000
    })
  })

  it('Coveralls: 500 entries (200 files), pretty-printed', async () => {
    const doc = {
      service_name: 'x',
      source_files: Array.from({ length: 500 }, (_, i) => ({
        name: `s${i % 200}.js`,
        coverage: Array.from({ length: 60 }, (_, l) => (l % 7 === 0 ? null : (l * i) % 3)),
        branches: [3, 0, 0, i % 2, 3, 0, 1, 0]
      }))
    }
    expect(await totals(JSON.stringify(doc, null, 1))).toMatchObject({
      'coverage.lines_found': 10200,
      'coverage.lines_hit': 6800,
      'coverage.branches_found': 400,
      'coverage.branches_hit': 100
    })
  })

  it('the fixtures give the totals the tools printed (real-tools-more.test.ts checks the same)', async () => {
    expect(await totals(fx('gcovr.json'))).toMatchObject({
      'coverage.lines_found': 11,
      'coverage.lines_hit': 10,
      'coverage.branches_found': 8,
      'coverage.branches_hit': 7,
      'coverage.functions_found': 3,
      'coverage.functions_hit': 2
    })
    expect(await totals(fx('gcov.json'))).toMatchObject({
      'coverage.lines_found': 11,
      'coverage.lines_hit': 10,
      'coverage.functions_found': 3
    })
    expect(await totals(fx('simplecov.resultset.json'), 'simplecov')).toMatchObject({
      'coverage.lines_found': 14,
      'coverage.lines_hit': 12,
      'coverage.branches_found': 6,
      'coverage.branches_hit': 5
    })
  })

  it('a line far beyond the others, and lines listed twice, count as before', async () => {
    const doc = {
      'gcovr/format_version': '0.6',
      files: [
        {
          file: 'a.c',
          lines: [
            { line_number: 5, count: 1 },
            { line_number: 1e7, count: 0 },
            { line_number: 5, count: 2 },
            { line_number: 3, count: '4' }
          ],
          functions: [
            { name: 'f', start_line: 1, execution_count: 0 },
            { name: 'f', start_line: 9, execution_count: 1 }
          ]
        }
      ]
    }
    expect(await totals(JSON.stringify(doc))).toMatchObject({
      'coverage.lines_found': 3,
      'coverage.lines_hit': 2,
      'coverage.functions_found': 1,
      'coverage.functions_hit': 1
    })
  })
})

describe('function keys, whichever comes first', () => {
  const file = {
    file: 'a.c',
    lines: [{ line_number: 1, count: 1 }],
    functions: [
      { name: 'f', start_line: 1, execution_count: 0 },
      { name: 'f', start_line: 9, execution_count: 1 }
    ]
  }
  it('gcov keys functions by start line and name, gcovr by name', async () => {
    for (const gcovFirst of [true, false]) {
      const gcov = gcovFirst
        ? `{"gcc_version":"12","files":[${JSON.stringify(file)}]}`
        : `{"files":[${JSON.stringify(file)}],"gcc_version":"12"}`
      expect(await totals(gcov, 'gcov-json')).toMatchObject({
        'coverage.functions_found': 2,
        'coverage.functions_hit': 1
      })
      const gcovr = gcovFirst
        ? `{"gcovr/format_version":"0.6","files":[${JSON.stringify(file)}]}`
        : `{"files":[${JSON.stringify(file)}],"gcovr/format_version":"0.6"}`
      expect(await totals(gcovr, 'gcovr-json')).toMatchObject({
        'coverage.functions_found': 1,
        'coverage.functions_hit': 1
      })
    }
  })
})

describe('__proto__ keys', () => {
  it('are file names and result set names like any other, and pollute nothing', async () => {
    const sc = '{"__proto__":{"coverage":{"__proto__":[1,0,null],"constructor":{"lines":[1]}}}}'
    expect(await totals(sc, 'simplecov')).toMatchObject({
      'coverage.lines_found': 3,
      'coverage.lines_hit': 2
    })
    const gcovr = `{"gcovr/format_version":"0.6","__proto__":{"polluted":1},"files":[${JSON.stringify({ file: '__proto__', lines: [{ line_number: 1, count: 1 }], functions: [{ name: '__proto__', execution_count: 1 }] })}]}`
    expect(await totals(gcovr)).toMatchObject({
      'coverage.lines_found': 1,
      'coverage.functions_found': 1
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('lines')
  })
})

describe('errors', () => {
  it('a document that is not the format says so before an entry does', async () => {
    const e = await error('{"files":[{"lines":[]}]}', 'gcovr-json')
    expect(e.problem).toBe('unsupported')
    expect(e.message).toMatch(/names neither "gcovr\/format_version" nor "gcc_version"/)
    // and a document that is not JSON says so before either
    const bad = await error('{"files":[{"lines":[]}], x}', 'gcovr-json')
    expect(bad.message).toMatch(/is not valid JSON/)
  })

  it('an entry that breaks the format names the entry, as before', async () => {
    const e = await error('{"gcovr/format_version":"0.6","files":[{"file":"a.c"},{"lines":[]}]}')
    expect(e.message).toMatch(/: files\[1\] has no "file" name\.$/)
    const s = await error('{"RSpec":{"coverage":{"a.rb":{"lines":[1]},"b.rb":{}}}}', 'simplecov')
    expect(s.message).toMatch(/RSpec\.coverage\["b\.rb"\] has no "lines" array\.$/)
  })

  it('bad JSON names its line', async () => {
    const text =
      '{\n"gcovr/format_version": "0.6",\n"files": [\n{"file": "a.c"},\n{"file": "b.c",, }\n]\n}'
    const e = await error(text)
    expect(e.problem).toBe('malformed')
    expect(e.line).toBe(5)
    expect(e.message).toMatch(/: is not valid JSON \(line 5\): .*\(in files\[1\]\)$/)
  })

  it('a key given twice on the way to the entries is refused, not read one way or the other', async () => {
    for (const [text, format] of [
      ['{"gcovr/format_version":"0.6","files":[{"file":"a.c"}],"files":[]}', 'gcovr-json'],
      ['{"source_files":[],"source_files":[{"name":"a.js","coverage":[1]}]}', 'coveralls'],
      ['{"RSpec":{"coverage":{"a.rb":[1],"a.rb":[0]}}}', 'simplecov'],
      ['{"RSpec":{"coverage":{"a.rb":[1]}},"RSpec":{"coverage":{}}}', 'simplecov']
    ]) {
      const e = await error(text, format)
      expect(e.problem).toBe('malformed')
      expect(e.message).toMatch(/: is ambiguous \(line 1\): .* appears twice/)
    }
  })

  it('one entry over the per-entry cap is too large, named; the document around it is not capped', async () => {
    const file = 'big-entry.json'
    const fd = openSync(path.join(root, file), 'w')
    writeSync(fd, '{"gcovr/format_version":"0.6","files":[{"file":"a.c"},{"file":"b.c","pad":"')
    const block = Buffer.alloc(1024 * 1024, 'a')
    for (let i = 0; i <= DEFAULT_MAX_JSON_BYTES / block.length; i++) writeSync(fd, block)
    writeSync(fd, '"}]}')
    closeSync(fd)
    const c = await collectEvidence([{ name: 'coverage', paths: [file] }], { root })
    rmSync(path.join(root, file))
    expect(c.errors.map((e) => [e.problem, e.message])).toEqual([
      [
        'too-large',
        `${file}: files[1] is too large to read: over the ${DEFAULT_MAX_JSON_BYTES}-byte limit for one of the entries of "files".`
      ]
    ])
  }, 120_000)

  it('a document over the old 64 MiB JSON cap reads, one entry at a time', async () => {
    const file = 'big-doc.json'
    const fd = openSync(path.join(root, file), 'w')
    writeSync(fd, '{"service_name":"x","source_files":[')
    const pad = 'p'.repeat(1024 * 1024)
    const entries = Math.ceil(DEFAULT_MAX_JSON_BYTES / pad.length) + 2
    for (let i = 0; i < entries; i++)
      writeSync(fd, `${i ? ',' : ''}{"name":"f${i}.js","source":"${pad}","coverage":[1,0,null]}`)
    writeSync(fd, ']}')
    closeSync(fd)
    const c = await collectEvidence([{ name: 'coverage', paths: [file] }], { root })
    rmSync(path.join(root, file))
    expect(c.errors.map((e) => e.message)).toEqual([])
    expect(c.metrics.get('coverage.lines_found')).toBe(2 * entries)
    expect(c.metrics.get('coverage.lines_hit')).toBe(entries)
  }, 120_000)
})
