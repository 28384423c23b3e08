import type { Node } from './ast.js'
import { lookup, type Scope } from './evaluate.js'
import { treeOf, type Expression } from './parser.js'
import { formatValue } from './values.js'

export interface Comparison {
  name: string
  op: '<' | '<=' | '>' | '>=' | '==' | '!='
  value: number
  /** 0-based offset of the whole comparison in the source. */
  offset: number
  /** Offsets of the number literal in the source (end exclusive), so a tool can rewrite it. */
  literalStart: number
  literalEnd: number
}

const FLIPPED = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' } as const

/**
 * Every `name OP number` comparison that decides the expression's truth directly, i.e. reached
 * through `&&`, `||` and ternary branches but not under `!`/`not` (a ratchet proposal read from
 * a negated comparison would point the wrong way). `80 <= x` comes back as `x >= 80`.
 */
export function comparisons(expr: Expression): Comparison[] {
  const out: Comparison[] = []
  let root: Node
  try {
    root = treeOf(expr)
  } catch {
    return out
  }
  const stack: Node[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.type === 'logical') stack.push(node.right, node.left)
    else if (node.type === 'ternary') stack.push(node.else, node.then)
    else if (
      node.type === 'binary' &&
      node.op !== 'in' &&
      FLIPPED[node.op as keyof typeof FLIPPED] !== undefined
    ) {
      const op = node.op as Comparison['op']
      const { left, right } = node
      if (left.type === 'ident' && right.type === 'literal' && typeof right.value === 'number') {
        out.push({
          name: left.name,
          op,
          value: right.value,
          offset: node.start,
          literalStart: right.start,
          literalEnd: right.end
        })
      } else if (
        right.type === 'ident' &&
        left.type === 'literal' &&
        typeof left.value === 'number'
      ) {
        out.push({
          name: right.name,
          op: FLIPPED[op],
          value: left.value,
          offset: node.start,
          literalStart: left.start,
          literalEnd: left.end
        })
      }
    }
  }
  return out
}

/**
 * The source as the user wrote it with each name's value after it, for failure messages:
 * `coverage.lines >= 80` becomes `coverage.lines (71.2) >= 80`. Names inside has() are left
 * alone; a name without a value shows `(missing)`.
 */
export function renderWithValues(expr: Expression, scope: Scope): string {
  let root: Node
  try {
    root = treeOf(expr)
  } catch {
    return expr.source
  }
  const idents: Array<Extract<Node, { type: 'ident' }>> = []
  const stack: Node[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    switch (node.type) {
      case 'ident':
        idents.push(node)
        break
      case 'list':
        stack.push(...node.items)
        break
      case 'unary':
        stack.push(node.operand)
        break
      case 'binary':
      case 'logical':
        stack.push(node.left, node.right)
        break
      case 'ternary':
        stack.push(node.cond, node.then, node.else)
        break
      case 'call':
        if (node.fn !== 'has') stack.push(...node.args)
        break
    }
  }
  idents.sort((a, b) => a.start - b.start)
  const cache = new Map<string, string>()
  let out = ''
  let pos = 0
  for (const id of idents) {
    let shown = cache.get(id.name)
    if (shown === undefined) {
      const r = lookup(scope, id.name)
      shown =
        r.kind === 'value'
          ? formatValue(r.value)
          : r.kind === 'undefined'
            ? 'missing'
            : 'unreadable'
      cache.set(id.name, shown)
    }
    out += `${expr.source.slice(pos, id.end)} (${shown})`
    pos = id.end
  }
  return out + expr.source.slice(pos)
}
