/**
 * A syntax error in an expression. `offset` and `length` point into the source so callers can
 * turn them into a file line and column (the expression usually sits inside a YAML scalar).
 */
export class ExpressionError extends Error {
  readonly offset: number
  readonly length: number
  constructor(message: string, offset: number, length = 0) {
    super(message)
    this.name = 'ExpressionError'
    this.offset = offset
    this.length = length
  }
}

/** 1-based column for messages: what a user counts, not what the parser counts. */
export function column(offset: number): number {
  return offset + 1
}
