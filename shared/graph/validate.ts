import { existsSync } from 'node:fs'
import picomatch from 'picomatch'
import {
  comparisons,
  parseExpression,
  typeCheck,
  ExpressionError,
  type Expression,
  type TypeName
} from '../expr/index.js'
import { globFiles, isGlob } from '../glob.js'
import { classifyName, PERCENT_METRICS } from '../metrics.js'
import { editDistance } from '../suggest.js'
import { resolveInWorkspace } from '../safe-path.js'
import { ConfigurationError, errorMessage } from '../errors.js'
import type { Position } from '../yaml.js'
import { branchesAreExhaustive } from './exhaustive.js'
import { sortFindings, type GraphFinding } from './findings.js'
import { loadGraph } from './load.js'
import type { GraphNode, InstructionsRequirement, ProcessGraph } from './model.js'
import { resolveValues } from './values.js'

export interface ValidationResult {
  graph?: ProcessGraph
  findings: GraphFinding[]
  errors: number
  warnings: number
  valid: boolean
}

export interface ValidateOptions {
  /** Check that artifact paths and templates exist (default true). */
  checkFiles?: boolean
}

/**
 * Loads and validates a graph: YAML safety, the schema, then soundness (ids, transitions,
 * reachability, inescapable loops, decisions, gates, expressions, metric names, files).
 * Never throws for a bad graph: every problem is a finding with file:line:col.
 */
export function validateGraphFile(
  root: string,
  graphPath: string,
  opts: ValidateOptions = {}
): ValidationResult {
  let graph: ProcessGraph | undefined
  const findings: GraphFinding[] = []
  try {
    const loaded = loadGraph(root, graphPath)
    graph = loaded.graph
    findings.push(...loaded.findings)
    findings.push(...checkGraph(root, graph, opts))
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error
    const loc = error.location
    findings.push({
      severity: 'error',
      code: 'yaml',
      message: error.message,
      file: loc?.file ?? graphPath,
      line: loc?.line ?? 1,
      col: loc?.col ?? 1
    })
  }
  const sorted = sortFindings(findings)
  const errors = sorted.filter((f) => f.severity === 'error').length
  return { graph, findings: sorted, errors, warnings: sorted.length - errors, valid: errors === 0 }
}

/** Soundness checks over a normalised graph. */
export function checkGraph(
  root: string,
  graph: ProcessGraph,
  opts: ValidateOptions = {}
): GraphFinding[] {
  const findings: GraphFinding[] = []
  const file = graph.file
  const add = (
    severity: GraphFinding['severity'],
    code: string,
    node: GraphNode | undefined,
    message: string,
    pos?: () => Position | undefined
  ) => {
    const p = pos?.() ?? node?.pos
    findings.push({
      severity,
      code,
      message,
      file,
      line: p?.line ?? 1,
      col: p?.col ?? 1,
      node: node?.id
    })
  }

  // Ids
  const seen = new Map<string, GraphNode>()
  for (const n of graph.nodes) {
    const first = seen.get(n.id)
    if (first)
      add(
        'error',
        'duplicate-id',
        n,
        `node "${n.id}" is defined twice (first at line ${first.pos?.line ?? '?'}); ids must be unique.`,
        () => n.fieldPos.id
      )
    else seen.set(n.id, n)
  }
  if (graph.entry !== undefined && !graph.byId.has(graph.entry)) {
    add('error', 'missing-target', undefined, `start: node "${graph.entry}" does not exist.`)
  }

  // Transitions and per-kind shape; nodes are numbered so the graph algorithms use flat arrays
  const ids = [...graph.byId.keys()]
  const order = new Map(ids.map((id, i) => [id, i]))
  const edges: number[][] = ids.map(() => [])
  for (const n of graph.nodes) {
    const targets: Array<[string, string, string | number]> = []
    if (n.kind === 'decision') {
      if (n.next !== undefined) {
        add(
          'error',
          'decision-shape',
          n,
          `decision "${n.id}": next must be a list of {when, node} branches with an else branch, not a single node id.`,
          () => n.fieldPos.next
        )
        targets.push([n.next, 'next', 'next'])
      }
      if (!n.branches || n.branches.length === 0) {
        if (n.next === undefined)
          add(
            'error',
            'decision-shape',
            n,
            `decision "${n.id}" has no branches; add next: [{when, node}, …, {when: else, node}].`
          )
      } else {
        const elseCount = n.branches.filter((b) => b.isElse).length
        const exhaustive = elseCount === 0 && branchesAreExhaustive(n.branches.map((b) => b.when))
        if (elseCount === 0 && !exhaustive)
          add(
            'error',
            'decision-no-else',
            n,
            `decision "${n.id}" has no else branch: when no condition holds the process would stop. Add {when: else, node: …}.`,
            () => n.fieldPos.next
          )
        if (elseCount > 1)
          add(
            'error',
            'decision-shape',
            n,
            `decision "${n.id}" has ${elseCount} else branches; keep one, last.`,
            () => n.fieldPos.next
          )
        n.branches.forEach((b, bi) => targets.push([b.node, `branch "${b.when}"`, bi]))
      }
    } else if (n.kind === 'gate') {
      if (n.next !== undefined || n.branches)
        add(
          'error',
          'gate-shape',
          n,
          `gate "${n.id}" moves on through pass and fail, not next; replace next with pass: and fail:.`,
          () => n.fieldPos.next
        )
      // Follow a legacy `next` too, so one shape error does not cascade into "unreachable" for the rest.
      if (n.next !== undefined) targets.push([n.next, 'next', 'next'])
      if (!n.pass)
        add(
          'error',
          'gate-no-pass',
          n,
          `gate "${n.id}" has no pass transition; add pass: <node id>.`
        )
      if (!n.fail)
        add(
          'error',
          'gate-no-fail',
          n,
          `gate "${n.id}" has no fail transition; add fail: <node id> (where work goes when the gate fails).`
        )
      if (n.pass) targets.push([n.pass, 'pass', 'pass'])
      if (n.fail) targets.push([n.fail, 'fail', 'fail'])
      if (!n.requires || n.requires.length === 0) {
        add(
          n.criteria ? 'warning' : 'error',
          'gate-no-requires',
          n,
          `gate "${n.id}" has no typed requires, so nothing can be checked${n.criteria ? ' (its free-text criteria are not machine-checkable)' : ''}; add requires: [artifact|metric|review|policy|trace|instructions].`
        )
      }
    } else {
      if (n.branches)
        add(
          'error',
          `${n.kind}-shape`,
          n,
          `${n.kind} "${n.id}": only decisions take a list of branches; give next a single node id.`,
          () => n.fieldPos.next
        )
      if (n.next) targets.push([n.next, 'next', 'next'])
      if (n.pass || n.fail)
        add(
          'error',
          `${n.kind}-shape`,
          n,
          `${n.kind} "${n.id}": pass/fail belong to gates; use next.`,
          () => n.fieldPos.pass ?? n.fieldPos.fail
        )
      if (n.kind === 'calibrate' && !n.schedule && !(n.triggers && n.triggers.length > 0)) {
        add(
          'error',
          'calibrate-no-schedule',
          n,
          `calibrate "${n.id}" has neither a schedule nor triggers; add schedule: "0 6 * * 1" or triggers: [release, incident].`
        )
      }
      if (n.kind === 'calibrate' && !n.next)
        add(
          'error',
          'calibrate-no-next',
          n,
          `calibrate "${n.id}" has no next; say where recalibration leads.`
        )
    }
    if (n.kind !== 'gate' && n.requires)
      add(
        'error',
        `${n.kind}-shape`,
        n,
        `${n.kind} "${n.id}": requires belongs to gates.`,
        () => n.fieldPos.requires
      )
    if (n.kind !== 'gate' && n.optional !== undefined)
      add(
        'error',
        `${n.kind}-shape`,
        n,
        `${n.kind} "${n.id}": optional belongs to gates (a gate whose requirements were all skipped); remove it.`,
        () => n.fieldPos.optional
      )
    const out: number[] = []
    for (const [target, label, where] of targets) {
      const t = order.get(target)
      if (t === undefined) {
        const pos = () => (typeof where === 'number' ? n.branches?.[where]?.pos : n.fieldPos[where])
        add(
          'error',
          'missing-target',
          n,
          `node "${n.id}" (${label}) points at "${target}", which does not exist.`,
          pos
        )
      } else out.push(t)
    }
    edges[order.get(n.id) as number] = out
    if (n.criteria)
      add(
        'warning',
        'vague-criteria',
        n,
        `node "${n.id}" has free-text criteria that no tool can check; express them as typed requires.`,
        () => n.fieldPos.criteria
      )
    for (const e of n.evidence ?? []) {
      if (/\s/.test(e))
        add(
          'warning',
          'path-with-spaces',
          n,
          `node "${n.id}": evidence path "${e}" contains spaces; paths with spaces are easy to break in scripts.`,
          () => n.fieldPos.evidence
        )
    }
  }

  // Reachability from the entry (iterative: graphs may have 100k nodes)
  const entry = graph.entry !== undefined ? order.get(graph.entry) : undefined
  if (entry !== undefined) {
    const reached = new Uint8Array(ids.length)
    reached[entry] = 1
    const queue = [entry]
    while (queue.length > 0) {
      for (const t of edges[queue.pop() as number]) {
        if (!reached[t]) {
          reached[t] = 1
          queue.push(t)
        }
      }
    }
    for (let i = 0; i < ids.length; i++) {
      if (reached[i]) continue
      const n = graph.byId.get(ids[i]) as GraphNode
      add(
        'error',
        'unreachable',
        n,
        `node "${n.id}" cannot be reached from the entry "${graph.entry}"; connect it or remove it.`,
        () => n.fieldPos.id
      )
    }
  }

  // Loops nobody can leave. A loop of activities alone is a trap-cycle; any other loop (through
  // gates and decisions too) from which no terminal node can be reached is no-exit: a gate whose
  // pass and fail both stay in the loop only looks like a way out. Loops that run forever by
  // design (a calibrate node, or a node marked loop: true) are exempt.
  const nodeAt = (i: number) => graph.byId.get(ids[i]) as GraphNode
  const finishes = canFinish(
    edges,
    (i) =>
      edges[i].length === 0 ||
      nodeAt(i).end === true ||
      nodeAt(i).loop === true ||
      nodeAt(i).kind === 'calibrate'
  )
  for (const scc of stronglyConnected(edges)) {
    const looping = scc.length > 1 || edges[scc[0]].includes(scc[0])
    if (!looping || finishes[scc[0]]) continue
    const members = scc.map(nodeAt)
    const first = members[0]
    // A loop of thousands of nodes is named by its first few; the finding points at the first.
    const shown = members.slice(0, MAX_LOOP_NAMES).map((m) => `"${m.id}"`)
    const names = `${shown.join(' → ')}${members.length > MAX_LOOP_NAMES ? ` → … (${members.length} nodes in all)` : ''}`
    if (members.every((m) => m.kind === 'activity')) {
      add(
        'error',
        'trap-cycle',
        first,
        `nodes ${names} form a loop with no gate, decision or calibrate node: once entered it can never be left. Add a way out, or mark a node loop: true if it is meant to run forever.`,
        () => first.fieldPos.next
      )
    } else {
      const inside = new Set(scc)
      const closed = scc.every((i) => edges[i].every((t) => inside.has(t)))
      // A warning, so that a continuous process written before loop: true existed (the seed
      // template is one big loop) still validates; --strict and verify fail on it.
      add(
        'warning',
        'no-exit',
        first,
        `nodes ${names} form a loop from which no end of the process can be reached${closed ? ' (every pass, fail and branch stays inside it)' : ' (every way out leads into another loop without an end)'}: once entered the process never finishes. Point a transition at a node with no successor (or one marked end: true), or mark a node loop: true if it is meant to run forever.`,
        () => first.fieldPos.id
      )
    }
  }

  findings.push(...checkStages(graph))

  findings.push(...checkExpressions(root, graph))
  if (opts.checkFiles !== false) findings.push(...checkFiles(root, graph))
  return findings
}

/**
 * Stage names are free text, so a typo would make a requirement apply nowhere (`only: [prod]` in a
 * graph of `production`) and an empty `stages:` would accept any stage: both fail open.
 */
function checkStages(graph: ProcessGraph): GraphFinding[] {
  const findings: GraphFinding[] = []
  const at = (pos: Position | undefined) => ({
    file: graph.file,
    line: pos?.line ?? 1,
    col: pos?.col ?? 1
  })
  if (graph.stagesDeclared && graph.stages.length === 0) {
    findings.push({
      ...at(graph.locate?.(['stages'])),
      severity: 'error',
      code: 'empty-stages',
      message:
        'stages: is an empty list, so no stage can be checked; list the stages in promotion order (e.g. [dev, staging, production]) or remove the key for that default.'
    })
  }
  const declared = new Set(graph.stages)
  const known = graph.stages.length > 0 ? graph.stages.join(', ') : 'none'
  for (const n of graph.nodes) {
    const named: Array<[string, string, Position | undefined]> = []
    for (const r of n.requires ?? []) {
      const fieldPos = (r as { fieldPos?: Record<string, Position | undefined> }).fieldPos
      for (const st of r.stages ?? [])
        named.push([st, `requirement ${r.id} only:`, fieldPos?.only ?? r.pos])
      if (r.type === 'metric')
        for (const st of Object.keys(r.byStage ?? {}))
          named.push([st, `requirement ${r.id} by_stage:`, fieldPos?.by_stage ?? r.pos])
    }
    if (Array.isArray(n.optional))
      for (const st of n.optional) named.push([st, 'optional:', n.fieldPos.optional ?? n.pos])
    for (const [st, where, pos] of named) {
      if (declared.has(st)) continue
      const hint = closest(st, graph.stages)
      findings.push({
        ...at(pos),
        node: n.id,
        severity: 'error',
        code: 'undeclared-stage',
        message: `node "${n.id}" ${where} names the stage "${st}", which the graph does not declare (stages: ${known}), so it would never apply. Use a declared stage${hint ? ` (did you mean "${hint}"?)` : ''} or add it to stages:.`
      })
    }
  }
  return findings
}

/** The declared stage a typo most likely meant: a prefix either way, or at most two edits apart. */
function closest(name: string, stages: readonly string[]): string | undefined {
  const lower = name.toLowerCase()
  for (const st of stages)
    if (st.toLowerCase().startsWith(lower) || lower.startsWith(st.toLowerCase())) return st
  let best: [string, number] | undefined
  for (const st of stages) {
    const d = editDistance(lower, st.toLowerCase())
    if (d <= 2 && (!best || d < best[1])) best = [st, d]
  }
  return best?.[0]
}

/** Which nodes can reach a node that ends the process (backwards search from every such node). */
function canFinish(edges: number[][], isEnd: (i: number) => boolean): Uint8Array {
  const reverse: number[][] = edges.map(() => [])
  edges.forEach((out, from) => out.forEach((to) => reverse[to].push(from)))
  const done = new Uint8Array(edges.length)
  const queue: number[] = []
  for (let i = 0; i < edges.length; i++) {
    if (isEnd(i)) {
      done[i] = 1
      queue.push(i)
    }
  }
  while (queue.length > 0) {
    for (const from of reverse[queue.pop() as number]) {
      if (!done[from]) {
        done[from] = 1
        queue.push(from)
      }
    }
  }
  return done
}

function checkExpressions(root: string, graph: ProcessGraph): GraphFinding[] {
  const findings: GraphFinding[] = []
  const resolved = resolveValues(root, graph)
  for (const p of resolved.problems)
    findings.push({
      severity: 'error',
      code: 'values',
      message: p,
      file: graph.file,
      line: 1,
      col: 1
    })
  const typeOf = (name: string): TypeName | undefined => {
    const c = classifyName(name)
    if (c.kind === 'metric' || c.kind === 'alias' || c.kind === 'baseline') return 'number'
    const v = resolved.values.get(name)
    if (v === undefined) return graph.vars.has(name) ? 'any' : undefined
    return Array.isArray(v) ? 'list' : (typeof v as TypeName)
  }
  const defined = (name: string) => resolved.values.has(name) || graph.vars.has(name)

  for (const n of graph.nodes) {
    const check = (
      source: string,
      where: string,
      posOf: () => Position | undefined,
      role: 'metric' | 'decision' | 'review' | 'policy'
    ) => {
      let expr: Expression
      try {
        expr = parseExpression(source)
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error
        const pos = posOf()
        findings.push({
          severity: 'error',
          code: 'expression',
          node: n.id,
          file: graph.file,
          line: pos?.line ?? 1,
          col: (pos?.col ?? 1) + error.offset,
          message: `node "${n.id}" ${where}: ${error.message} in "${source}".`
        })
        return
      }
      let located: { file: string; line: number; col: number; node: string } | undefined
      const at = () => {
        const pos = posOf()
        located ??= { file: graph.file, line: pos?.line ?? 1, col: pos?.col ?? 1, node: n.id }
        return located
      }
      for (const name of expr.identifiers) {
        const c = classifyName(name)
        if (c.kind === 'unknown-metric') {
          findings.push({
            ...at(),
            severity: 'error',
            code: 'unknown-metric',
            message: `node "${n.id}" ${where}: unknown metric "${name}"${c.suggestion ? `; did you mean "${c.suggestion}"?` : ''} (see the metric namespace in the README).`
          })
        } else if (c.kind === 'free' && !defined(name) && role !== 'review') {
          findings.push({
            ...at(),
            severity: 'warning',
            code: 'undefined-name',
            message: `node "${n.id}" ${where}: "${name}" is undefined; give it a value under vars: or imports: (check-gates fails on it while it has none).`
          })
        }
      }
      for (const msg of typeCheck(expr, typeOf, { requireBoolean: true })) {
        findings.push({
          ...at(),
          severity: 'error',
          code: 'expression-type',
          message: `node "${n.id}" ${where}: ${msg} in "${source}".`
        })
      }
      for (const cmp of comparisons(expr)) {
        if (
          PERCENT_METRICS.has(cmp.name) &&
          (cmp.op === '>=' || cmp.op === '>') &&
          cmp.value > 0 &&
          cmp.value <= 1
        ) {
          findings.push({
            ...at(),
            severity: 'warning',
            code: 'unit',
            message: `node "${n.id}" ${where}: ${cmp.name} is a percentage from 0 to 100, so "${cmp.op} ${cmp.value}" is almost always true; did you mean ${cmp.value * 100}?`
          })
        }
      }
    }
    n.branches?.forEach((b) => {
      if (!b.isElse) check(b.when, `branch to "${b.node}"`, () => b.pos, 'decision')
    })
    n.requires?.forEach((r, i) => {
      const where = `requirement ${r.id}`
      const pos = () => r.pos
      if (r.type === 'metric') {
        check(r.expr, where, pos, 'metric')
        for (const [stage, e] of Object.entries(r.byStage ?? {}))
          check(e, `${where} (stage ${stage})`, pos, 'metric')
      } else if (r.type === 'policy') check(r.expr, where, pos, 'policy')
      else if (r.type === 'review' && r.expr) check(r.expr, where, pos, 'review')
      void i
    })
  }
  return findings
}

function checkFiles(root: string, graph: ProcessGraph): GraphFinding[] {
  const findings: GraphFinding[] = []
  for (const n of graph.nodes) {
    for (const r of n.requires ?? []) {
      if (r.type === 'instructions') {
        findings.push(...checkInstructionsGlob(root, graph, n, r))
        continue
      }
      if (r.type !== 'artifact') continue
      const at = () => ({
        file: graph.file,
        line: r.pos?.line ?? 1,
        col: r.pos?.col ?? 1,
        node: n.id
      })
      try {
        const matches = globFiles(root, r.path)
        if (matches.length === 0) {
          // A requirement for later stages only (e.g. a production rollout plan) may not exist yet.
          const later = r.stages !== undefined && r.stages.length > 0
          findings.push({
            ...at(),
            severity: later ? 'warning' : 'error',
            code: 'artifact-missing',
            message: `node "${n.id}" requirement ${r.id}: artifact "${r.path}" ${isGlob(r.path) ? 'matches no file' : 'does not exist'}${later ? ` yet (needed for ${r.stages?.join(', ')})` : ''}; create it or fix the path.`
          })
        }
        if (r.template && !existsSync(resolveInWorkspace(root, r.template, 'template'))) {
          findings.push({
            ...at(),
            severity: 'error',
            code: 'template-missing',
            message: `node "${n.id}" requirement ${r.id}: template "${r.template}" does not exist.`
          })
        }
      } catch (error) {
        findings.push({
          ...at(),
          severity: 'error',
          code: 'artifact-path',
          message: `node "${n.id}" requirement ${r.id}: ${errorMessage(error)}`
        })
      }
    }
  }
  return findings
}

/** Tarjan's algorithm over numbered nodes, iterative so that long chains cannot overflow the stack. */
/** An instructions requirement's glob: valid, inside the repository, and matching at least one file. */
function checkInstructionsGlob(
  root: string,
  graph: ProcessGraph,
  n: GraphNode,
  r: InstructionsRequirement
): GraphFinding[] {
  const at = { file: graph.file, line: r.pos?.line ?? 1, col: r.pos?.col ?? 1, node: n.id }
  const where = `node "${n.id}" requirement ${r.id}`
  try {
    picomatch.makeRe(r.glob, { strictBrackets: true })
  } catch (error) {
    return [
      {
        ...at,
        severity: 'error',
        code: 'instructions-glob',
        message: `${where}: instructions "${r.glob}" is not a valid glob (${errorMessage(error)}).`
      }
    ]
  }
  try {
    if (globFiles(root, r.glob).length > 0) return []
  } catch (error) {
    return [
      {
        ...at,
        severity: 'error',
        code: 'instructions-glob',
        message: `${where}: ${errorMessage(error)}`
      }
    ]
  }
  const later = r.stages !== undefined && r.stages.length > 0
  return [
    {
      ...at,
      severity: later ? 'warning' : 'error',
      code: 'instructions-missing',
      message: `${where}: instructions "${r.glob}" matches no file${later ? ` yet (needed for ${r.stages?.join(', ')})` : ''}; add an instruction file (frontmatter applyTo and description) or fix the glob.`
    }
  ]
}

/** How many nodes of a loop a finding names before it says how many there are. */
const MAX_LOOP_NAMES = 12

function stronglyConnected(edges: number[][]): number[][] {
  const n = edges.length
  const index = new Int32Array(n).fill(-1)
  const low = new Int32Array(n)
  const onStack = new Uint8Array(n)
  const stack: number[] = []
  const result: number[][] = []
  const work: number[] = []
  const cursor = new Int32Array(n)
  let counter = 0
  for (let start = 0; start < n; start++) {
    if (index[start] !== -1) continue
    work.push(start)
    while (work.length > 0) {
      const v = work[work.length - 1]
      if (index[v] === -1) {
        index[v] = low[v] = counter++
        stack.push(v)
        onStack[v] = 1
      }
      const out = edges[v]
      if (cursor[v] < out.length) {
        const w = out[cursor[v]++]
        if (index[w] === -1) work.push(w)
        else if (onStack[w]) low[v] = Math.min(low[v], index[w])
        continue
      }
      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1]
        low[parent] = Math.min(low[parent], low[v])
      }
      if (low[v] === index[v]) {
        const comp: number[] = []
        let w: number
        do {
          w = stack.pop() as number
          onStack[w] = 0
          comp.push(w)
        } while (w !== v)
        result.push(comp.reverse())
      }
    }
  }
  return result
}
