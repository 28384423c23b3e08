/** Where in a user's file something is wrong. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string
  line?: number
  col?: number
}

/**
 * A mistake the user can fix: bad configuration, a bad path, a malformed graph.
 * Actions report it as a failure with the action's name and never a stack trace.
 */
export class ConfigurationError extends Error {
  readonly location?: SourceLocation
  constructor(message: string, location?: SourceLocation) {
    super(message)
    this.name = 'ConfigurationError'
    this.location = location
  }
}

/** Why a piece of evidence could not be used. Always names the file. */
export type EvidenceProblem =
  | 'missing'
  | 'empty'
  | 'unreadable'
  | 'too-large'
  | 'malformed'
  | 'unsupported'
  | 'stale'
  | 'outside-workspace'
  /** The producing tool says its run did not complete (e.g. SARIF executionSuccessful: false). */
  | 'failed'

/** Evidence that cannot be trusted. A gate that needs it fails; nothing is assumed to pass. */
export class EvidenceError extends Error {
  readonly file: string
  readonly problem: EvidenceProblem
  readonly line?: number
  constructor(file: string, problem: EvidenceProblem, message: string, line?: number) {
    super(`${file}: ${message}`)
    this.name = 'EvidenceError'
    this.file = file
    this.problem = problem
    this.line = line
  }
}

/** A message for any thrown value, without the stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
