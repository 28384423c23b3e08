import { describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { validateGraphFile } from '../../shared/graph/index.js'
import { ERROR_CASES, fixtures, SOUND, workspaceWith } from './fixtures.js'

const codes = (root: string) =>
  validateGraphFile(root, '.process/graph.yaml').findings.map((f) => f.code)

describe('validateGraphFile', () => {
  it('accepts a sound graph with every kind', () => {
    const r = validateGraphFile(workspaceWith(SOUND), '.process/graph.yaml')
    expect(r.findings).toEqual([])
    expect(r.valid).toBe(true)
  })

  it('validates the seed template as-is, warning that target in G-verify is undefined', () => {
    const root = path.join(fixtures, 'seed-template')
    const r = validateGraphFile(root, '.process/graph.yaml')
    expect(r.errors).toBe(0)
    expect(r.valid).toBe(true)
    const target = r.findings.find(
      (f) => f.code === 'undefined-name' && f.node === 'G-verify' && f.message.includes('"target"')
    )
    expect(target).toBeDefined()
    expect(target?.severity).toBe('warning')
    expect(target?.line).toBeGreaterThan(1)
  })

  it('reports each MaintAInPro problem with its node id and line', () => {
    const root = path.join(fixtures, 'seed-maintainpro')
    const r = validateGraphFile(root, '.process/graph.yaml')
    expect(r.valid).toBe(false)
    const missing = r.findings.find((f) => f.code === 'missing-target' && f.node === 'recalibrate')
    expect(missing?.message).toContain('"requirements"')
    expect(missing?.line).toBeGreaterThan(100)
    expect(r.findings.filter((f) => f.code === 'gate-no-pass').length).toBeGreaterThan(3)
    expect(r.findings.some((f) => f.code === 'path-with-spaces' && f.severity === 'warning')).toBe(
      true
    )
    expect(r.findings.some((f) => f.code === 'vague-criteria')).toBe(true)
    for (const f of r.findings) {
      expect(f.line).toBeGreaterThan(0)
      expect(f.message).not.toMatch(/at .*\.(js|ts):\d+/)
    }
  })

  const cases = ERROR_CASES
  it.each(cases)('reports a %s as an error with a location', (_name, yaml, code) => {
    const root = workspaceWith(yaml, { 'README.md': '# hi\n' })
    const r = validateGraphFile(root, '.process/graph.yaml')
    const f = r.findings.find((x) => x.code === code)
    expect(f).toBeDefined()
    expect(f?.severity).toBe('error')
    expect(f?.file).toBe('.process/graph.yaml')
    expect(f?.line).toBeGreaterThanOrEqual(1)
    expect(f?.col).toBeGreaterThanOrEqual(1)
    expect(r.valid).toBe(false)
  })

  it('points the unknown-metric finding at the requirement line and suggests a name', () => {
    const r = validateGraphFile(workspaceWith(cases[12][1]), '.process/graph.yaml')
    const f = r.findings.find((x) => x.code === 'unknown-metric')
    expect(f?.line).toBe(5)
    expect(f?.message).toContain('tests.pass_rate')
  })

  it('warns when a percentage threshold looks like a proportion', () => {
    const yaml = SOUND.replace('tests.pass_rate >= 99', 'tests.pass_rate >= 0.99')
    const r = validateGraphFile(workspaceWith(yaml), '.process/graph.yaml')
    expect(r.findings.find((f) => f.code === 'unit')?.severity).toBe('warning')
    expect(r.valid).toBe(true)
  })

  it('a loop through a gate is legal', () => {
    expect(codes(workspaceWith(SOUND))).not.toContain('trap-cycle')
  })

  it('resolves vars from files and reports a missing key', () => {
    const yaml = SOUND.replace(
      'vars:\n  risk: low\n',
      'vars:\n  risk: low\n  target: {file: requirements/nfr.yml, key: perf.p95}\n'
    )
    const ok = validateGraphFile(
      workspaceWith(yaml, { 'requirements/nfr.yml': 'perf:\n  p95: 200\n' }),
      '.process/graph.yaml'
    )
    expect(ok.valid).toBe(true)
    const bad = validateGraphFile(
      workspaceWith(yaml, { 'requirements/nfr.yml': 'perf:\n  p99: 200\n' }),
      '.process/graph.yaml'
    )
    expect(bad.findings.find((f) => f.code === 'values')?.message).toContain('perf.p95')
  })
})

describe('hostile graph YAML is rejected quickly with a clear message', () => {
  const hostile: Array<[string, string, RegExp]> = [
    [
      'an alias bomb',
      'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nnodes: *g\n',
      /alias/i
    ],
    [
      '10,000-deep nesting',
      `nodes: ${'['.repeat(10000)}${']'.repeat(10000)}\n`,
      /nest|deep|depth|exceed|flow/i
    ],
    [
      'duplicate keys',
      'nodes:\n  - id: a\n    kind: activity\n    kind: gate\n',
      /unique|duplicate/i
    ],
    [
      'a __proto__ key',
      'nodes:\n  - id: a\n    kind: activity\n    __proto__:\n      polluted: true\n',
      /__proto__/
    ],
    [
      'a !!js/function tag',
      'nodes:\n  - id: a\n    kind: !!js/function "function(){}"\n',
      /tag|resolve/i
    ],
    ['multiple documents', 'nodes: []\n---\nnodes: []\n', /more than one YAML document/]
  ]
  it.each(hostile)('rejects %s', (_name, yaml, message) => {
    // What is asserted is the refusal; how fast the loader refuses is measured by npm run bench (graph).
    const r = validateGraphFile(workspaceWith(yaml), '.process/graph.yaml')
    expect(r.valid).toBe(false)
    const f = r.findings[0]
    expect(f.severity).toBe('error')
    expect(f.message).toMatch(message)
    expect(f.message).not.toMatch(/\n\s+at /)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('refuses a graph path outside the workspace', () => {
    const r = validateGraphFile(workspaceWith(SOUND), '../../etc/passwd')
    expect(r.valid).toBe(false)
    expect(r.findings[0].message).toMatch(/outside the workspace/)
  })
})

describe('decision exhaustiveness', () => {
  it('accepts branches that cover every case without an else', async () => {
    const { branchesAreExhaustive } = await import('../../shared/graph/exhaustive.js')
    expect(
      branchesAreExhaustive(['lift >= min and burn_rate <= max', 'burn_rate > max', 'lift < min'])
    ).toBe(true)
    expect(branchesAreExhaustive(['x > 1', 'x <= 1'])).toBe(true)
    expect(branchesAreExhaustive(['ready', '!ready'])).toBe(true)
    expect(branchesAreExhaustive(['x > 1', 'x < 1'])).toBe(false)
    expect(branchesAreExhaustive(['lift >= min and burn_rate <= max', 'burn_rate > max'])).toBe(
      false
    )
  })
})

describe('artifacts needed only for some stages', () => {
  it('warns instead of failing when a stage-limited artifact does not exist yet', () => {
    const yaml =
      'nodes:\n  - id: g\n    kind: gate\n    requires:\n      - artifact: plans/rollout.md\n        only: [production]\n    pass: done\n    fail: g\n  - id: done\n    kind: activity\n'
    const r = validateGraphFile(workspaceWith(yaml), '.process/graph.yaml')
    const f = r.findings.find((x) => x.code === 'artifact-missing')
    expect(f?.severity).toBe('warning')
    expect(f?.message).toContain('needed for production')
    expect(r.valid).toBe(true)
  })
})
