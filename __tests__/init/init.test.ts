import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { initCommand } from '../../cli/init.js'
import type { CommandContext } from '../../cli/main.js'
import { validateCommand } from '../../cli/validate.js'
import { evaluateGates } from '../../shared/gates/index.js'
import { validateGraphFile } from '../../shared/graph/index.js'
import { RECALIBRATE_STARTER, VERIFY_STARTER } from '../../shared/init/templates/workflows.js'

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')
const NOW = new Date('2026-04-01T09:00:00Z')

function emptyGitRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'flow-init-'))
  execFileSync('git', ['init', '-q', dir])
  return dir
}

function ctx(root: string, flags: Record<string, string> = {}) {
  const out: string[] = []
  const c: CommandContext = { root, flags, positionals: [], now: () => NOW, out: (l) => out.push(l), err: (l) => out.push(`ERR ${l}`) }
  return { c, out }
}

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === '.git') continue
      const full = path.join(d, name)
      if (statSync(full).isDirectory()) walk(full)
      else files[path.relative(dir, full)] = `${statSync(full).mtimeMs}:${readFileSync(full, 'utf8')}`
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
    expect(out.join('\n')).toContain('Next: run `flow validate`, then `flow gates --stage dev`')

    // flow validate: valid, no errors, no warnings.
    const v = ctx(root)
    expect(validateCommand(v.c)).toBe(0)
    expect(v.out.at(-1)).toBe('✓ .process/graph.yaml is valid (0 error(s), 0 warning(s))')
    const result = validateGraphFile(root, '.process/graph.yaml')
    expect(result.findings).toEqual([])
    const graphText = readFileSync(path.join(root, '.process/graph.yaml'), 'utf8')
    for (const kind of ['activity', 'decision', 'gate', 'calibrate']) expect(graphText).toContain(`kind: ${kind}`)

    // flow gates --stage dev: the design gate passes on the first ADR; verify fails for missing evidence.
    const dev = await evaluateGates({ root, graphPath: '.process/graph.yaml', stage: 'dev', now: NOW })
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
    writeFileSync(path.join(root, 'reports/junit.xml'), '<testsuites><testsuite name="s" tests="2"><testcase classname="s" name="a"/><testcase classname="s" name="b"/></testsuite></testsuites>\n')
    mkdirSync(path.join(root, 'coverage'))
    writeFileSync(path.join(root, 'coverage/lcov.info'), 'TN:\nSF:src/a.js\nDA:1,1\nDA:2,1\nDA:3,0\nLF:3\nLH:2\nend_of_record\n')
    const passing = await evaluateGates({ root, graphPath: '.process/graph.yaml', stage: 'dev', now: NOW })
    expect(passing.report.gates!.map((g) => [g.id, g.status])).toEqual([
      ['G-design', 'passed'],
      ['G-verify', 'passed']
    ])
    expect(passing.report.verdict).toBe('passed')
    // The same evidence is not enough for production: 66.7% coverage is under 80.
    const prod = await evaluateGates({ root, graphPath: '.process/graph.yaml', stage: 'production', now: NOW })
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
    expect(readFileSync(path.join(root, '.process/graph.yaml'), 'utf8')).toContain('kind: calibrate')
    expect(forced.out.join('\n')).toMatch(/overwritten\s+\.process\/graph\.yaml/)
  })

  it('writes the starters from workflows/ unchanged', () => {
    expect(VERIFY_STARTER).toBe(readFileSync(path.join(repoRoot, 'workflows/verify.yml'), 'utf8'))
    expect(RECALIBRATE_STARTER).toBe(readFileSync(path.join(repoRoot, 'workflows/recalibrate.yml'), 'utf8'))
    const root = emptyGitRepo()
    initCommand(ctx(root).c)
    expect(readFileSync(path.join(root, '.github/workflows/flow-verify.yml'), 'utf8')).toBe(VERIFY_STARTER)
  })

  it('a template copied as-is does not pass the design gate', async () => {
    const root = emptyGitRepo()
    initCommand(ctx(root).c)
    writeFileSync(path.join(root, 'docs/adr/ADR-0001-process-as-code.md'), readFileSync(path.join(root, 'docs/templates/ADR_TEMPLATE.md'), 'utf8'))
    const r = await evaluateGates({ root, graphPath: '.process/graph.yaml', stage: 'dev', now: NOW, gates: ['G-design'] })
    expect(r.report.gates![0].status).toBe('failed')
  })
})
