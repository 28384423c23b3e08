import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import type { Branch, GraphNode, NodeKind, ProcessGraph } from '../../shared/graph/model.js'
import type { FlowReport, GateStatus } from '../../shared/report/types.js'

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')
export const fixtures = path.join(repoRoot, '__tests__', 'fixtures', 'diagram')
const parseScript = path.join(repoRoot, 'scripts', 'mermaid-parse.mjs')

export interface ParseResult {
  input: string
  ok: boolean
  type?: string
  error?: string
  /** Flowcharts: what mermaid understood, labels decoded as rendered. */
  nodes?: Array<{ id: string; label: string; shape: string; classes: string[] }>
  edges?: Array<{ from: string; to: string; label: string }>
  subgraphs?: Array<{ id: string; label: string; nodes: string[] }>
}

/** Parses mermaid texts with the real mermaid package (scripts/mermaid-parse.mjs in a child Node). */
export function mermaidParse(texts: Array<{ name: string; text: string }>): ParseResult[] {
  const child = spawnSync(process.execPath, [parseScript], {
    input: JSON.stringify(texts),
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024
  })
  if (child.error) throw child.error
  const last = child.stdout.trim().split('\n').pop() ?? ''
  let results: ParseResult[]
  try {
    results = JSON.parse(last) as ParseResult[]
  } catch {
    throw new Error(
      `mermaid-parse printed no JSON (exit ${child.status}): ${child.stdout}\n${child.stderr}`
    )
  }
  if (results.length !== texts.length)
    throw new Error(`expected ${texts.length} results, got ${results.length}`)
  return results
}

/** Parses the files given as arguments (the script's other mode). */
export function mermaidParseFiles(files: string[]): {
  status: number | null
  results: ParseResult[]
} {
  const child = spawnSync(process.execPath, [parseScript, ...files], {
    encoding: 'utf8',
    timeout: 120_000
  })
  if (child.error) throw child.error
  return {
    status: child.status,
    results: JSON.parse(child.stdout.trim().split('\n').pop() ?? '[]') as ParseResult[]
  }
}

export interface NodeSpec {
  id: string
  kind: NodeKind
  next?: string
  branches?: Array<{ when: string; node: string }>
  pass?: string
  fail?: string
  description?: string
}

/** A ProcessGraph built directly, as the loader would produce it. */
export function makeGraph(specs: NodeSpec[], file = '.process/graph.yaml'): ProcessGraph {
  const nodes: GraphNode[] = specs.map((s) => {
    const node: GraphNode = { id: s.id, kind: s.kind, fieldPos: {} }
    if (s.description !== undefined) node.description = s.description
    if (s.next !== undefined) node.next = s.next
    if (s.branches) {
      node.branches = s.branches.map((b): Branch => ({
        when: b.when,
        node: b.node,
        isElse: b.when.trim() === 'else'
      }))
    }
    if (s.pass !== undefined) node.pass = s.pass
    if (s.fail !== undefined) node.fail = s.fail
    return node
  })
  const byId = new Map<string, GraphNode>()
  for (const n of nodes) if (!byId.has(n.id)) byId.set(n.id, n)
  return {
    file,
    nodes,
    byId,
    entry: nodes[0]?.id,
    vars: new Map(),
    imports: new Map(),
    evidence: [],
    stages: []
  }
}

/** The seed dialects' transitions, read from a fixture with the yaml package (test scaffolding only). */
export function graphFromYamlFixture(file: string): ProcessGraph {
  const doc = parse(readFileSync(file, 'utf8')) as { nodes: Array<Record<string, unknown>> }
  return makeGraph(
    doc.nodes.map((raw) => {
      const spec: NodeSpec = { id: String(raw.id), kind: raw.kind as NodeKind }
      if (typeof raw.next === 'string') spec.next = raw.next
      if (Array.isArray(raw.next)) {
        spec.branches = (raw.next as Array<{ when: unknown; node: unknown }>).map((b) => ({
          when: String(b.when),
          node: String(b.node)
        }))
      }
      if (typeof raw.pass === 'string') spec.pass = raw.pass
      if (typeof raw.fail === 'string') spec.fail = raw.fail
      return spec
    }),
    path.basename(file)
  )
}

export function makeReport(gates: Array<[string, GateStatus]>): FlowReport {
  return {
    version: 1,
    kind: 'gates',
    run: { time: '2025-01-01T00:00:00Z', tool: { name: 'flow-actions', version: '1.0.0' } },
    verdict: gates.some(([, s]) => s === 'failed' || s === 'error') ? 'failed' : 'passed',
    gates: gates.map(([id, status]) => ({ id, status, requirements: [] }))
  }
}

/** A graph with every kind, a decision with an else branch and a gate with pass and fail. */
export function allKindsGraph(): ProcessGraph {
  return makeGraph([
    { id: 'plan', kind: 'activity', next: 'choose' },
    {
      id: 'choose',
      kind: 'decision',
      branches: [
        { when: 'risk <= medium and nfr_covered', node: 'G-design' },
        { when: 'else', node: 'threat-model' }
      ]
    },
    { id: 'threat-model', kind: 'activity', next: 'choose' },
    { id: 'G-design', kind: 'gate', pass: 'build', fail: 'choose' },
    { id: 'build', kind: 'activity', next: 'G-verify' },
    { id: 'G-verify', kind: 'gate', pass: 'recalibrate', fail: 'build' },
    { id: 'recalibrate', kind: 'calibrate', next: 'plan' }
  ])
}
