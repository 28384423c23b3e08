import type { Node } from './ast.js'
import { column } from './errors.js'
import { treeOf, type Expression } from './parser.js'
import { formatValue, invalidValue, typeOfValue, valuesEqual, type Value } from './values.js'

/** Resolves a whole dotted name; undefined means the name has no value (missing evidence). */
export type Scope = (name: string) => Value | undefined

export type EvalOutcome =
  | { kind: 'value'; value: Value }
  | { kind: 'undefined'; names: string[] }
  | { kind: 'error'; message: string }

// Internal results mirror EvalOutcome; `names` may repeat and is deduplicated at the end.
type Result = EvalOutcome

const ok = (value: Value): Result => ({ kind: 'value', value })
const fail = (message: string): Result => ({ kind: 'error', message })

/**
 * Evaluates an expression. Never throws: a broken scope, a type mismatch or a division by zero
 * becomes `{ kind: 'error' }`, and names without a value become `{ kind: 'undefined' }` unless
 * `&&`, `||` or `?:` skip them (left to right), so `has(x) && x > 1` works.
 */
export function evaluate(expr: Expression, scope: Scope): EvalOutcome {
  try {
    const result = new Evaluator(scope).eval(treeOf(expr))
    if (result.kind === 'undefined') return { kind: 'undefined', names: [...new Set(result.names)] }
    return result
  } catch (e) {
    // Only reachable through a malformed hand-built Expression or a bug; still no throw.
    return fail(e instanceof Error ? e.message : String(e))
  }
}

/** Fails closed: only a real `true` passes; missing names, errors and non-booleans do not. */
export function truthy(outcome: EvalOutcome): boolean {
  return outcome.kind === 'value' && outcome.value === true
}

/** Reads a name through the scope, turning a throwing scope or an unusable value into an error. */
export function lookup(scope: Scope, name: string): Result {
  let v: unknown
  try {
    v = scope(name)
  } catch (e) {
    return fail(`could not read ${name}: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (v === undefined) return { kind: 'undefined', names: [name] }
  const problem = invalidValue(v)
  if (problem !== undefined) return fail(`${name} ${problem}`)
  return ok(v as Value)
}

function describeType(v: Value): string {
  return typeOfValue(v)
}

class Evaluator {
  constructor(private readonly scope: Scope) {}

  eval(node: Node): Result {
    switch (node.type) {
      case 'literal':
        return ok(node.value)
      case 'ident':
        return lookup(this.scope, node.name)
      case 'list':
        return this.evalAll(node.items, (values) => ok(values))
      case 'unary':
        return this.evalUnary(node)
      case 'logical':
        return this.evalLogical(node)
      case 'ternary':
        return this.evalTernary(node)
      case 'binary':
        return this.evalAll([node.left, node.right], ([a, b]) => this.applyBinary(node, a, b))
      case 'call':
        return this.evalCall(node)
    }
  }

  /**
   * Evaluates every operand: an error wins over missing names (it is the more specific problem),
   * and missing names from all operands are reported together.
   */
  private evalAll(nodes: Node[], then: (values: Value[]) => Result): Result {
    const values: Value[] = []
    let missing: string[] | undefined
    for (const n of nodes) {
      const r = this.eval(n)
      if (r.kind === 'error') return r
      if (r.kind === 'undefined') (missing ??= []).push(...r.names)
      else values.push(r.value)
    }
    if (missing !== undefined) return { kind: 'undefined', names: missing }
    return then(values)
  }

  private evalUnary(node: Extract<Node, { type: 'unary' }>): Result {
    const r = this.eval(node.operand)
    if (r.kind !== 'value') return r
    const v = r.value
    if (node.op === '!') {
      if (typeof v !== 'boolean') {
        return fail(
          `'${node.spelling}' needs a boolean, got ${describeType(v)} at column ${column(node.start)}`
        )
      }
      return ok(!v)
    }
    if (typeof v !== 'number') {
      return fail(
        `unary '-' needs a number, got ${describeType(v)} at column ${column(node.start)}`
      )
    }
    return ok(v === 0 ? 0 : -v)
  }

  private evalLogical(node: Extract<Node, { type: 'logical' }>): Result {
    const isAnd = node.op === '&&'
    const left = this.eval(node.left)
    if (left.kind === 'error') return left
    if (left.kind === 'value') {
      if (typeof left.value !== 'boolean') return this.notBoolean(node, left.value, 'left')
      if (left.value !== isAnd) return left // false && …, true || …: the right side is skipped
      const right = this.eval(node.right)
      if (right.kind === 'value' && typeof right.value !== 'boolean')
        return this.notBoolean(node, right.value, 'right')
      return right
    }
    // The left side is missing: the result is missing whatever the right side gives, but its
    // missing names are worth reporting too so users fix all of them at once.
    const right = this.eval(node.right)
    if (right.kind === 'error') return right
    if (right.kind === 'undefined')
      return { kind: 'undefined', names: [...left.names, ...right.names] }
    return left
  }

  private notBoolean(node: Extract<Node, { type: 'logical' }>, v: Value, side: string): Result {
    return fail(
      `'${node.spelling}' needs booleans, but its ${side} side is ${describeType(v)} ${formatValue(v)} at column ${column(node.opStart)}`
    )
  }

  private evalTernary(node: Extract<Node, { type: 'ternary' }>): Result {
    const cond = this.eval(node.cond)
    if (cond.kind !== 'value') return cond
    if (typeof cond.value !== 'boolean') {
      return fail(
        `the condition before '?' must be a boolean, got ${describeType(cond.value)} at column ${column(node.start)}`
      )
    }
    return this.eval(cond.value ? node.then : node.else)
  }

  private applyBinary(node: Extract<Node, { type: 'binary' }>, a: Value, b: Value): Result {
    const at = `at column ${column(node.opStart)}`
    switch (node.op) {
      case '==':
      case '!=': {
        const eq = valuesEqual(a, b)
        if (typeof eq !== 'boolean')
          return fail(`'${node.op}' cannot compare ${eq.mismatch[0]} with ${eq.mismatch[1]} ${at}`)
        return ok(node.op === '==' ? eq : !eq)
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const bothNumbers = typeof a === 'number' && typeof b === 'number'
        const bothStrings = typeof a === 'string' && typeof b === 'string'
        if (!bothNumbers && !bothStrings) {
          return fail(
            `'${node.op}' cannot order ${describeType(a)} against ${describeType(b)} ${at}`
          )
        }
        const x = a as number | string
        const y = b as number | string
        if (node.op === '<') return ok(x < y)
        if (node.op === '<=') return ok(x <= y)
        if (node.op === '>') return ok(x > y)
        return ok(x >= y)
      }
      case 'in': {
        if (!Array.isArray(b))
          return fail(`'in' needs a list on its right, got ${describeType(b)} ${at}`)
        for (const item of b) {
          const eq = valuesEqual(a, item)
          if (typeof eq !== 'boolean')
            return fail(
              `'in' cannot compare ${eq.mismatch[0]} with a ${eq.mismatch[1]} element ${at}`
            )
          if (eq) return ok(true)
        }
        return ok(false)
      }
      case '+':
        if (typeof a === 'string' && typeof b === 'string') return ok(a + b)
        if (Array.isArray(a) && Array.isArray(b)) return ok([...a, ...b])
        return this.arithmetic(node.op, a, b, at)
      default:
        return this.arithmetic(node.op, a, b, at)
    }
  }

  private arithmetic(op: '+' | '-' | '*' | '/' | '%', a: Value, b: Value, at: string): Result {
    if (typeof a !== 'number' || typeof b !== 'number') {
      return fail(`'${op}' needs numbers, got ${describeType(a)} and ${describeType(b)} ${at}`)
    }
    if ((op === '/' || op === '%') && b === 0) return fail(`division by zero ${at}`)
    let r: number
    if (op === '+') r = a + b
    else if (op === '-') r = a - b
    else if (op === '*') r = a * b
    else if (op === '/') r = a / b
    else r = a % b
    if (!Number.isFinite(r)) return fail(`'${op}' overflows the number range ${at}`)
    return ok(r === 0 ? 0 : r) // no -0: it prints as 0 but is a distinct value to Object.is
  }

  private evalCall(node: Extract<Node, { type: 'call' }>): Result {
    const at = `at column ${column(node.start)}`
    if (node.fn === 'has') {
      const arg = node.args[0] as Extract<Node, { type: 'ident' }>
      const r = lookup(this.scope, arg.name)
      if (r.kind === 'error') return r
      return ok(r.kind === 'value')
    }
    return this.evalAll(node.args, (args) => {
      switch (node.fn) {
        case 'size': {
          const v = args[0]
          if (typeof v === 'string') return ok([...v].length)
          if (Array.isArray(v)) return ok(v.length)
          return fail(`size() needs a string or a list, got ${describeType(v)} ${at}`)
        }
        case 'abs': {
          const v = args[0]
          if (typeof v !== 'number')
            return fail(`abs() needs a number, got ${describeType(v)} ${at}`)
          return ok(Math.abs(v))
        }
        default: {
          const items = args.length === 1 && Array.isArray(args[0]) ? args[0] : args
          if (items.length === 0) return fail(`${node.fn}() of an empty list ${at}`)
          for (const v of items) {
            if (typeof v !== 'number')
              return fail(`${node.fn}() needs numbers, got ${describeType(v)} ${at}`)
          }
          const nums = items as number[]
          let best = nums[0]
          for (const v of nums) best = node.fn === 'min' ? Math.min(best, v) : Math.max(best, v)
          return ok(best === 0 ? 0 : best)
        }
      }
    })
  }
}
