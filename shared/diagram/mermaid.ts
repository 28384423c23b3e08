import type { GraphNode, NodeKind, ProcessGraph } from '../graph/model.js'
import type { FlowReport, GateStatus } from '../report/types.js'
import { escapeMarkdown, inlineCode } from '../escape.js'

/**
 * Draws a process graph as a mermaid flowchart: a shape per node kind, labelled edges in the
 * `-->|label|` form, every label escaped with mermaid entity codes, a legend, and (given a flow
 * report) gates coloured by their status. The output is a pure function of its inputs: nodes and
 * edges in graph order, class assignments in a fixed order, so a committed diagram can be compared
 * as text (render-diagram's `check` input).
 *
 * Nodes that transitions refer to but the graph does not define are drawn, with the `missing`
 * class (dashed red outline, label "<id> (missing)"), so a broken graph shows where it is broken
 * instead of inventing a normal-looking node as the seed renderer did.
 */

export type Direction = 'TD' | 'LR'

export interface MermaidOptions {
  /** A diagram title (mermaid front matter). */
  title?: string
  /** Layout direction, default TD. */
  direction?: Direction
}

/**
 * The colour (and mermaid class) a gate gets: the report status, with `error` as `errored` (a
 * plainer class name) and `notEvaluated` for gates the report does not mention.
 */
export type GateColour = 'passed' | 'failed' | 'waived' | 'warned' | 'errored' | 'notEvaluated'

/** Report statuses in the order they are listed in legends and counts. */
export const GATE_COLOURS: readonly GateColour[] = [
  'passed',
  'failed',
  'errored',
  'waived',
  'warned',
  'notEvaluated'
]

export const COLOUR_LABELS: Record<GateColour, string> = {
  passed: 'passed',
  failed: 'failed',
  errored: 'error',
  waived: 'waived',
  warned: 'warned',
  notEvaluated: 'not evaluated'
}

/** What each colour looks like, in words, for the summary legend and the docs. */
export const COLOUR_DESCRIPTIONS: Record<GateColour, string> = {
  passed: 'green',
  failed: 'red',
  errored: 'dark red, thick outline',
  waived: 'orange, dashed outline',
  warned: 'yellow',
  notEvaluated: 'grey, dashed outline'
}

const KIND_STYLES: Record<NodeKind, string> = {
  activity: 'fill:#ddf4ff,stroke:#0969da,color:#1f2328',
  decision: 'fill:#fff8c5,stroke:#9a6700,color:#1f2328',
  gate: 'fill:#f6f8fa,stroke:#57606a,color:#1f2328',
  calibrate: 'fill:#fbefff,stroke:#8250df,color:#1f2328'
}

const COLOUR_STYLES: Record<GateColour, string> = {
  passed: 'fill:#dafbe1,stroke:#1a7f37,stroke-width:2px,color:#1f2328',
  failed: 'fill:#ffebe9,stroke:#cf222e,stroke-width:2px,color:#1f2328',
  errored: 'fill:#ffcecb,stroke:#82071e,stroke-width:3px,color:#1f2328',
  waived: 'fill:#fff1e5,stroke:#bc4c00,stroke-width:2px,color:#1f2328,stroke-dasharray: 6 3',
  warned: 'fill:#fff8c5,stroke:#bf8700,stroke-width:2px,color:#1f2328',
  notEvaluated: 'fill:#eaeef2,stroke:#6e7781,color:#1f2328,stroke-dasharray: 4 3'
}

const MISSING_STYLE = 'fill:#ffffff,stroke:#cf222e,color:#cf222e,stroke-dasharray: 5 5'

const MAX_NODE_LABEL = 120
const MAX_EDGE_LABEL = 100
const MAX_TITLE = 200

/** Mermaid entity codes for every character that could end a string, a label or start markup. */
const LABEL_ENTITIES: Record<string, string> = {
  '#': '#35;',
  '"': '#quot;',
  '|': '#124;',
  '<': '#lt;',
  '>': '#gt;',
  '&': '#amp;',
  '[': '#91;',
  ']': '#93;',
  '{': '#123;',
  '}': '#125;',
  '(': '#40;',
  ')': '#41;',
  '`': '#96;',
  '%': '#37;',
  ';': '#59;',
  '\\': '#92;'
}

/**
 * Text for a quoted mermaid label (`id["…"]`, `-->|"…"|`). Characters that mermaid or the HTML
 * label renderer would interpret become mermaid entity codes (`#quot;`, `#124;`, `#35;`, …), a
 * newline becomes `<br/>`, control characters are dropped, and long text is cut with an ellipsis
 * (whole code points, so an emoji is never split). Never returns an empty string: mermaid rejects
 * `[""]`.
 */
export function escapeMermaidLabel(text: string, maxLength = MAX_NODE_LABEL): string {
  let t = String(text).replace(/\r\n?/g, '\n').replace(/\t/g, ' ')
  // eslint-disable-next-line no-control-regex
  t = t.replace(/[\u0000-\u0009\u000b-\u001f\u007f\u2028\u2029]/g, '')
  let chars = Array.from(t)
  if (chars.length > maxLength) chars = [...chars.slice(0, maxLength - 1), '…']
  const lines = chars
    .join('')
    .split('\n')
    .map((line) => line.trim())
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  while (lines.length > 0 && lines[0] === '') lines.shift()
  const escaped = lines
    .map((line) => Array.from(line, (c) => LABEL_ENTITIES[c] ?? c).join(''))
    .join('<br/>')
  return escaped === '' ? '#160;' : escaped
}

/**
 * Mermaid ids for graph ids: `n_` followed by the id with every run of characters outside
 * [A-Za-z0-9] folded to `_` (so `N-vision` becomes `n_N_vision`; the prefix also keeps ids clear of
 * mermaid keywords such as `end`). Ids that fold to the same text get `_2`, `_3`, … in the sorted
 * order of their original ids, so the mapping depends only on the set of ids.
 */
export function mermaidIds(ids: Iterable<string>): Map<string, string> {
  const unique = [...new Set(ids)].sort(compareStrings)
  const taken = new Set<string>()
  const result = new Map<string, string>()
  for (const id of unique) {
    const base = `n_${id.replace(/[^A-Za-z0-9]+/g, '_')}`
    let candidate = base
    for (let i = 2; taken.has(candidate); i++) candidate = `${base}_${i}`
    taken.add(candidate)
    result.set(id, candidate)
  }
  return result
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The colour of a report status; unknown statuses are not trusted and count as not evaluated. */
export function colourOf(status: GateStatus | string | undefined): GateColour {
  switch (status) {
    case 'passed':
    case 'failed':
    case 'waived':
    case 'warned':
      return status
    case 'error':
      return 'errored'
    default:
      return 'notEvaluated'
  }
}

/** Gate id -> report status; the first entry for an id wins. */
export function gateStatuses(report: FlowReport | undefined): Map<string, GateStatus> {
  const statuses = new Map<string, GateStatus>()
  const gates = report && Array.isArray(report.gates) ? report.gates : []
  for (const gate of gates) {
    if (gate && typeof gate.id === 'string' && !statuses.has(gate.id))
      statuses.set(gate.id, gate.status)
  }
  return statuses
}

export interface Edge {
  from: string
  to: string
  label?: string
}

/** Every transition of the graph, in node order then field order (next, branches, pass, fail). */
export function graphEdges(graph: ProcessGraph): Edge[] {
  const edges: Edge[] = []
  for (const node of graph.nodes) {
    if (typeof node.next === 'string' && node.next !== '')
      edges.push({ from: node.id, to: node.next })
    for (const branch of node.branches ?? []) {
      if (typeof branch.node !== 'string' || branch.node === '') continue
      const when = branch.isElse ? 'else' : String(branch.when ?? '')
      edges.push({ from: node.id, to: branch.node, label: when })
    }
    if (typeof node.pass === 'string' && node.pass !== '')
      edges.push({ from: node.id, to: node.pass, label: 'pass' })
    if (typeof node.fail === 'string' && node.fail !== '')
      edges.push({ from: node.id, to: node.fail, label: 'fail' })
  }
  return edges
}

export interface DiagramStats {
  nodes: number
  edges: number
  kinds: Record<NodeKind, number>
  /** Per colour, the number of gates drawn in it (all zero without a report). */
  gates: Record<GateColour, number>
  /** Target ids that transitions name but the graph does not define, sorted. */
  missing: string[]
  /** Gate ids in the report that the graph does not have, sorted. */
  unknownReportGates: string[]
  reportGiven: boolean
}

/** Distinct nodes in graph order (the first definition of a duplicated id wins). */
function distinctNodes(graph: ProcessGraph): GraphNode[] {
  const seen = new Set<string>()
  const nodes: GraphNode[] = []
  for (const node of graph.nodes) {
    if (seen.has(node.id)) continue
    seen.add(node.id)
    nodes.push(node)
  }
  return nodes
}

export function diagramStats(graph: ProcessGraph, report?: FlowReport): DiagramStats {
  const nodes = distinctNodes(graph)
  const defined = new Set(nodes.map((n) => n.id))
  const edges = graphEdges(graph)
  const kinds: Record<NodeKind, number> = { activity: 0, decision: 0, gate: 0, calibrate: 0 }
  const gates = Object.fromEntries(GATE_COLOURS.map((c) => [c, 0])) as Record<GateColour, number>
  const statuses = gateStatuses(report)
  for (const node of nodes) {
    if (node.kind in kinds) kinds[node.kind]++
    if (report && node.kind === 'gate') gates[colourOf(statuses.get(node.id))]++
  }
  const missing = [...new Set(edges.map((e) => e.to).filter((id) => !defined.has(id)))].sort(
    compareStrings
  )
  const gateIds = new Set(nodes.filter((n) => n.kind === 'gate').map((n) => n.id))
  const unknownReportGates = [...statuses.keys()]
    .filter((id) => !gateIds.has(id))
    .sort(compareStrings)
  return {
    nodes: nodes.length,
    edges: edges.length,
    kinds,
    gates,
    missing,
    unknownReportGates,
    reportGiven: report !== undefined
  }
}

function shape(kind: NodeKind | 'missing', id: string, label: string): string {
  switch (kind) {
    case 'decision':
      return `${id}{"${label}"}`
    case 'gate':
      return `${id}{{"${label}"}}`
    case 'calibrate':
      return `${id}(["${label}"])`
    default:
      return `${id}["${label}"]`
  }
}

function titleFrontMatter(title: string | undefined): string[] {
  if (title === undefined) return []
  // eslint-disable-next-line no-control-regex
  const controls = /[\u0000-\u001f\u007f\u2028\u2029]+/g
  let t = String(title).replace(controls, ' ').trim()
  const chars = Array.from(t)
  if (chars.length > MAX_TITLE) t = `${chars.slice(0, MAX_TITLE - 1).join('')}…`
  if (t === '') return []
  // A JSON string is a valid YAML double-quoted scalar; backticks could end a markdown fence.
  return ['---', `title: ${JSON.stringify(t.replace(/`/g, "'"))}`, '---']
}

/** The mermaid flowchart text for a graph, optionally coloured by a flow report. Ends with a newline. */
export function renderMermaid(
  graph: ProcessGraph,
  report?: FlowReport,
  opts: MermaidOptions = {}
): string {
  const direction: Direction = opts.direction === 'LR' ? 'LR' : 'TD'
  const nodes = distinctNodes(graph)
  const defined = new Set(nodes.map((n) => n.id))
  const edges = graphEdges(graph)
  const missing = [...new Set(edges.map((e) => e.to).filter((id) => !defined.has(id)))].sort(
    compareStrings
  )
  const ids = mermaidIds([...defined, ...missing])
  const statuses = gateStatuses(report)
  const withReport = report !== undefined

  const lines: string[] = [...titleFrontMatter(opts.title), `flowchart ${direction}`]
  const classes = new Map<string, string[]>()
  const assign = (cls: string, id: string) => {
    const list = classes.get(cls)
    if (list) list.push(id)
    else classes.set(cls, [id])
  }

  for (const node of nodes) {
    const id = ids.get(node.id) as string
    const kind: NodeKind = KIND_STYLES[node.kind] ? node.kind : 'activity'
    let label = escapeMermaidLabel(node.id)
    if (kind === 'gate' && withReport) {
      const colour = colourOf(statuses.get(node.id))
      label += `<br/>${COLOUR_LABELS[colour]}`
      assign(colour, id)
    } else {
      assign(kind, id)
    }
    lines.push(`  ${shape(kind, id, label)}`)
  }
  for (const target of missing) {
    const id = ids.get(target) as string
    lines.push(`  ${shape('missing', id, `${escapeMermaidLabel(target)} (missing)`)}`)
    assign('missing', id)
  }
  for (const edge of edges) {
    const from = ids.get(edge.from) as string
    const to = ids.get(edge.to) as string
    if (edge.label === undefined) lines.push(`  ${from} --> ${to}`)
    else lines.push(`  ${from} -->|"${escapeMermaidLabel(edge.label, MAX_EDGE_LABEL)}"| ${to}`)
  }

  // The legend lists only the kinds and gate colours this diagram uses, chained by invisible
  // links (~~~): unlinked nodes in a subgraph ignore `direction LR` and stack into a column as tall
  // as the process, while a chain lays them out in one row.
  const legend: Array<{ id: string; line: string }> = []
  const kindsUsed = new Set(nodes.map((n) => (KIND_STYLES[n.kind] ? n.kind : 'activity')))
  for (const kind of ['activity', 'decision', 'gate', 'calibrate'] as const) {
    if (!kindsUsed.has(kind) || (kind === 'gate' && withReport)) continue
    legend.push({ id: `legend_${kind}`, line: `${shape(kind, `legend_${kind}`, kind)}:::${kind}` })
  }
  if (withReport) {
    for (const colour of GATE_COLOURS) {
      if (!classes.has(colour)) continue
      const id = `legend_${colour}`
      legend.push({ id, line: `${shape('gate', id, `gate ${COLOUR_LABELS[colour]}`)}:::${colour}` })
    }
  }
  if (missing.length > 0)
    legend.push({
      id: 'legend_missing',
      line: `${shape('missing', 'legend_missing', 'missing node')}:::missing`
    })
  if (legend.length > 0) {
    lines.push(
      '  subgraph legend["Legend"]',
      '    direction LR',
      ...legend.map((e) => `    ${e.line}`)
    )
    if (legend.length > 1) lines.push(`    ${legend.map((e) => e.id).join(' ~~~ ')}`)
    lines.push('  end')
    // Above the entry node, so no edge of the process runs through the legend.
    const entry = ids.get(graph.entry ?? nodes[0]?.id ?? '')
    if (entry) lines.push(`  legend ~~~ ${entry}`)
  }

  const used = new Set<string>(['activity', 'decision', 'gate', 'calibrate'])
  if (withReport) for (const c of GATE_COLOURS) used.add(c)
  if (missing.length > 0) used.add('missing')
  for (const kind of ['activity', 'decision', 'gate', 'calibrate'] as const) {
    lines.push(`  classDef ${kind} ${KIND_STYLES[kind]}`)
  }
  if (withReport)
    for (const colour of GATE_COLOURS) lines.push(`  classDef ${colour} ${COLOUR_STYLES[colour]}`)
  if (missing.length > 0) lines.push(`  classDef missing ${MISSING_STYLE}`)
  for (const cls of [...used]) {
    const members = classes.get(cls)
    if (members && members.length > 0) lines.push(`  class ${members.join(',')} ${cls}`)
  }
  return `${lines.join('\n')}\n`
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/** The one-line legend for a job summary or a .md file: counts and what each colour means. */
export function statusLine(stats: DiagramStats): string {
  const parts: string[] = []
  const k = stats.kinds
  parts.push(
    `**Process graph:** ${plural(stats.nodes, 'node')} (${plural(k.activity, 'activity', 'activities')}, ${plural(k.decision, 'decision')}, ${plural(k.gate, 'gate')}, ${plural(k.calibrate, 'calibrate node')}), ${plural(stats.edges, 'transition')}.`
  )
  if (stats.reportGiven) {
    const counts = GATE_COLOURS.filter((c) => stats.gates[c] > 0).map(
      (c) => `${stats.gates[c]} ${COLOUR_LABELS[c]} (${COLOUR_DESCRIPTIONS[c]})`
    )
    parts.push(`**Gates:** ${counts.length > 0 ? counts.join(' · ') : 'none in the graph'}.`)
  } else {
    parts.push('Gates are not coloured: no flow report was given.')
  }
  if (stats.missing.length > 0) {
    const shown = stats.missing.slice(0, 20).map((id) => inlineCode(id, 100))
    const more = stats.missing.length > 20 ? ` and ${stats.missing.length - 20} more` : ''
    parts.push(
      `**Missing:** ${plural(stats.missing.length, 'node')} referenced but not defined: ${shown.join(', ')}${more} (dashed red outline).`
    )
  }
  if (stats.unknownReportGates.length > 0) {
    parts.push(
      `${plural(stats.unknownReportGates.length, 'gate')} in the report ${stats.unknownReportGates.length === 1 ? 'is' : 'are'} not in the graph.`
    )
  }
  return parts.join(' ')
}

/**
 * The diagram as markdown for a job summary or a committed .md file: a status line that works as
 * the legend, then the flowchart in a ```mermaid block (GitHub renders it). Ends with a newline.
 */
export function renderMarkdown(
  graph: ProcessGraph,
  report?: FlowReport,
  opts: MermaidOptions = {}
): string {
  const stats = diagramStats(graph, report)
  const heading = opts.title ? `### ${escapeMarkdown(opts.title, 200)}\n\n` : ''
  // The title is the markdown heading here, not repeated inside the diagram.
  const diagram = renderMermaid(graph, report, { direction: opts.direction })
  return `${heading}${statusLine(stats)}\n\n\`\`\`mermaid\n${diagram}\`\`\`\n`
}
