import { ConfigurationError } from '../errors.js'
import { resolveInWorkspace, workspaceRelative } from '../safe-path.js'
import { loadYamlFile, type LoadedYaml, type Position } from '../yaml.js'
import type { GraphFinding } from './findings.js'
import {
  NODE_KINDS,
  type Branch,
  type EvidenceDeclaration,
  type GraphNode,
  type NodeKind,
  type ProcessGraph,
  type Requirement,
  type VarRef
} from './model.js'
import { schemaFindings } from './schema.js'

/** Graphs are larger than ordinary config: 100k nodes is a supported size. */
export const MAX_GRAPH_BYTES = 64 * 1024 * 1024

export interface LoadedGraph {
  graph: ProcessGraph
  /** Schema findings; the graph is normalised best-effort even when there are some. */
  findings: GraphFinding[]
  doc: LoadedYaml
}

type Raw = Record<string, unknown>

const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v)
const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/**
 * Loads graph.yaml (inside the workspace) and normalises it into the model. YAML that cannot be
 * parsed safely throws a ConfigurationError with file:line:col; schema violations are returned as
 * findings so validate-graph can report all of them at once.
 */
export function loadGraph(root: string, graphPath: string): LoadedGraph {
  const absolute = resolveInWorkspace(root, graphPath, 'graph file')
  const display = workspaceRelative(root, absolute)
  const doc = loadYamlFile(absolute, display, MAX_GRAPH_BYTES)
  if (!isObject(doc.value)) {
    throw new ConfigurationError(
      `${display}: expected a mapping with a "nodes" list at the top level.`,
      {
        file: display,
        line: 1,
        col: 1
      }
    )
  }
  const findings = schemaFindings(doc)
  return { graph: normalise(doc, display), findings, doc }
}

export function normalise(doc: LoadedYaml, file: string): ProcessGraph {
  const top = doc.value as Raw
  const nodes: GraphNode[] = []
  const rawNodes = Array.isArray(top.nodes) ? top.nodes : []
  rawNodes.forEach((raw, index) => {
    if (!isObject(raw) || typeof raw.id !== 'string') return
    const kind = (NODE_KINDS as readonly string[]).includes(raw.kind as string)
      ? (raw.kind as NodeKind)
      : 'activity'
    const node: GraphNode = lazy(
      {
        id: raw.id,
        kind,
        description: str(raw.description),
        produces: strings(raw.produces),
        consumes: strings(raw.consumes),
        schedule: str(raw.schedule),
        triggers: strings(raw.triggers),
        criteria: strings(raw.criteria),
        evidence: strings(raw.evidence)
      } as GraphNode,
      doc,
      ['nodes', index]
    )
    if (typeof raw.next === 'string') node.next = raw.next
    if (Array.isArray(raw.next)) {
      node.branches = raw.next.filter(isObject).map((b, bi): Branch => {
        const when = typeof b.when === 'string' ? b.when : String(b.when ?? '')
        return lazy(
          { when, node: String(b.node ?? ''), isElse: when.trim() === 'else' } as Branch,
          doc,
          ['nodes', index, 'next', bi, 'when']
        )
      })
    }
    node.pass = str(raw.pass)
    node.fail = str(raw.fail)
    if (raw.end === true) node.end = true
    if (raw.loop === true) node.loop = true
    if (raw.optional === true) node.optional = true
    else if (Array.isArray(raw.optional)) node.optional = strings(raw.optional)
    if (Array.isArray(raw.requires)) {
      node.requires = raw.requires
        .map((r, ri) => (isObject(r) ? normaliseRequirement(r, ri) : undefined))
        .map((r, ri) => (r ? lazy(r, doc, ['nodes', index, 'requires', ri]) : undefined))
        .filter((r): r is Requirement => r !== undefined)
    }
    nodes.push(node)
  })

  const byId = new Map<string, GraphNode>()
  for (const n of nodes) if (!byId.has(n.id)) byId.set(n.id, n)

  const vars = new Map<string, number | string | boolean | VarRef>()
  if (isObject(top.vars)) {
    for (const [k, v] of Object.entries(top.vars)) {
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') vars.set(k, v)
      else if (isObject(v) && typeof v.file === 'string' && typeof v.key === 'string')
        vars.set(k, { file: v.file, key: v.key })
    }
  }
  const imports = new Map<string, string>()
  if (isObject(top.imports))
    for (const [k, v] of Object.entries(top.imports)) if (typeof v === 'string') imports.set(k, v)

  const evidence: EvidenceDeclaration[] = []
  if (isObject(top.evidence)) {
    for (const [name, v] of Object.entries(top.evidence)) {
      const at = ['evidence', name]
      if (typeof v === 'string') evidence.push(lazy({ name, paths: [v] }, doc, at))
      else if (Array.isArray(v)) evidence.push(lazy({ name, paths: strings(v) ?? [] }, doc, at))
      else if (isObject(v)) {
        const paths = [...(typeof v.path === 'string' ? [v.path] : []), ...(strings(v.paths) ?? [])]
        const decl: EvidenceDeclaration = {
          name,
          paths,
          format: str(v.format),
          maxAgeHours: typeof v.max_age_hours === 'number' ? v.max_age_hours : undefined,
          denyLicenses: strings(v.deny_licenses),
          ...(v.retries !== undefined ? { retries: v.retries as 'count' | 'merge' } : {})
        }
        const pathMap = v['path-map'] ?? v.path_map
        if (isObject(pathMap))
          decl.pathMap = Object.entries(pathMap).map(([from, to]) => [
            from,
            typeof to === 'string' ? to : String(to)
          ])
        evidence.push(lazy(decl, doc, at))
      }
    }
  }

  return {
    file,
    version: typeof top.version === 'number' ? top.version : undefined,
    nodes,
    byId,
    entry: typeof top.start === 'string' ? top.start : nodes[0]?.id,
    vars,
    imports,
    evidence,
    stages: strings(top.stages) ?? ['dev', 'staging', 'production'],
    stagesDeclared: top.stages !== undefined,
    locate: (path, opts) => doc.locate(path, opts)
  }
}

/**
 * Positions are looked up only when a finding needs one: building them means a second, slower
 * parse, which a valid graph never pays for. A prototype getter keeps the per-object cost at one
 * hidden field, which matters at 100k nodes.
 */
const LOCATOR = Symbol('locator')
type Locator = { doc: LoadedYaml; path: Array<string | number> }
type Positioned = { [LOCATOR]: Locator }
const positionedProto = {
  get pos(): Position | undefined {
    const l = (this as unknown as Positioned)[LOCATOR]
    return l.doc.locate(l.path)
  },
  /** `node.fieldPos.next`: the position of one of a node's keys, looked up on access. */
  get fieldPos(): Record<string, Position | undefined> {
    const l = (this as unknown as Positioned)[LOCATOR]
    return new Proxy({} as Record<string, Position | undefined>, {
      get: (_target, key) =>
        typeof key === 'string' ? l.doc.locate([...l.path, key], { key: true }) : undefined
    })
  }
}
function lazy<T extends object>(target: T, doc: LoadedYaml, path: Array<string | number>): T {
  const obj = Object.create(positionedProto) as T & Positioned
  // A symbol key: invisible to JSON.stringify and Object.keys, cheaper than defineProperty.
  obj[LOCATOR] = { doc, path }
  return Object.assign(obj, target)
}

function normaliseRequirement(r: Raw, index: number): Requirement | undefined {
  const base = {
    severity: r.severity === 'warn' ? ('warn' as const) : ('fail' as const),
    stages: strings(r.only),
    description: str(r.description)
  }
  const id = (type: string) => (typeof r.id === 'string' ? r.id : `${type}-${index + 1}`)
  if (typeof r.artifact === 'string') {
    const fm = isObject(r.frontmatter) ? r.frontmatter : undefined
    return {
      ...base,
      type: 'artifact',
      id: id('artifact'),
      path: r.artifact,
      min: typeof r.min === 'number' ? r.min : undefined,
      maxAgeDays: typeof r.max_age_days === 'number' ? r.max_age_days : undefined,
      template: str(r.template),
      frontmatter: fm
        ? {
            required: strings(fm.required),
            allowed: isObject(fm.allowed)
              ? (fm.allowed as Record<string, Array<string | number | boolean>>)
              : undefined,
            dates: strings(fm.dates)
          }
        : undefined
    }
  }
  if (typeof r.metric === 'string') {
    const byStage = isObject(r.by_stage)
      ? (Object.fromEntries(
          Object.entries(r.by_stage).filter(([, v]) => typeof v === 'string')
        ) as Record<string, string>)
      : undefined
    return {
      ...base,
      type: 'metric',
      id: id('metric'),
      expr: r.metric,
      byStage,
      minChangedLines: typeof r.min_changed_lines === 'number' ? r.min_changed_lines : undefined
    }
  }
  if (r.review !== undefined) {
    if (typeof r.review === 'string')
      return { ...base, type: 'review', id: id('review'), expr: r.review }
    if (isObject(r.review)) {
      const rv = r.review
      const signoff =
        isObject(rv.signoff) &&
        typeof rv.signoff.path === 'string' &&
        typeof rv.signoff.key === 'string'
          ? {
              path: rv.signoff.path,
              key: rv.signoff.key,
              equals: (rv.signoff.equals ?? true) as string | number | boolean
            }
          : undefined
      return {
        ...base,
        type: 'review',
        id: id('review'),
        approvals: typeof rv.approvals === 'number' ? rv.approvals : undefined,
        from: strings(rv.from),
        labels: strings(rv.labels),
        signoff
      }
    }
  }
  if (typeof r.policy === 'string')
    return { ...base, type: 'policy', id: id('policy'), expr: r.policy }
  if (r.trace !== undefined) {
    const t = isObject(r.trace) ? r.trace : {}
    return {
      ...base,
      type: 'trace',
      id: id('trace'),
      prefixes: strings(t.prefixes),
      under: str(t.under)
    }
  }
  if (typeof r.instructions === 'string')
    return { ...base, type: 'instructions', id: id('instructions'), glob: r.instructions }
  return undefined
}
