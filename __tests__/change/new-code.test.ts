import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { run } from '../../actions/check-gates/main.js'
import { main } from '../../cli/main.js'
import { formatAnnotation } from '../../shared/annotations.js'
import { createGitHubClient } from '../../shared/github/index.js'
import type { FlowReport } from '../../shared/report/types.js'
import { FakeIO } from '../diagram/fake-io.js'
import { expectValidReport } from '../gates/helpers.js'

/**
 * Acceptance for new-code coverage (issue 14): a real git repository with a base commit and a
 * head commit changing 3 files, and coverage from a real c8 run on the head. The same run is
 * read as lcov and Cobertura (both written by c8), Istanbul coverage-final.json (c8's json
 * reporter) and JaCoCo XML (converted below from c8's coverage-final.json, since no JavaScript
 * tool writes JaCoCo), through the CLI (`flow gates --base`) and through check-gates on a
 * pull_request event with the PR's files served by nock. Every path must give the same numbers.
 */

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')
const C8 = path.join(repoRoot, 'node_modules', 'c8', 'bin', 'c8.js')
const API = 'https://api.github.com'

const BASE_FILES: Record<string, string> = {
  'package.json': '{ "type": "module" }\n',
  'src/math.js': [
    'export function add(a, b) {',
    '  return a + b',
    '}',
    '',
    'export function sub(a, b) {',
    '  return a - b',
    '}',
    ''
  ].join('\n'),
  'src/text.js': ['export function upper(s) {', '  return s.toUpperCase()', '}', ''].join('\n'),
  'test/run.js': [
    "import { add } from '../src/math.js'",
    "if (add(1, 2) !== 3) throw new Error('add')",
    ''
  ].join('\n'),
  'README.md': '# demo\n'
}

// The head commit changes 3 files: math.js gains clamp() (lines 8-17), text.js gains lower()
// (lines 4-8, never called), and the test script changes its import and calls clamp twice.
const HEAD_FILES: Record<string, string> = {
  'src/math.js': [
    'export function add(a, b) {',
    '  return a + b',
    '}',
    '',
    'export function sub(a, b) {',
    '  return a - b',
    '}',
    '',
    'export function clamp(x, lo, hi) {',
    '  if (x < lo) {',
    '    return lo',
    '  }',
    '  if (x > hi) {',
    '    return hi',
    '  }',
    '  return x',
    '}',
    ''
  ].join('\n'),
  'src/text.js': [
    'export function upper(s) {',
    '  return s.toUpperCase()',
    '}',
    '',
    'export function lower(s) {',
    '  const out = s.toLowerCase()',
    '  return out',
    '}',
    ''
  ].join('\n'),
  'test/run.js': [
    "import { add, clamp } from '../src/math.js'",
    "if (add(1, 2) !== 3) throw new Error('add')",
    "if (clamp(5, 0, 3) !== 3) throw new Error('clamp')",
    "if (clamp(1, 0, 3) !== 1) throw new Error('clamp')",
    ''
  ].join('\n')
}

/*
 * The hand count. V8 coverage (c8) counts every line of a function that was compiled as
 * executable, blank lines included, so:
 *   src/math.js, changed lines 8-17 (10 lines): clamp(5,0,3) and clamp(1,0,3) run every line
 *     except 11 ("return lo") and 12 (its "}"): 8 covered.
 *   src/text.js, changed lines 4-8 (5 lines): lower() never runs: 0 covered.
 *   test/run.js: c8 excludes test/** from coverage, so it has no executable lines.
 * 8 covered of 15 executable changed lines: 53.33 %. Branches on changed lines (c8 puts them on
 * lines 9, 10 and 13 of math.js): the ones at 9 and 13 were taken, the one at 10 was not: 2 of 3.
 */
const NEW_TOTAL = 15
const NEW_COVERED = 8
const NEW_LINES = (NEW_COVERED / NEW_TOTAL) * 100
const NEW_BRANCHES = (2 / 3) * 100
const UNCOVERED = [
  { file: 'src/math.js', ranges: '11-12' },
  { file: 'src/text.js', ranges: '4-8' }
]

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd }
  })
}

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    writeFileSync(path.join(root, rel), text)
  }
}

/** JaCoCo XML from Istanbul's coverage-final.json: one <sourcefile> per file, package = folder. */
function jacocoFromIstanbul(final: Record<string, IstanbulFile>, root: string): string {
  const packages = new Map<string, string[]>()
  for (const f of Object.values(final)) {
    const rel = path.relative(root, f.path).split(path.sep).join('/')
    const pkg = path.posix.dirname(rel)
    const name = path.posix.basename(rel)
    const lines = new Map<number, number>()
    for (const [id, hits] of Object.entries(f.s)) {
      const line = f.statementMap[id].start.line
      lines.set(line, Math.max(lines.get(line) ?? 0, hits))
    }
    const branches = new Map<number, [number, number]>()
    for (const [id, counts] of Object.entries(f.b)) {
      const line = f.branchMap[id].line ?? f.branchMap[id].loc.start.line
      const [mb, cb] = branches.get(line) ?? [0, 0]
      branches.set(line, [
        mb + counts.filter((c) => c === 0).length,
        cb + counts.filter((c) => c > 0).length
      ])
    }
    const lineXml = [...lines]
      .sort(([a], [b]) => a - b)
      .map(([nr, hits]) => {
        const [mb, cb] = branches.get(nr) ?? [0, 0]
        return `<line nr="${nr}" mi="${hits > 0 ? 0 : 1}" ci="${hits > 0 ? 1 : 0}" mb="${mb}" cb="${cb}"/>`
      })
    const lh = [...lines.values()].filter((h) => h > 0).length
    let bm = 0
    let bc = 0
    for (const [mb, cb] of branches.values()) {
      bm += mb
      bc += cb
    }
    const fns = Object.values(f.f)
    const fh = fns.filter((c) => c > 0).length
    const xml =
      `<sourcefile name="${name}">${lineXml.join('')}` +
      `<counter type="LINE" missed="${lines.size - lh}" covered="${lh}"/><counter type="BRANCH" missed="${bm}" covered="${bc}"/>` +
      `<counter type="METHOD" missed="${fns.length - fh}" covered="${fh}"/></sourcefile>`
    packages.set(pkg, [...(packages.get(pkg) ?? []), xml])
  }
  const body = [...packages]
    .map(([pkg, files]) => `<package name="${pkg}">${files.join('')}</package>`)
    .join('')
  // The DOCTYPE JaCoCo itself writes, which is how readers recognise the format.
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">\n<report name="converted from c8">${body}</report>\n`
}

interface IstanbulFile {
  path: string
  statementMap: Record<string, { start: { line: number } }>
  s: Record<string, number>
  branchMap: Record<string, { line?: number; loc: { start: { line: number } } }>
  b: Record<string, number[]>
  f: Record<string, number>
}

function graph(coverage: string, format?: string): string {
  return [
    'version: 1',
    'stages: [dev]',
    'evidence:',
    format ? `  coverage: { paths: [${coverage}], format: ${format} }` : `  coverage: ${coverage}`,
    'nodes:',
    '  - id: new-code',
    '    kind: gate',
    '    requires:',
    '      - id: patch',
    '        metric: coverage.new_lines >= 90',
    '      - id: size',
    '        metric: changes.lines < 300',
    ''
  ].join('\n')
}

let root: string
let base: string
let head: string

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'new-code-'))
  git(root, 'init', '-q', '-b', 'main')
  git(root, 'config', 'user.email', 'dev@example.com')
  git(root, 'config', 'user.name', 'Dev')
  write(root, BASE_FILES)
  git(root, 'add', '-A')
  git(root, 'commit', '-q', '-m', 'base')
  base = git(root, 'rev-parse', 'HEAD').trim()
  write(root, HEAD_FILES)
  git(root, 'add', '-A')
  git(root, 'commit', '-q', '-m', 'head')
  head = git(root, 'rev-parse', 'HEAD').trim()
  // c8 writes lcov, Cobertura and Istanbul's coverage-final.json from one run of the test script.
  execFileSync(
    process.execPath,
    [
      C8,
      '--all',
      '--include',
      'src/**',
      '--reporter=lcovonly',
      '--reporter=cobertura',
      '--reporter=json',
      process.execPath,
      'test/run.js'
    ],
    {
      cwd: root,
      encoding: 'utf8'
    }
  )
  const final = JSON.parse(
    readFileSync(path.join(root, 'coverage', 'coverage-final.json'), 'utf8')
  ) as Record<string, IstanbulFile>
  writeFileSync(path.join(root, 'coverage', 'jacoco.xml'), jacocoFromIstanbul(final, root))
}, 60_000)

async function flowGates(
  graphText: string,
  extra: string[] = ['--base', 'HEAD~1']
): Promise<{ code: number; out: string; report: FlowReport }> {
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
      '--report',
      'flow-report.json',
      ...extra
    ],
    {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      now: () => new Date('2026-12-01T12:00:00Z')
    }
  )
  const report = JSON.parse(readFileSync(path.join(root, 'flow-report.json'), 'utf8')) as FlowReport
  expectValidReport(report)
  return { code, out: out.join('\n'), report }
}

describe('flow gates --base: new-code coverage from a real c8 run', () => {
  it('the c8 lcov has the lines the hand count assumes', () => {
    const lcov = readFileSync(path.join(root, 'coverage', 'lcov.info'), 'utf8')
    const math = lcov.slice(lcov.indexOf('SF:src/math.js'))
    for (let l = 8; l <= 17; l++)
      expect(math).toMatch(new RegExp(`^DA:${l},${l === 11 || l === 12 ? '0' : '[1-9]'}`, 'm'))
    const text = lcov.slice(lcov.indexOf('SF:src/text.js'))
    for (let l = 4; l <= 8; l++) expect(text).toMatch(new RegExp(`^DA:${l},0$`, 'm'))
  })

  it('lcov: coverage.new_lines equals the hand count, lists the uncovered lines per file, and fails >= 90', async () => {
    const { code, out, report } = await flowGates(graph('coverage/lcov.info'))
    expect(code).toBe(1)
    expect(report.metrics?.['coverage.new_lines_total']).toBe(NEW_TOTAL)
    expect(report.metrics?.['coverage.new_lines_hit']).toBe(NEW_COVERED)
    expect(report.metrics?.['coverage.new_lines']).toBeCloseTo(NEW_LINES, 10)
    expect(report.metrics?.['coverage.new_branches']).toBeCloseTo(NEW_BRANCHES, 10)
    const patch = report.gates?.[0].requirements.find((r) => r.id === 'patch')
    expect(patch?.status).toBe('failed')
    expect(report.gates?.[0].requirements.find((r) => r.id === 'size')?.status).toBe('passed')
    expect(out).toContain('Changed lines not covered:')
    for (const u of UNCOVERED) expect(out).toContain(`  ${u.file}: ${u.ranges}`)
    expect(
      report.findings
        ?.filter((f) => f.source === 'uncovered-line')
        .map((f) => [f.file, f.line, f.endLine])
    ).toEqual([
      ['src/math.js', 11, 12],
      ['src/text.js', 4, 8]
    ])
    // The change size of the same diff: 3 files, +18 −1 (test/run.js's import line was modified).
    expect(report.metrics).toMatchObject({
      'changes.files': 3,
      'changes.lines_added': 18,
      'changes.lines_deleted': 1,
      'changes.lines': 19,
      'changes.tests_touched': 1
    })
  })

  it('the summary has the per-file table of changed lines not covered', async () => {
    writeFileSync(path.join(root, 'graph.yaml'), graph('coverage/lcov.info'))
    const out: string[] = []
    await main(
      [
        'gates',
        '--root',
        root,
        '--graph',
        'graph.yaml',
        '--stage',
        'dev',
        '--base',
        base,
        '--head',
        head,
        '--summary',
        'summary.md'
      ],
      { out: (l) => out.push(l), err: (l) => out.push(l) }
    )
    const summary = readFileSync(path.join(root, 'summary.md'), 'utf8')
    expect(summary).toContain('### New code not covered')
    // One change's size and new-code coverage are never proposed as the project's baseline.
    expect(summary).not.toContain('Baseline candidates')
    expect(summary).toContain('New code: 53.33% of 15 changed executable line(s) covered')
    expect(summary).toContain('| <code>src/math.js</code> | <code>11-12</code> | 2 |')
    expect(summary).toContain('| <code>src/text.js</code> | <code>4-8</code> | 5 |')
  })

  it.each([
    ['Cobertura (c8 --reporter=cobertura)', 'coverage/cobertura-coverage.xml', undefined],
    [
      'Istanbul coverage-final.json (c8 --reporter=json)',
      'coverage/coverage-final.json',
      undefined
    ],
    [
      'JaCoCo XML (converted from c8 coverage-final.json by this test)',
      'coverage/jacoco.xml',
      undefined
    ]
  ])('%s gives the same coverage.new_lines', async (_name, file, format) => {
    const { code, report } = await flowGates(graph(file, format))
    expect(code).toBe(1)
    expect(report.metrics?.['coverage.new_lines_total']).toBe(NEW_TOTAL)
    expect(report.metrics?.['coverage.new_lines']).toBeCloseTo(NEW_LINES, 10)
    expect(report.metrics?.['coverage.new_branches']).toBeCloseTo(NEW_BRANCHES, 10)
    expect(
      report.findings
        ?.filter((f) => f.source === 'uncovered-line')
        .map((f) => `${f.file}:${f.line}-${f.endLine}`)
    ).toEqual(['src/math.js:11-12', 'src/text.js:4-8'])
  })

  it('without --base the change metrics are missing and say how to get them', async () => {
    const { code, report } = await flowGates(graph('coverage/lcov.info'), [])
    expect(code).toBe(1)
    const patch = report.gates?.[0].requirements.find((r) => r.id === 'patch')
    expect(patch?.status).toBe('missing-evidence')
    expect(patch?.message).toMatch(/no change to measure.*--base <ref>/)
  })

  it('a --base that is not a commit is a configuration error naming it', async () => {
    writeFileSync(path.join(root, 'graph.yaml'), graph('coverage/lcov.info'))
    const err: string[] = []
    const code = await main(
      [
        'gates',
        '--root',
        root,
        '--graph',
        'graph.yaml',
        '--stage',
        'dev',
        '--base=--upload-pack=evil'
      ],
      { out: () => undefined, err: (l) => err.push(l) }
    )
    expect(code).toBe(2)
    expect(err.join('\n')).toMatch(/--base "--upload-pack=evil" is not a commit/)
  })
})

function prRun(token: string) {
  writeFileSync(path.join(root, 'graph.yaml'), graph('coverage/lcov.info'))
  const temp = mkdtempSync(path.join(tmpdir(), 'runner-'))
  const eventPath = path.join(temp, 'event.json')
  writeFileSync(
    eventPath,
    JSON.stringify({
      pull_request: {
        number: 5,
        changed_files: 3,
        user: { login: 'dev' },
        head: { sha: head, repo: { full_name: 'o/r' } },
        base: { sha: base, repo: { full_name: 'o/r' } }
      }
    })
  )
  const io = new FakeIO(
    { stage: 'dev', graph: 'graph.yaml', 'upload-report': 'false', 'policy-source': 'head', token },
    {
      GITHUB_WORKSPACE: root,
      RUNNER_TEMP: temp,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '1'
    }
  )
  const deps = {
    io,
    now: () => new Date('2026-12-01T12:00:00Z'),
    github: async (t: string) =>
      createGitHubClient({ token: t, baseUrl: API, sleep: async () => undefined })
  }
  return { io, deps }
}

describe('check-gates on a pull_request event: the same numbers from the PR files served by nock', () => {
  beforeAll(() => nock.disableNetConnect())
  afterAll(() => {
    nock.enableNetConnect()
    nock.restore()
  })

  it('reads the patches from the files API and reports the same new-code coverage', async () => {
    // The files API's entries, with the patches git writes for this change (3 lines of context, as GitHub shows).
    const files = ['src/math.js', 'src/text.js', 'test/run.js'].map((filename) => {
      const patch = git(root, 'diff', '--no-color', `${base}...${head}`, '--', filename)
      const hunks = patch.slice(patch.indexOf('@@'))
      const additions = hunks.split('\n').filter((l) => l.startsWith('+')).length
      const deletions = hunks.split('\n').filter((l) => l.startsWith('-')).length
      return {
        filename,
        status: 'modified',
        additions,
        deletions,
        changes: additions + deletions,
        patch: hunks.replace(/\n$/, '')
      }
    })
    const scope = nock(API).get('/repos/o/r/pulls/5/files').query(true).reply(200, files)
    writeFileSync(path.join(root, 'graph.yaml'), graph('coverage/lcov.info'))
    const temp = mkdtempSync(path.join(tmpdir(), 'runner-'))
    const eventPath = path.join(temp, 'event.json')
    writeFileSync(
      eventPath,
      JSON.stringify({
        pull_request: {
          number: 5,
          changed_files: 3,
          user: { login: 'dev' },
          head: { sha: head, repo: { full_name: 'o/r' } },
          base: { sha: base, repo: { full_name: 'o/r' } }
        }
      })
    )
    const io = new FakeIO(
      {
        stage: 'dev',
        graph: 'graph.yaml',
        'upload-report': 'false',
        // The workspace's own graph (the base commit's policy is tested in policy-source.test.ts).
        'policy-source': 'head',
        token: 'ghs_TESTtokenTESTtokenTESTtoken1234567'
      },
      {
        GITHUB_WORKSPACE: root,
        RUNNER_TEMP: temp,
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_RUN_ID: '1'
      }
    )
    await run({
      io,
      now: () => new Date('2026-12-01T12:00:00Z'),
      github: async (token) =>
        createGitHubClient({ token, baseUrl: API, sleep: async () => undefined })
    })
    expect(scope.isDone()).toBe(true)
    expect(io.outputs.passed).toBe('false')
    const report = JSON.parse(readFileSync(io.outputs.report, 'utf8')) as FlowReport
    expectValidReport(report)
    expect(report.metrics?.['coverage.new_lines_total']).toBe(NEW_TOTAL)
    expect(report.metrics?.['coverage.new_lines']).toBeCloseTo(NEW_LINES, 10)
    expect(report.metrics?.['coverage.new_branches']).toBeCloseTo(NEW_BRANCHES, 10)
    expect(report.metrics).toMatchObject({ 'changes.files': 3, 'changes.lines': 19 })
    expect(report.gates?.[0].requirements.find((r) => r.id === 'patch')?.status).toBe('failed')
    expect(io.summary).toContain('| <code>src/math.js</code> | <code>11-12</code> | 2 |')
    expect(io.summary).toContain('| <code>src/text.js</code> | <code>4-8</code> | 5 |')
    // The annotations point at the uncovered ranges.
    const at = io.annotations
      .filter((a) => a.title === 'Changed lines not covered')
      .map((a) => `${a.file}:${a.line}`)
    expect(at).toEqual(['src/math.js:11', 'src/text.js:4'])
    // GitHub marks the whole range: ::warning file=src/text.js,line=4,endLine=8::
    const text = io.annotations.find((a) => a.file === 'src/text.js')
    expect(text && formatAnnotation(text)).toMatch(
      /^::warning title=Changed lines not covered,file=src\/text\.js,line=4,endLine=8::/
    )
  })

  it.each([
    ['no token is given', ''],
    ['the files API refuses (403)', 'ghs_TESTtokenTESTtokenTESTtoken1234567']
  ])('reads the same change from git when %s', async (_why, token) => {
    const scope = nock(API)
      .get('/repos/o/r/pulls/5/files')
      .query(true)
      .reply(403, { message: 'Resource not accessible by integration' })
    const { io, deps } = prRun(token)
    await run(deps)
    expect(io.outputs.passed).toBe('false')
    expect(scope.isDone()).toBe(token !== '')
    nock.cleanAll()
    const report = JSON.parse(readFileSync(io.outputs.report, 'utf8')) as FlowReport
    expect(report.metrics?.['coverage.new_lines_total']).toBe(NEW_TOTAL)
    expect(report.metrics?.['coverage.new_lines']).toBeCloseTo(NEW_LINES, 10)
    expect(report.metrics).toMatchObject({ 'changes.files': 3, 'changes.lines': 19 })
    if (token)
      expect(io.log.join('\n')).toMatch(
        /Read the pull request's change from git, because the files of pull request #5 could not be listed/
      )
  })
})
