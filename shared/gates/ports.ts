import type { Change } from '../change/model.js'
import type { ArtifactRequirement, EvidenceDeclaration } from '../graph/model.js'

/**
 * The engine's view of evidence collection and artifact checks. index.ts wires the real readers
 * from shared/evidence; unit tests of the engine's own rules can hand in a recorded collection.
 */

export interface CollectedProblem {
  file: string
  problem: string
  message: string
  line?: number
}

export interface CollectedFinding {
  file: string
  line?: number
  endLine?: number
  title: string
  message: string
  level: 'error' | 'warning' | 'notice'
  kind: string
}

export interface CollectedSet {
  declaration: Pick<EvidenceDeclaration, 'name' | 'paths'>
  files: Array<{ file: string }>
  errors: CollectedProblem[]
}

export interface CollectedEvidence {
  metrics: Map<string, number>
  sources: Map<string, string[]>
  sets: CollectedSet[]
  errors: CollectedProblem[]
  findings: CollectedFinding[]
  findingsTotal: number
  /** The change the change-dependent metrics came from, or why there is none. */
  change?: { description: string; notes: string[] } | { problem: string }
}

import type { ArtifactCheck } from '../evidence/documents/artifact.js'

export type { ArtifactCheck }

export interface EvidencePort {
  collect(opts: {
    root: string
    /** Where .process/evidence.yaml is read (the policy in force); default root. */
    policyRoot?: string
    graphDeclarations: EvidenceDeclaration[]
    overrides?: string
    now: Date
    changedLines?: Map<string, Set<number>>
    /** The change: gives changes.* and, when changedLines is not given, the changed lines. */
    change?: Change
    changeProblem?: string
    maxFindings: number
  }): Promise<CollectedEvidence>
  /** Reads the artifact's files (and the templates beside them, which a filled-in file must not copy). */
  checkArtifact(
    req: ArtifactRequirement,
    opts: { root: string; now: Date }
  ): ArtifactCheck | Promise<ArtifactCheck>
  /** A frontmatter value of a sign-off document. */
  readFrontmatter(root: string, file: string): { data?: Record<string, unknown>; problem?: string }
}
