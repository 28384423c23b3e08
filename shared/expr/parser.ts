import {
  FUNCTION_NAMES,
  type FunctionName,
  type Node,
  type RelationOp,
  type ArithmeticOp
} from './ast.js'
import { ExpressionError, column } from './errors.js'
import { tokenize, type Token } from './lexer.js'

/** Longer conditions are almost certainly generated or hostile; 4 KiB is plenty for a gate. */
export const MAX_SOURCE_LENGTH = 4096
/** Bounds the parser's recursion (parentheses, unary operators, ternaries, calls, lists). */
export const MAX_NESTING_DEPTH = 64

export interface Expression {
  readonly source: string
  /** Dotted names referenced, deduplicated, in order of first appearance. */
  readonly identifiers: readonly string[]
}

// The tree stays out of the public object so an Expression is plain data (it serialises to its
// source), and evaluate() can still re-parse an Expression that was built by hand.
const trees = new WeakMap<Expression, Node>()

export function parseExpression(source: string): Expression {
  const { node, identifiers } = parseToTree(source)
  const expr: Expression = Object.freeze({ source, identifiers: Object.freeze(identifiers) })
  trees.set(expr, node)
  return expr
}

/** The syntax tree of a parsed expression; re-parses one that did not come from parseExpression. */
export function treeOf(expr: Expression): Node {
  const cached = trees.get(expr)
  if (cached !== undefined) return cached
  const { node } = parseToTree(expr.source)
  trees.set(expr, node)
  return node
}

const enum Prec {
  Ternary = 1,
  Or = 2,
  And = 3,
  Not = 4,
  Relation = 5,
  Additive = 6,
  Multiplicative = 7,
  Unary = 8
}

interface BinaryInfo {
  prec: Prec
  op: RelationOp | ArithmeticOp | '&&' | '||'
}

function binaryInfo(t: Token): BinaryInfo | undefined {
  if (t.kind === 'keyword') {
    if (t.value === 'or') return { prec: Prec.Or, op: '||' }
    if (t.value === 'and') return { prec: Prec.And, op: '&&' }
    if (t.value === 'in') return { prec: Prec.Relation, op: 'in' }
    return undefined
  }
  if (t.kind !== 'op') return undefined
  switch (t.value) {
    case '||':
      return { prec: Prec.Or, op: '||' }
    case '&&':
      return { prec: Prec.And, op: '&&' }
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return { prec: Prec.Relation, op: t.value }
    case '+':
    case '-':
      return { prec: Prec.Additive, op: t.value }
    case '*':
    case '/':
    case '%':
      return { prec: Prec.Multiplicative, op: t.value }
  }
  return undefined
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of input'
  const text = t.text.length > 30 ? `${t.text.slice(0, 29)}…` : t.text
  return `'${text}'`
}

function parseToTree(source: string): { node: Node; identifiers: string[] } {
  if (typeof source !== 'string') {
    throw new ExpressionError('an expression must be a string', 0, 0)
  }
  if (source.length > MAX_SOURCE_LENGTH) {
    throw new ExpressionError(
      `expression is ${source.length} characters long; the limit is ${MAX_SOURCE_LENGTH}`,
      MAX_SOURCE_LENGTH,
      source.length - MAX_SOURCE_LENGTH
    )
  }
  const parser = new Parser(tokenize(source))
  const node = parser.parseTop()
  return { node, identifiers: parser.identifiers }
}

/**
 * A Pratt parser. Recursion happens only for nesting (parentheses, prefix operators, ternary
 * branches, call arguments, list items), never along a chain like `a + b + c`, and every
 * recursive step counts towards MAX_NESTING_DEPTH, so hostile input cannot overflow the stack.
 */
class Parser {
  private pos = 0
  private depth = 0
  readonly identifiers: string[] = []
  private readonly seen = new Set<string>()

  constructor(private readonly tokens: Token[]) {}

  parseTop(): Node {
    if (this.peek().kind === 'eof') {
      throw new ExpressionError('expected an expression at column 1, found an empty string', 0, 0)
    }
    const node = this.parseExpr(Prec.Ternary)
    const t = this.peek()
    if (t.kind !== 'eof') {
      const hint = t.kind === 'op' && t.value === ')' ? ' (unbalanced parenthesis)' : ''
      throw new ExpressionError(
        `expected an operator or the end of the expression at column ${column(t.start)}, found ${describe(t)}${hint}`,
        t.start,
        t.end - t.start
      )
    }
    return node
  }

  private peek(): Token {
    return this.tokens[this.pos]
  }

  private next(): Token {
    const t = this.tokens[this.pos]
    if (t.kind !== 'eof') this.pos++
    return t
  }

  private isOp(t: Token, op: string): boolean {
    return t.kind === 'op' && t.value === op
  }

  private expectOp(op: string, context: string): Token {
    const t = this.peek()
    if (!this.isOp(t, op)) {
      throw new ExpressionError(
        `expected '${op}' at column ${column(t.start)} ${context}, found ${describe(t)}`,
        t.start,
        t.end - t.start
      )
    }
    return this.next()
  }

  private enter(at: Token): void {
    this.depth++
    if (this.depth > MAX_NESTING_DEPTH) {
      throw new ExpressionError(
        `expression is nested more than ${MAX_NESTING_DEPTH} levels deep at column ${column(at.start)}`,
        at.start,
        at.end - at.start
      )
    }
  }

  private parseExpr(minPrec: Prec): Node {
    this.enter(this.peek())
    let left = this.parsePrefix(minPrec)
    let relationSeen = false
    for (;;) {
      const t = this.peek()
      if (this.isOp(t, '?')) {
        if (minPrec > Prec.Ternary) break
        this.next()
        const then = this.parseOperand(Prec.Ternary, t)
        this.expectOp(':', `to match the '?' at column ${column(t.start)}`)
        const otherwise = this.parseOperand(Prec.Ternary, this.tokens[this.pos - 1])
        left = {
          type: 'ternary',
          cond: left,
          then,
          else: otherwise,
          start: left.start,
          end: otherwise.end
        }
        continue
      }
      const info = binaryInfo(t)
      if (info === undefined || info.prec < minPrec) break
      if (info.prec === Prec.Relation) {
        if (relationSeen) {
          throw new ExpressionError(
            `comparisons cannot be chained: '${t.text}' at column ${column(t.start)} follows another comparison; join them with '&&'`,
            t.start,
            t.end - t.start
          )
        }
        relationSeen = true
      }
      this.next()
      const right = this.parseOperand(info.prec + 1, t)
      if (info.op === '&&' || info.op === '||') {
        left = {
          type: 'logical',
          op: info.op,
          spelling: t.text,
          left,
          right,
          opStart: t.start,
          start: left.start,
          end: right.end
        }
      } else {
        left = {
          type: 'binary',
          op: info.op,
          left,
          right,
          opStart: t.start,
          start: left.start,
          end: right.end
        }
      }
    }
    this.depth--
    return left
  }

  /** An operand after an operator: a missing one gets a message naming that operator. */
  private parseOperand(minPrec: Prec, after: Token): Node {
    const t = this.peek()
    if (!this.startsOperand(t)) {
      throw new ExpressionError(
        `expected an operand after '${after.text}' at column ${column(t.start)}, found ${describe(t)}`,
        t.start,
        t.end - t.start
      )
    }
    return this.parseExpr(minPrec)
  }

  private startsOperand(t: Token): boolean {
    if (t.kind === 'number' || t.kind === 'string' || t.kind === 'name') return true
    if (t.kind === 'keyword') return t.value !== 'and' && t.value !== 'or' && t.value !== 'in'
    if (t.kind === 'op')
      return t.value === '(' || t.value === '[' || t.value === '-' || t.value === '!'
    return false
  }

  private parsePrefix(minPrec: Prec): Node {
    const t = this.next()
    switch (t.kind) {
      case 'number':
        return { type: 'literal', value: t.value as number, start: t.start, end: t.end }
      case 'string':
        return { type: 'literal', value: t.value as string, start: t.start, end: t.end }
      case 'name':
        return this.parseNameOrCall(t)
      case 'keyword':
        return this.parseKeyword(t, minPrec)
      case 'op':
        return this.parsePrefixOp(t)
      case 'eof': {
        throw new ExpressionError(
          `expected an operand at column ${column(t.start)}, found end of input`,
          t.start,
          0
        )
      }
    }
  }

  private parseKeyword(t: Token, minPrec: Prec): Node {
    switch (t.value) {
      case 'true':
        return { type: 'literal', value: true, start: t.start, end: t.end }
      case 'false':
        return { type: 'literal', value: false, start: t.start, end: t.end }
      case 'null':
        return { type: 'literal', value: null, start: t.start, end: t.end }
      case 'not': {
        // Python's `not` binds looser than comparisons: `not a == b` is `not (a == b)`.
        if (minPrec > Prec.Not) {
          throw new ExpressionError(
            `'not' at column ${column(t.start)} needs parentheses here, e.g. (not x); or use '!'`,
            t.start,
            t.end - t.start
          )
        }
        const operand = this.parseOperand(Prec.Not, t)
        return {
          type: 'unary',
          op: '!',
          spelling: 'not',
          operand,
          start: t.start,
          end: operand.end
        }
      }
      case 'else':
        throw new ExpressionError(
          `'else' at column ${column(t.start)} is not an expression: it is only valid as a decision's fallback branch on its own`,
          t.start,
          t.end - t.start
        )
      default:
        throw new ExpressionError(
          `expected an operand at column ${column(t.start)}, found the operator '${t.text}'`,
          t.start,
          t.end - t.start
        )
    }
  }

  private parsePrefixOp(t: Token): Node {
    switch (t.value) {
      case '(': {
        const inner = this.parseOperand(Prec.Ternary, t)
        const close = this.expectOp(')', `to close the '(' at column ${column(t.start)}`)
        // Widen the span so messages and renderings include the parentheses.
        return { ...inner, start: t.start, end: close.end } as Node
      }
      case '[':
        return this.parseList(t)
      case '-': {
        const operand = this.parseOperand(Prec.Unary, t)
        // Fold `-5` into a literal so `x > -5` is still a simple comparison with a number.
        if (operand.type === 'literal' && typeof operand.value === 'number') {
          return {
            type: 'literal',
            value: operand.value === 0 ? 0 : -operand.value,
            start: t.start,
            end: operand.end
          }
        }
        return { type: 'unary', op: '-', spelling: '-', operand, start: t.start, end: operand.end }
      }
      case '!': {
        const operand = this.parseOperand(Prec.Unary, t)
        return { type: 'unary', op: '!', spelling: '!', operand, start: t.start, end: operand.end }
      }
    }
    const prev = this.pos >= 2 ? this.tokens[this.pos - 2] : undefined
    const where = prev ? ` after '${prev.text}'` : ''
    throw new ExpressionError(
      `expected an operand${where} at column ${column(t.start)}, found ${describe(t)}`,
      t.start,
      t.end - t.start
    )
  }

  private parseList(open: Token): Node {
    const items: Node[] = []
    while (!this.isOp(this.peek(), ']')) {
      items.push(
        this.parseOperand(Prec.Ternary, items.length === 0 ? open : this.tokens[this.pos - 1])
      )
      if (!this.isOp(this.peek(), ',')) break
      this.next()
    }
    const close = this.expectOp(']', `to close the list opened at column ${column(open.start)}`)
    return { type: 'list', items, start: open.start, end: close.end }
  }

  private parseNameOrCall(t: Token): Node {
    const name = t.value as string
    if (!this.isOp(this.peek(), '(')) {
      this.addIdentifier(name)
      return { type: 'ident', name, start: t.start, end: t.end }
    }
    if (name.includes('.')) {
      throw new ExpressionError(
        `'${name}(' at column ${column(t.start)}: method calls are not supported; the functions are ${FUNCTION_NAMES.join(', ')}`,
        t.start,
        t.end - t.start
      )
    }
    if (!(FUNCTION_NAMES as readonly string[]).includes(name)) {
      throw new ExpressionError(
        `unknown function '${name}' at column ${column(t.start)}; the functions are ${FUNCTION_NAMES.join(', ')}`,
        t.start,
        t.end - t.start
      )
    }
    const fn = name as FunctionName
    const open = this.next()
    this.enter(open)
    const args: Node[] = []
    while (!this.isOp(this.peek(), ')')) {
      args.push(
        this.parseOperand(Prec.Ternary, args.length === 0 ? open : this.tokens[this.pos - 1])
      )
      if (!this.isOp(this.peek(), ',')) break
      this.next()
    }
    const close = this.expectOp(')', `to close the call to ${fn}() at column ${column(t.start)}`)
    this.depth--
    const call: Node = { type: 'call', fn, args, start: t.start, end: close.end }
    checkArity(call, fn, args)
    return call
  }

  private addIdentifier(name: string): void {
    if (this.seen.has(name)) return
    this.seen.add(name)
    this.identifiers.push(name)
  }
}

function checkArity(call: Node, fn: FunctionName, args: Node[]): void {
  const at = `at column ${column(call.start)}`
  const fail = (msg: string): never => {
    throw new ExpressionError(`${msg} ${at}`, call.start, call.end - call.start)
  }
  switch (fn) {
    case 'has':
      if (args.length !== 1 || args[0].type !== 'ident')
        fail('has() takes one name, e.g. has(coverage.lines),')
      break
    case 'size':
    case 'abs':
      if (args.length !== 1) fail(`${fn}() takes exactly one argument, got ${args.length},`)
      break
    case 'min':
    case 'max':
      if (args.length === 0) fail(`${fn}() needs at least one argument`)
      break
  }
}
