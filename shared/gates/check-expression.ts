import {
  evaluate,
  parseExpression,
  renderWithValues,
  treeOf,
  ExpressionError,
  formatValue,
  type Expression,
  type Scope,
  type Value
} from '../expr/index.js'
import { errorMessage } from '../errors.js'
import type { ActualValue } from '../report/types.js'
import type { CheckOutcome } from './outcome.js'

/** Explains why names have no value: missing evidence (naming the file) or an undefined name. */
export type MissingExplainer = (names: string[]) => {
  status: 'missing-evidence' | 'failed' | 'error'
  message: string
  evidence: string[]
}

export interface ExpressionContext {
  scope: Scope
  explainMissing: MissingExplainer
  /** Evidence files that fed the names an expression reads. */
  evidenceFor(names: readonly string[]): string[]
}

export function parseCheck(source: string): Expression | { error: string } {
  try {
    return parseExpression(source)
  } catch (error) {
    if (error instanceof ExpressionError) return { error: error.message }
    return { error: errorMessage(error) }
  }
}

/**
 * Evaluates a metric or policy expression. Only a real `true` passes: a name without a value, a
 * NaN, a type mismatch or a non-boolean result never does. The outcome carries the values read
 * (actual), what was required (expected) and the expression with values filled in (detail).
 */
export function checkExpression(
  source: string,
  ctx: ExpressionContext,
  what: string
): CheckOutcome {
  const parsed = parseCheck(source)
  if ('error' in parsed) {
    return {
      status: 'error',
      check: source,
      message: `The ${what} "${source}" is not a valid expression: ${parsed.error}`,
      evidence: []
    }
  }
  const expr = parsed
  const evidence = ctx.evidenceFor(expr.identifiers)
  const actual = actualValues(expr, ctx.scope)
  const detail = renderWithValues(expr, ctx.scope)
  const expected = expectedOf(expr, ctx.scope)
  const base = { check: source, evidence, actual, detail, ...(expected ? { expected } : {}) }
  const outcome = evaluate(expr, ctx.scope)
  if (outcome.kind === 'undefined') {
    const why = ctx.explainMissing(outcome.names)
    return {
      ...base,
      status: why.status,
      message: why.message,
      evidence: [...new Set([...evidence, ...why.evidence])]
    }
  }
  if (outcome.kind === 'error')
    return { ...base, status: 'error', message: `${detail}: ${outcome.message}` }
  if (typeof outcome.value !== 'boolean') {
    return {
      ...base,
      status: 'error',
      message: `${source} gives ${formatValue(outcome.value)}, not true or false; write a comparison such as "x >= 80".`
    }
  }
  return outcome.value
    ? { ...base, status: 'passed', message: `${detail} holds.` }
    : { ...base, status: 'failed', message: `${detail} does not hold.` }
}

function actualValues(expr: Expression, scope: Scope): Record<string, ActualValue> {
  const out: Record<string, ActualValue> = {}
  for (const name of expr.identifiers) {
    let v: Value | undefined
    try {
      v = scope(name)
    } catch {
      v = undefined
    }
    if (v === undefined) continue
    if (Array.isArray(v)) out[name] = formatValue(v)
    else if (typeof v === 'number' && !Number.isFinite(v)) out[name] = String(v)
    else out[name] = v
  }
  return out
}

/**
 * For the common `name OP right` form, the requirement as a reader wants it: ">= 80", or with the
 * right side's names filled in, "<= target (200)". Otherwise the whole expression.
 */
function expectedOf(expr: Expression, scope: Scope): string | undefined {
  let root
  try {
    root = treeOf(expr)
  } catch {
    return undefined
  }
  if (
    root.type === 'binary' &&
    ['<', '<=', '>', '>=', '==', '!='].includes(root.op) &&
    root.left.type === 'ident'
  ) {
    const rightSource = expr.source.slice(root.right.start, root.right.end)
    const right = parseCheck(rightSource)
    const rendered = 'error' in right ? rightSource : renderWithValues(right, scope)
    return `${root.op} ${rendered}`
  }
  return expr.source
}
