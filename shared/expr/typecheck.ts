import type { Node } from './ast.js'
import { column } from './errors.js'
import { treeOf, type Expression } from './parser.js'
import { typeOfValue } from './values.js'

export type TypeName = 'number' | 'string' | 'boolean' | 'list' | 'null' | 'any'

export interface TypeCheckOptions {
  /**
   * The whole expression must give a boolean (gate requirements, decision `when`, waivers,
   * canary conditions). Default true, since every condition in the product is one; pass false
   * for a value expression such as a threshold.
   */
  requireBoolean?: boolean
  /** Also report names that `typeOf` does not know. Off by default: callers usually report unknown names themselves, with their own wording. */
  reportUnknown?: boolean
}

/**
 * Static checks that catch what would otherwise only fail at run time on real evidence:
 * ordering a string against a number, arithmetic on booleans, `!` on a number, a condition that
 * gives a number. Names `typeOf` does not know are `any`, which never produces a message.
 */
export function typeCheck(
  expr: Expression,
  typeOf: (name: string) => TypeName | undefined,
  options: TypeCheckOptions = {}
): string[] {
  const messages: string[] = []
  let root: Node
  try {
    root = treeOf(expr)
  } catch (e) {
    return [e instanceof Error ? e.message : String(e)]
  }
  const checker = new Checker(typeOf, messages, options.reportUnknown === true)
  const t = checker.check(root)
  if ((options.requireBoolean ?? true) && t !== 'boolean' && t !== 'any') {
    messages.push(`a condition must give true or false, but this expression gives a ${t}`)
  }
  return messages
}

class Checker {
  constructor(
    private readonly typeOf: (name: string) => TypeName | undefined,
    private readonly messages: string[],
    private readonly reportUnknown: boolean
  ) {}

  private report(message: string, offset: number): void {
    this.messages.push(`${message} at column ${column(offset)}`)
  }

  private label(node: Node, t: TypeName): string {
    return node.type === 'ident' ? `${t} ${node.name}` : t
  }

  check(node: Node): TypeName {
    switch (node.type) {
      case 'literal':
        return typeOfValue(node.value)
      case 'ident': {
        const t = this.typeOf(node.name)
        if (t === undefined) {
          if (this.reportUnknown) this.report(`unknown name '${node.name}'`, node.start)
          return 'any'
        }
        return t
      }
      case 'list':
        for (const item of node.items) this.check(item)
        return 'list'
      case 'unary': {
        const t = this.check(node.operand)
        if (node.op === '!') {
          if (!fits(t, 'boolean'))
            this.report(
              `'${node.spelling}' needs a boolean, got ${this.label(node.operand, t)}`,
              node.start
            )
          return 'boolean'
        }
        if (!fits(t, 'number'))
          this.report(`unary '-' needs a number, got ${this.label(node.operand, t)}`, node.start)
        return 'number'
      }
      case 'logical': {
        const l = this.check(node.left)
        const r = this.check(node.right)
        for (const [side, t, n] of [
          ['left', l, node.left],
          ['right', r, node.right]
        ] as const) {
          if (!fits(t, 'boolean')) {
            this.report(
              `'${node.spelling}' needs booleans, but its ${side} side is ${this.label(n, t)}`,
              node.opStart
            )
          }
        }
        return 'boolean'
      }
      case 'ternary': {
        const c = this.check(node.cond)
        if (!fits(c, 'boolean'))
          this.report(
            `the condition before '?' must be a boolean, got ${this.label(node.cond, c)}`,
            node.start
          )
        const a = this.check(node.then)
        const b = this.check(node.else)
        return a === b ? a : 'any'
      }
      case 'binary':
        return this.checkBinary(node)
      case 'call':
        return this.checkCall(node)
    }
  }

  private checkBinary(node: Extract<Node, { type: 'binary' }>): TypeName {
    const l = this.check(node.left)
    const r = this.check(node.right)
    const ls = this.label(node.left, l)
    const rs = this.label(node.right, r)
    switch (node.op) {
      case '==':
      case '!=':
        if (l !== 'any' && r !== 'any' && l !== 'null' && r !== 'null' && l !== r) {
          this.report(
            `'${node.op}' compares ${ls} with ${rs}, which is always an error`,
            node.opStart
          )
        }
        return 'boolean'
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const ordered = (t: TypeName) => t === 'number' || t === 'string' || t === 'any'
        if (!ordered(l) || !ordered(r) || (l !== 'any' && r !== 'any' && l !== r)) {
          this.report(`'${node.op}' cannot order ${ls} against ${rs}`, node.opStart)
        }
        return 'boolean'
      }
      case 'in':
        if (!fits(r, 'list')) this.report(`'in' needs a list on its right, got ${rs}`, node.opStart)
        else if (node.right.type === 'list' && l !== 'any' && l !== 'null') {
          for (const item of node.right.items) {
            const it = item.type === 'literal' ? typeOfValue(item.value) : 'any'
            if (it !== 'any' && it !== 'null' && it !== l) {
              this.report(`'in' looks for ${ls} in a list holding a ${it}`, node.opStart)
              break
            }
          }
        }
        return 'boolean'
      case '+':
        if (l === r && (l === 'string' || l === 'list')) return l
        if (
          (l === 'any' && (r === 'string' || r === 'list')) ||
          (r === 'any' && (l === 'string' || l === 'list'))
        ) {
          return l === 'any' ? r : l
        }
        if (l === 'any' && r === 'any') return 'any'
        return this.numeric(node, l, r, ls, rs)
      default:
        if (
          (node.op === '/' || node.op === '%') &&
          node.right.type === 'literal' &&
          node.right.value === 0
        ) {
          this.report(`division by zero`, node.opStart)
        }
        return this.numeric(node, l, r, ls, rs)
    }
  }

  private numeric(
    node: Extract<Node, { type: 'binary' }>,
    l: TypeName,
    r: TypeName,
    ls: string,
    rs: string
  ): TypeName {
    if (!fits(l, 'number') || !fits(r, 'number')) {
      const what =
        l === 'boolean' || r === 'boolean' ? 'arithmetic on a boolean' : 'arithmetic needs numbers'
      this.report(`'${node.op}': ${what}, got ${ls} and ${rs}`, node.opStart)
    }
    return 'number'
  }

  private checkCall(node: Extract<Node, { type: 'call' }>): TypeName {
    if (node.fn === 'has') return 'boolean' // its argument may be anything, that is its purpose
    const types = node.args.map((a) => this.check(a))
    switch (node.fn) {
      case 'size':
        if (!(fits(types[0], 'string') || fits(types[0], 'list'))) {
          this.report(
            `size() needs a string or a list, got ${this.label(node.args[0], types[0])}`,
            node.start
          )
        }
        return 'number'
      case 'abs':
        if (!fits(types[0], 'number'))
          this.report(`abs() needs a number, got ${this.label(node.args[0], types[0])}`, node.start)
        return 'number'
      default: {
        const single = types.length === 1 && (types[0] === 'list' || types[0] === 'any')
        if (!single) {
          types.forEach((t, i) => {
            if (!fits(t, 'number'))
              this.report(
                `${node.fn}() needs numbers, got ${this.label(node.args[i], t)}`,
                node.start
              )
          })
        }
        return 'number'
      }
    }
  }
}

function fits(actual: TypeName, wanted: TypeName): boolean {
  return actual === 'any' || actual === wanted
}
