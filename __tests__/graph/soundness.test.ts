import { describe, expect, it } from '@jest/globals'
import { main } from '../../cli/main.js'
import { validateGraphFile } from '../../shared/graph/index.js'
import { workspaceWith } from './fixtures.js'

const validate = (yaml: string) => validateGraphFile(workspaceWith(yaml), '.process/graph.yaml')

/** A gate whose pass and fail both lead back into the loop: it looks like a way out, and is not. */
const CLOSED_GATE_LOOP = `nodes:
  - id: build
    kind: activity
    next: G1
  - id: G1
    kind: gate
    requires:
      - metric: tests.failed == 0
    pass: build
    fail: build
`

/** The field test's loop: start → build → G1 → D → {build | start}, with no node that ends it. */
const CLOSED_DECISION_LOOP = `nodes:
  - id: start
    kind: activity
    next: build
  - id: build
    kind: activity
    next: G1
  - id: G1
    kind: gate
    requires:
      - metric: tests.failed == 0
    pass: D
    fail: build
  - id: D
    kind: decision
    next:
      - when: tests.total > 10
        node: build
      - when: else
        node: start
`

describe('graph soundness: loops with no way to an end', () => {
  it("reports a gate whose pass and fail both stay in the loop, at the loop's first node", () => {
    const r = validate(CLOSED_GATE_LOOP)
    const f = r.findings.find((x) => x.code === 'no-exit')
    expect(f).toBeDefined()
    expect(f?.message).toContain('"build" → "G1"')
    expect(f?.message).toContain('every pass, fail and branch stays inside it')
    expect(f?.message).toContain('loop: true')
    expect(f?.line).toBe(2)
  })

  it('reports a closed loop through a gate and a decision', () => {
    const f = validate(CLOSED_DECISION_LOOP).findings.find((x) => x.code === 'no-exit')
    expect(f?.message).toMatch(/"start" → "build" → "G1" → "D"/)
  })

  it('reports a loop whose only way out leads into another closed loop, and that loop too', () => {
    const yaml = `nodes:
  - id: a
    kind: activity
    next: G
  - id: G
    kind: gate
    requires:
      - metric: tests.failed == 0
    pass: b
    fail: a
  - id: b
    kind: activity
    next: c
  - id: c
    kind: activity
    next: b
`
    const r = validate(yaml)
    expect(r.findings.find((x) => x.code === 'no-exit')?.message).toContain(
      'every way out leads into another loop without an end'
    )
    expect(r.findings.find((x) => x.code === 'trap-cycle')?.message).toContain('"b" → "c"')
  })

  it('accepts a loop with a way to a node without a successor', () => {
    const yaml =
      CLOSED_GATE_LOOP.replace('pass: build', 'pass: done') + '  - id: done\n    kind: activity\n'
    expect(validate(yaml).findings.map((f) => f.code)).not.toContain('no-exit')
  })

  it('accepts a loop with a way to a node marked end: true, though that node has a successor', () => {
    const yaml =
      CLOSED_GATE_LOOP.replace('pass: build', 'pass: handoff') +
      '  - id: handoff\n    kind: activity\n    end: true\n    next: build\n'
    expect(validate(yaml).findings).toEqual([])
  })

  it('accepts a loop that runs forever by design when one node says loop: true', () => {
    const yaml = CLOSED_GATE_LOOP.replace('    next: G1\n', '    next: G1\n    loop: true\n')
    const r = validate(yaml)
    expect(r.findings).toEqual([])
    expect(r.valid).toBe(true)
  })

  it('refuses loop: "yes" (the schema wants a boolean)', () => {
    const r = validate(
      CLOSED_GATE_LOOP.replace('    next: G1\n', '    next: G1\n    loop: "yes"\n')
    )
    expect(r.findings.find((f) => f.code === 'schema')?.line).toBe(5)
  })
})

describe('graph soundness: stages', () => {
  const onlyProd = `stages: [dev, production]
nodes:
  - id: G
    kind: gate
    requires:
      - metric: tests.failed == 0
        only: [prod]
    pass: done
    fail: G
  - id: done
    kind: activity
`
  it('errors on only: naming a stage the graph does not declare, at the only: line, with a suggestion', () => {
    const r = validate(onlyProd)
    const f = r.findings.find((x) => x.code === 'undeclared-stage')
    expect(f?.severity).toBe('error')
    expect(f?.line).toBe(7)
    expect(f?.message).toContain('"prod"')
    expect(f?.message).toContain('did you mean "production"?')
    expect(r.valid).toBe(false)
  })

  it('errors on by_stage and optional naming an undeclared stage', () => {
    const yaml = onlyProd
      .replace('        only: [prod]\n', '        by_stage: { staging: tests.failed == 0 }\n')
      .replace('    pass: done\n', '    optional: [qa]\n    pass: done\n')
    const found = validate(yaml).findings.filter((x) => x.code === 'undeclared-stage')
    expect(found.map((f) => [f.line, f.message.match(/stage "(\w+)"/)?.[1]])).toEqual([
      [7, 'staging'],
      [8, 'qa']
    ])
  })

  it('errors on optional: outside a gate', () => {
    const yaml = onlyProd.replace(
      '  - id: done\n    kind: activity\n',
      '  - id: done\n    kind: activity\n    optional: true\n'
    )
    const f = validate(yaml).findings.find((x) => x.code === 'activity-shape')
    expect(f?.message).toContain('optional belongs to gates')
    expect(f?.line).toBe(12)
  })

  it('errors on an empty stages: list, at its line', () => {
    const r = validate(`version: 1\nstages: []\n${onlyProd.split('\n').slice(1).join('\n')}`)
    const f = r.findings.find((x) => x.code === 'empty-stages')
    expect(f?.line).toBe(2)
    expect(f?.message).toContain('stages: is an empty list')
    expect(r.findings.find((x) => x.code === 'undeclared-stage')?.message).toContain(
      '(stages: none)'
    )
  })

  it('keeps the default stages when stages: is absent', () => {
    const yaml = onlyProd
      .replace('stages: [dev, production]\n', '')
      .replace('[prod]', '[production]')
    expect(validate(yaml).findings).toEqual([])
  })
})

describe('flow validate --strict', () => {
  it('reports the closed gate loop and the undeclared stage, each at its line, and exits 1', async () => {
    const yaml = `stages: [dev, production]\n${CLOSED_GATE_LOOP.replace('      - metric: tests.failed == 0\n', '      - metric: tests.failed == 0\n        only: [prod]\n')}`
    const root = workspaceWith(yaml)
    const lines: string[] = []
    const code = await main(['validate', '--root', root, '--strict'], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l)
    })
    expect(code).toBe(1)
    const text = lines.join('\n')
    expect(text).toMatch(
      /\.process\/graph\.yaml:3:\d+: .*no end of the process can be reached.*\[no-exit\]/
    )
    expect(text).toMatch(
      /\.process\/graph\.yaml:10:\d+: .*"prod", which the graph does not declare.*\[undeclared-stage\]/
    )
  })
})

describe('a long loop is named by its first nodes, not all of them', () => {
  it('a 50-node loop with no end lists 12 names and the count', () => {
    const nodes = Array.from({ length: 50 }, (_, i) =>
      i % 10 === 9
        ? `  - id: n${i}\n    kind: gate\n    requires:\n      - metric: tests.failed == 0\n    pass: n${(i + 1) % 50}\n    fail: n${i - 1}\n`
        : `  - id: n${i}\n    kind: activity\n    next: n${(i + 1) % 50}\n`
    )
    const r = validate(`nodes:\n${nodes.join('')}`)
    const f = r.findings.find((x) => x.code === 'no-exit')
    expect(f?.message).toContain('"n0" → "n1"')
    expect(f?.message).toContain('(50 nodes in all)')
    expect(f?.message).not.toContain('"n20"')
  })
})
