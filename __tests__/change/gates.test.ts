import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { main } from '../../cli/main.js'
import type { FlowReport } from '../../shared/report/types.js'

/** Change size, path mapping and changed mutants through `flow gates --base` on real git repositories. */

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd }
  })
}

function lines(n: number, prefix = 'line'): string {
  return Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n'
}

function put(root: string, files: Record<string, string | null>): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(root, rel)
    if (text === null) rmSync(abs)
    else {
      mkdirSync(path.dirname(abs), { recursive: true })
      writeFileSync(abs, text)
    }
  }
}

function repo(baseFiles: Record<string, string>, headFiles: Record<string, string | null>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'change-gates-'))
  git(root, 'init', '-q', '-b', 'main')
  git(root, 'config', 'user.email', 'dev@example.com')
  git(root, 'config', 'user.name', 'Dev')
  put(root, baseFiles)
  git(root, 'add', '-A')
  git(root, 'commit', '-q', '-m', 'base')
  put(root, headFiles)
  git(root, 'add', '-A')
  git(root, 'commit', '-q', '-m', 'head')
  return root
}

function graph(requires: string[], evidence: string[] = []): string {
  return [
    'version: 1',
    'stages: [dev]',
    ...(evidence.length > 0 ? ['evidence:', ...evidence.map((e) => `  ${e}`)] : []),
    'nodes:',
    '  - id: change',
    '    kind: gate',
    '    requires:',
    ...requires.map((r, i) => `      - id: r${i + 1}\n        metric: ${r}`),
    ''
  ].join('\n')
}

async function gates(
  root: string,
  graphText: string
): Promise<{ code: number; report: FlowReport; out: string }> {
  writeFileSync(path.join(root, 'graph.yaml'), graphText)
  const out: string[] = []
  const code = await main(
    [
      'gates',
      '--root',
      root,
      '--graph',
      'graph.yaml',
      '--stage',
      'dev',
      '--base',
      'HEAD~1',
      '--json'
    ],
    { out: (l) => out.push(l), err: (l) => out.push(l) }
  )
  return { code, report: JSON.parse(out.join('\n')) as FlowReport, out: out.join('\n') }
}

describe('change size: changes.lines < 300', () => {
  it('fails a 400-line change', async () => {
    const root = repo({ 'src/a.ts': lines(10) }, { 'src/a.ts': lines(10) + lines(400, 'more') })
    const { code, report } = await gates(root, graph(['changes.lines < 300']))
    expect(code).toBe(1)
    expect(report.metrics).toMatchObject({
      'changes.lines': 400,
      'changes.lines_added': 400,
      'changes.lines_deleted': 0,
      'changes.files': 1
    })
    expect(report.gates?.[0].requirements[0]).toMatchObject({
      status: 'failed',
      actual: { 'changes.lines': 400 }
    })
  })

  it('passes a 20-line change', async () => {
    const root = repo(
      { 'src/a.ts': lines(50) },
      { 'src/a.ts': lines(50).replace(lines(10), lines(10, 'edited')) }
    )
    const { code, report } = await gates(root, graph(['changes.lines < 300']))
    expect(code).toBe(0)
    // 10 lines modified: 10 added and 10 deleted.
    expect(report.metrics).toMatchObject({
      'changes.lines': 20,
      'changes.lines_added': 10,
      'changes.lines_deleted': 10
    })
  })

  it('counts a deletion-only change', async () => {
    const root = repo(
      { 'src/a.ts': lines(200), 'src/b.ts': lines(150) },
      { 'src/a.ts': lines(20), 'src/b.ts': null }
    )
    const { code, report } = await gates(
      root,
      graph(['changes.lines < 300', 'changes.lines_added == 0', 'changes.tests_touched == 0'])
    )
    expect(report.metrics).toMatchObject({
      'changes.lines': 330,
      'changes.lines_deleted': 330,
      'changes.lines_added': 0,
      'changes.files': 2
    })
    expect(code).toBe(1)
    expect(report.gates?.[0].requirements.map((r) => r.status)).toEqual([
      'failed',
      'passed',
      'passed'
    ])
  })

  it('"a change to src/ touches a test": changes.tests_touched', async () => {
    const root = repo(
      { 'src/a.ts': lines(5), 'src/a.test.ts': lines(5) },
      { 'src/a.ts': lines(6), 'src/a.test.ts': lines(7) }
    )
    const { report } = await gates(root, graph(['changes.tests_touched > 0']))
    expect(report.metrics?.['changes.tests_touched']).toBe(1)
    expect(report.gates?.[0].requirements[0].status).toBe('passed')
  })
})

describe('path mapping between the coverage report and the repository', () => {
  // An lcov file written in a container where the repository was at /build/app.
  const lcov = [
    'SF:/build/app/src/a.js',
    'DA:1,1',
    'DA:2,1',
    'DA:3,0',
    'DA:4,0',
    'end_of_record',
    ''
  ].join('\n')

  it('strips a foreign prefix on its own when the rest names a changed file', async () => {
    const root = repo({ 'src/a.js': 'a\nb\n' }, { 'src/a.js': 'a\nb\nc\nd\n' })
    put(root, { 'coverage/lcov.info': lcov })
    const { report } = await gates(
      root,
      graph(['coverage.new_lines >= 50'], ['coverage: coverage/lcov.info'])
    )
    expect(report.metrics).toMatchObject({ 'coverage.new_lines_total': 2, 'coverage.new_lines': 0 })
    expect(report.findings?.map((f) => `${f.file}:${f.line}-${f.endLine}`)).toEqual([
      'src/a.js:3-4'
    ])
  })

  it('applies path-map, and without it names the report files no repository file matches', async () => {
    // The report names "app/a.js" (relative to a source root), the repository has lib/a.js.
    const root = repo({ 'lib/a.js': 'a\nb\n' }, { 'lib/a.js': 'a\nb\nc\nd\n' })
    put(root, { 'coverage/lcov.info': lcov.replace('/build/app/src/a.js', 'pkg/a.js') })
    const unmapped = await gates(
      root,
      graph(['coverage.new_lines >= 50'], ['coverage: coverage/lcov.info'])
    )
    const r = unmapped.report.gates?.[0].requirements[0]
    expect(r?.status).toBe('missing-evidence')
    expect(r?.message).toMatch(
      /none of its 1 source file\(s\) is a file of this repository \("pkg\/a\.js"\).*lib\/a\.js.*path-map/
    )
    const mapped = await gates(
      root,
      graph(
        ['coverage.new_lines >= 50'],
        ['coverage: { paths: [coverage/lcov.info], path-map: { "pkg/": "lib/" } }']
      )
    )
    expect(mapped.report.metrics).toMatchObject({
      'coverage.new_lines_total': 2,
      'coverage.new_lines': 0
    })
    expect(mapped.report.findings?.map((f) => f.file)).toEqual(['lib/a.js'])
  })

  it('does not complain when the change touches no file the report could cover', async () => {
    const root = repo({ 'README.md': 'a\n', 'lib/a.js': 'x\n' }, { 'README.md': 'b\n' })
    put(root, { 'coverage/lcov.info': lcov.replace('/build/app/src/a.js', 'pkg/a.js') })
    const { report } = await gates(
      root,
      graph(['coverage.lines >= 0'], ['coverage: coverage/lcov.info'])
    )
    expect(report.evidence?.problems).toEqual([])
    expect(report.metrics?.['coverage.new_lines_total']).toBe(0)
  })
})

describe('changed mutants in gates: mutation.changed_score', () => {
  it('scores only the mutants on changed lines, with the mutation-gate computation', async () => {
    const root = repo(
      { 'src/a.js': lines(10) },
      { 'src/a.js': lines(10).replace('line 5\n', 'line five\n') + 'line 11\n' }
    )
    const mutant = (id: string, line: number, status: string) => ({
      id,
      mutatorName: 'X',
      location: { start: { line, column: 1 }, end: { line, column: 2 } },
      status
    })
    const report = {
      schemaVersion: '2',
      thresholds: { high: 80, low: 60 },
      files: {
        'src/a.js': {
          language: 'javascript',
          source: lines(11),
          // Lines 5 and 11 changed: one killed and one survived there; the rest are old lines.
          mutants: [
            mutant('1', 5, 'Killed'),
            mutant('2', 11, 'Survived'),
            mutant('3', 2, 'Killed'),
            mutant('4', 3, 'Killed'),
            mutant('5', 4, 'Killed')
          ]
        }
      }
    }
    put(root, { 'reports/mutation.json': JSON.stringify(report) })
    const { code, report: flow } = await gates(
      root,
      graph(
        ['mutation.changed_score >= 80', 'mutation.score >= 80'],
        ['mutation: reports/mutation.json']
      )
    )
    expect(flow.metrics).toMatchObject({
      'mutation.changed_score': 50,
      'mutation.changed_total': 2,
      'mutation.score': 80
    })
    expect(flow.gates?.[0].requirements.map((r) => r.status)).toEqual(['failed', 'passed'])
    expect(code).toBe(1)
  })

  it("maps a mutation report's paths with the same path-map", async () => {
    const root = repo({ 'lib/a.js': lines(3) }, { 'lib/a.js': lines(3) + 'line 4\n' })
    const mutant = (id: string, line: number, status: string) => ({
      id,
      mutatorName: 'X',
      location: { start: { line, column: 1 }, end: { line, column: 2 } },
      status
    })
    const report = {
      schemaVersion: '2',
      thresholds: { high: 80, low: 60 },
      files: {
        'pkg/a.js': {
          language: 'javascript',
          source: lines(4),
          mutants: [mutant('1', 4, 'Killed'), mutant('2', 1, 'Survived')]
        }
      }
    }
    put(root, { 'reports/mutation.json': JSON.stringify(report) })
    const unmapped = await gates(
      root,
      graph(['mutation.changed_total >= 1'], ['mutation: reports/mutation.json'])
    )
    expect(unmapped.report.metrics?.['mutation.changed_total']).toBe(0)
    const mapped = await gates(
      root,
      graph(
        ['mutation.changed_score == 100'],
        ['mutation: { paths: [reports/mutation.json], path-map: { "pkg/": "lib/" } }']
      )
    )
    expect(mapped.report.metrics).toMatchObject({
      'mutation.changed_total': 1,
      'mutation.changed_score': 100
    })
  })
})
