import type { Position } from '../yaml.js'

/**
 * The process graph as the rest of the suite sees it, after loading and normalisation. Every node
 * and field keeps its position in graph.yaml so findings point at file:line:col.
 */

/** Where every action and command looks for the graph unless told otherwise. */
export const DEFAULT_GRAPH_PATH = '.process/graph.yaml'

export type NodeKind = 'activity' | 'decision' | 'gate' | 'calibrate'
export const NODE_KINDS: readonly NodeKind[] = ['activity', 'decision', 'gate', 'calibrate']

export type Severity = 'fail' | 'warn'

/** Stage names are free-form; dev, staging and production are the conventional ones. */
export type Stage = string

export interface Located {
  pos?: Position
}

export interface Branch extends Located {
  /** The condition; the literal "else" marks the default branch. */
  when: string
  node: string
  isElse: boolean
}

export interface FrontmatterRules {
  /** Keys that must be present and non-empty. */
  required?: string[]
  /** Allowed values per key, e.g. { status: [accepted] }. */
  allowed?: Record<string, Array<string | number | boolean>>
  /** Keys whose value must be a real date (YYYY-MM-DD), not a placeholder. */
  dates?: string[]
}

interface RequirementBase extends Located {
  /** Stable id within the gate: explicit `id`, else `<type>-<index>` (1-based). */
  id: string
  severity: Severity
  /** Stages this requirement applies to; undefined means all stages. */
  stages?: Stage[]
  description?: string
}

export interface ArtifactRequirement extends RequirementBase {
  type: 'artifact'
  /** Path or glob, relative to the repository root. */
  path: string
  /** Minimum number of files a glob must match (default 1). */
  min?: number
  frontmatter?: FrontmatterRules
  /** Maximum age in days, judged from git history (else the file's mtime). */
  maxAgeDays?: number
  /** A template the artifact must not merely copy. */
  template?: string
}

export interface MetricRequirement extends RequirementBase {
  type: 'metric'
  /** The expression for stages without an override. */
  expr: string
  /** Per-stage expressions: { production: 'coverage.lines >= 90' }. */
  byStage?: Record<Stage, string>
  /** A change with fewer changed lines than this is exempt (coverage rules on small changes). */
  minChangedLines?: number
}

export interface ReviewRequirement extends RequirementBase {
  type: 'review'
  /** Seed form: an expression like `privacy.signoff == true`. */
  expr?: string
  approvals?: number
  /** Users (login) or teams (org/team) whose approval is needed. */
  from?: string[]
  labels?: string[]
  /** A sign-off artifact whose frontmatter decides the review (e.g. approved: true). */
  signoff?: { path: string; key: string; equals: string | number | boolean }
}

export interface PolicyRequirement extends RequirementBase {
  type: 'policy'
  /** A CEL/seed expression over metrics, vars and artifacts that must hold. */
  expr: string
}

export interface TraceRequirement extends RequirementBase {
  type: 'trace'
  /** Id patterns to look for, default ADR-\d+ and RFC-\d+ (case-insensitive). */
  prefixes?: string[]
  /** Folder the referenced ids must exist under (default artifacts/). */
  under?: string
}

/** Instruction files (seed 003): each matched file has frontmatter applyTo and description. */
export interface InstructionsRequirement extends RequirementBase {
  type: 'instructions'
  /** Glob of instruction files, e.g. .github/instructions/*.instructions.md. */
  glob: string
}

export type Requirement =
  | ArtifactRequirement
  | MetricRequirement
  | ReviewRequirement
  | PolicyRequirement
  | TraceRequirement
  | InstructionsRequirement

export interface GraphNode extends Located {
  id: string
  kind: NodeKind
  description?: string
  produces?: string[]
  consumes?: string[]
  /** activity/calibrate: one successor. */
  next?: string
  /** decision: branches, in order; the else branch last. */
  branches?: Branch[]
  /** gate */
  pass?: string
  fail?: string
  requires?: Requirement[]
  /** calibrate: cron schedule and/or triggers (e.g. release, incident). */
  schedule?: string
  triggers?: string[]
  /** Legacy free-text criteria (MaintAInPro dialect); vague, kept for display. */
  criteria?: string[]
  /** Legacy evidence paths (MaintAInPro dialect). */
  evidence?: string[]
  /** A process end, even when the node still has a successor (e.g. a hand-off to another process). */
  end?: boolean
  /** The node of a loop that runs forever by design: its loop gets no "no way out" finding. */
  loop?: boolean
  /** gate: stages (or every stage, true) where a gate whose requirements were all skipped does not fail the run. */
  optional?: true | Stage[]
  /** Field positions, for findings on a specific field. */
  fieldPos: Record<string, Position | undefined>
}

/** An evidence declaration: which files feed which metric namespace. */
export interface EvidenceDeclaration extends Located {
  /** The namespace the files feed: tests, coverage, mutation, sarif, sbom, perf, or a custom name. */
  name: string
  paths: string[]
  /** Format override; auto-detected from content when absent. */
  format?: string
  /** Evidence older than this many hours is stale. */
  maxAgeHours?: number
  /** SBOM evidence: SPDX licence ids that count towards sbom.licenses.denied. */
  denyLicenses?: string[]
  /** JUnit evidence: a test listed several times in one suite counts every try, or once (merge). */
  retries?: 'count' | 'merge'
  /** Coverage/mutation evidence: report-path prefix → repository-path prefix, tried in order. */
  pathMap?: Array<[string, string]>
}

export interface VarRef {
  file: string
  key: string
}

export interface ProcessGraph {
  file: string
  version?: number
  nodes: GraphNode[]
  byId: Map<string, GraphNode>
  /** The entry node: `start` if given, else the first node. */
  entry?: string
  vars: Map<string, number | string | boolean | VarRef>
  /** Namespaces loaded from files, e.g. { nfr: requirements/nfr.yml }. */
  imports: Map<string, string>
  evidence: EvidenceDeclaration[]
  stages: Stage[]
  /** Whether `stages:` was written in the file (else `stages` holds the default). */
  stagesDeclared?: boolean
  /** The position of a path in the graph file, e.g. ['stages'], looked up on demand. */
  locate?: (path: Array<string | number>, opts?: { key?: boolean }) => Position | undefined
}
