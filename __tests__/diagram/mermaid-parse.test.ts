import { describe, it, expect, beforeAll } from '@jest/globals'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  graphEdges,
  mermaidIds,
  renderMarkdown,
  renderMermaid
} from '../../shared/diagram/mermaid.js'
import type { GateStatus } from '../../shared/report/types.js'
import {
  allKindsGraph,
  fixtures,
  graphFromYamlFixture,
  makeGraph,
  makeReport,
  mermaidParse,
  mermaidParseFiles,
  repoRoot,
  type ParseResult
} from './helpers.js'

const compat = path.resolve(repoRoot, '..', 'shared', 'compat')

const HOSTILE = [
  'say "hello"',
  'a | b || c',
  'close ] bracket ]]',
  'arrow --> x -.-> y ==> z',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'back `tick` ```fence```',
  'line one\nline two\r\nline three',
  '%% not a comment',
  '%%{init: {"theme": "dark"}}%%',
  'emoji 🚀 ✅ 👩‍👩‍👧',
  'end',
  'subgraph',
  'style',
  'class x y',
  'click x call alert()',
  '#quot; #35; &amp; &lt;',
  '{curly} (round) [square] ((double))',
  'semi; colon: comma,',
  'A---oB x--x o--o',
  '\\"backslash\\"',
  '@{ shape: rect }',
  '"]; n_x["injected'
]

function hostileGraph() {
  const nodes = HOSTILE.map((label, i) => ({
    id: label,
    kind: (['activity', 'decision', 'gate', 'calibrate'] as const)[i % 4],
    next: HOSTILE[(i + 1) % HOSTILE.length]
  }))
  // hostile decision conditions and a hostile missing target
  nodes.push({
    id: 'choose',
    kind: 'decision',
    next: undefined as unknown as string,
    ...({
      branches: HOSTILE.map((when, i) => ({ when, node: HOSTILE[i] })).concat([
        { when: 'else', node: 'ghost "] --> x' }
      ])
    } as object)
  })
  return makeGraph(nodes)
}

const STATUSES: GateStatus[] = ['passed', 'failed', 'waived', 'warned', 'error', 'not-evaluated']

const cases: Array<{ name: string; text: string }> = []
let results = new Map<string, ParseResult>()

function add(name: string, text: string) {
  cases.push({ name, text })
}

beforeAll(() => {
  const seedTemplate = graphFromYamlFixture(path.join(fixtures, 'seed-template.graph.yaml'))
  const seedMaintain = graphFromYamlFixture(path.join(fixtures, 'seed-maintainpro.graph.yaml'))
  add('seed-template', renderMermaid(seedTemplate))
  add(
    'seed-template LR titled',
    renderMermaid(seedTemplate, undefined, { title: 'Seed "template" --- <x>', direction: 'LR' })
  )
  add(
    'seed-template coloured',
    renderMermaid(
      seedTemplate,
      makeReport([
        ['G-design', 'passed'],
        ['G-verify', 'failed']
      ])
    )
  )
  add('seed-maintainpro', renderMermaid(seedMaintain))
  add('all kinds', renderMermaid(allKindsGraph()))
  add('hostile', renderMermaid(hostileGraph()))
  add(
    'hostile coloured',
    renderMermaid(
      hostileGraph(),
      makeReport(HOSTILE.map((id, i) => [id, STATUSES[i % STATUSES.length]]))
    )
  )
  add('hostile title', renderMermaid(allKindsGraph(), undefined, { title: HOSTILE.join(' ') }))
  for (const status of STATUSES) {
    add(
      `all kinds, gates ${status}`,
      renderMermaid(
        allKindsGraph(),
        makeReport([
          ['G-design', status],
          ['G-verify', status]
        ])
      )
    )
  }
  add('all kinds, gates absent from the report', renderMermaid(allKindsGraph(), makeReport([])))
  add('single node', renderMermaid(makeGraph([{ id: 'only', kind: 'gate' }])))
  add('empty graph', renderMermaid(makeGraph([])))
  results = new Map(mermaidParse(cases).map((r) => [r.input, r]))
})

describe('every diagram the renderer produces parses with the real mermaid package', () => {
  it.each([
    'seed-template',
    'seed-template LR titled',
    'seed-template coloured',
    'seed-maintainpro',
    'all kinds',
    'hostile',
    'hostile coloured',
    'hostile title',
    ...STATUSES.map((s) => `all kinds, gates ${s}`),
    'all kinds, gates absent from the report',
    'single node',
    'empty graph'
  ])('%s', (name) => {
    const result = results.get(name)
    expect(result).toBeDefined()
    expect(result?.error).toBeUndefined()
    expect(result).toMatchObject({ ok: true, type: 'flowchart-v2' })
  })

  it('keeps hostile labels as text: no injected node, edge or class, labels shown as written', () => {
    const graph = hostileGraph()
    const parsed = results.get('hostile') as ParseResult
    const ids = mermaidIds([...graph.nodes.map((n) => n.id), 'ghost "] --> x'])
    const shown = (text: string) =>
      text
        .replace(/\r\n?/g, '\n')
        .split('\n')
        .map((l) => l.trim())
        .join('\n')
    // The legend's entries, and the legend subgraph itself (an edge end, so mermaid lists it too).
    const graphNodes = (parsed.nodes ?? []).filter((n) => !n.id.startsWith('legend'))
    expect(graphNodes).toHaveLength(HOSTILE.length + 2)
    for (const node of graph.nodes) {
      const drawn = graphNodes.find((n) => n.id === ids.get(node.id))
      expect(drawn?.label).toBe(shown(node.id))
      expect(drawn?.classes).toEqual([node.kind])
    }
    expect(graphNodes.find((n) => n.id === ids.get('ghost "] --> x'))).toMatchObject({
      label: 'ghost "] --> x (missing)',
      classes: ['missing']
    })
    const edges = graphEdges(graph)
    // The legend's entries are chained (invisible links) so they lay out in one row.
    const legendEdges = (parsed.edges ?? []).filter((e) => e.from.startsWith('legend_'))
    // ...and the legend sits above the entry node (one invisible link from the subgraph).
    expect((parsed.edges ?? []).filter((e) => e.from === 'legend')).toEqual([
      { from: 'legend', to: ids.get(graph.nodes[0].id), label: '' }
    ])
    const legendIds = (parsed.nodes ?? [])
      .filter((n) => n.id.startsWith('legend_'))
      .map((n) => n.id)
    expect(legendEdges).toEqual(
      legendIds.slice(1).map((to, i) => ({ from: legendIds[i], to, label: '' }))
    )
    const processEdges = (parsed.edges ?? []).filter((e) => !e.from.startsWith('legend'))
    expect(processEdges).toHaveLength(edges.length)
    expect(processEdges).toEqual(
      edges.map((e) => ({
        from: ids.get(e.from),
        to: ids.get(e.to),
        label: e.label === undefined ? '' : shown(e.label)
      }))
    )
    expect(parsed.subgraphs?.map((g) => g.id)).toEqual(['legend'])
  })

  it('draws shapes per kind and colours gates by status as mermaid understands them', () => {
    const parsed = results.get('seed-template coloured') as ParseResult
    const byId = new Map((parsed.nodes ?? []).map((n) => [n.id, n]))
    expect(byId.get('n_N_vision')).toMatchObject({
      label: 'N-vision',
      shape: 'square',
      classes: ['activity']
    })
    expect(byId.get('n_D_arch')).toMatchObject({
      label: 'D-arch',
      shape: 'diamond',
      classes: ['decision']
    })
    expect(byId.get('n_G_design')).toMatchObject({
      label: 'G-design\npassed',
      shape: 'hexagon',
      classes: ['passed']
    })
    expect(byId.get('n_G_verify')).toMatchObject({
      label: 'G-verify\nfailed',
      shape: 'hexagon',
      classes: ['failed']
    })
    const kinds = results.get('all kinds') as ParseResult
    expect(kinds.nodes?.find((n) => n.id === 'n_recalibrate')).toMatchObject({
      shape: 'stadium',
      classes: ['calibrate']
    })
    expect(kinds.edges).toContainEqual({
      from: 'n_choose',
      to: 'n_G_design',
      label: 'risk <= medium and nfr_covered'
    })
    expect(kinds.edges).toContainEqual({ from: 'n_G_design', to: 'n_choose', label: 'fail' })
    for (const status of STATUSES) {
      const coloured = results.get(`all kinds, gates ${status}`) as ParseResult
      const cls =
        status === 'not-evaluated' ? 'notEvaluated' : status === 'error' ? 'errored' : status
      expect(coloured.nodes?.find((n) => n.id === 'n_G_design')?.classes).toEqual([cls])
      expect(coloured.nodes?.find((n) => n.id === `legend_${cls}`)?.classes).toEqual([cls])
    }
  })

  it('draws the maintainpro phantom target as a missing node', () => {
    const parsed = results.get('seed-maintainpro') as ParseResult
    expect(parsed.nodes?.find((n) => n.id === 'n_requirements')).toMatchObject({
      label: 'requirements (missing)',
      classes: ['missing']
    })
    expect(parsed.edges).toContainEqual({ from: 'n_recalibrate', to: 'n_requirements', label: '' })
  })

  it('parses the seed template from ../shared/compat when it is present', () => {
    const file = path.join(compat, 'seed-template', '.process', 'graph.yaml')
    if (!existsSync(file)) return
    const [result] = mermaidParse([
      { name: 'compat', text: renderMermaid(graphFromYamlFixture(file)) }
    ])
    expect(result.ok).toBe(true)
  })
})

describe('the parse script', () => {
  it('rejects what mermaid rejects, so a passing parse means something', () => {
    const bad = mermaidParse([
      { name: 'pipe inside a pipe label', text: 'flowchart TD\n  a -->|x|y| b' },
      { name: 'end as an id', text: 'flowchart TD\n  a --> end' },
      { name: 'empty label', text: 'flowchart TD\n  a[""]' },
      { name: 'not a diagram', text: 'hello world' }
    ])
    for (const r of bad) {
      expect(r.ok).toBe(false)
      expect(typeof r.error).toBe('string')
    }
  })

  it('parses xychart-beta charts too', () => {
    const [chart] = mermaidParse([
      {
        name: 'xy',
        text: 'xychart-beta\n  title "Canary error rate"\n  x-axis [s1, s2, s3]\n  y-axis "errors %" 0 --> 5\n  line [0.1, 0.4, 0.2]\n'
      }
    ])
    expect(chart).toMatchObject({ ok: true, type: 'xychart' })
  })

  it('reads .mmd and .md files given as arguments and exits non-zero when one fails', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mermaid-parse-'))
    const mmd = path.join(dir, 'graph.mmd')
    const md = path.join(dir, 'graph.md')
    const broken = path.join(dir, 'broken.mmd')
    writeFileSync(mmd, renderMermaid(allKindsGraph()))
    writeFileSync(
      md,
      renderMarkdown(allKindsGraph(), makeReport([['G-design', 'failed']]), { title: 'T' })
    )
    writeFileSync(broken, 'flowchart TD\n  a -->|x|y| b\n')
    const good = mermaidParseFiles([mmd, md])
    expect(good.status).toBe(0)
    expect(good.results.map((r) => r.ok)).toEqual([true, true])
    const mixed = mermaidParseFiles([mmd, broken])
    expect(mixed.status).toBe(1)
    expect(mixed.results.map((r) => r.ok)).toEqual([true, false])
  })
})
