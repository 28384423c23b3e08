import type { Node } from '../../shared/expr/ast.js'
import type { Value } from '../../shared/expr/index.js'

/** Fully parenthesised rendering of a tree, to assert how the parser grouped things. */
export function sexpr(node: Node): string {
  switch (node.type) {
    case 'literal':
      return JSON.stringify(node.value)
    case 'ident':
      return node.name
    case 'list':
      return `[${node.items.map(sexpr).join(' ')}]`
    case 'unary':
      return `(${node.op} ${sexpr(node.operand)})`
    case 'binary':
    case 'logical':
      return `(${node.op} ${sexpr(node.left)} ${sexpr(node.right)})`
    case 'ternary':
      return `(? ${sexpr(node.cond)} ${sexpr(node.then)} ${sexpr(node.else)})`
    case 'call':
      return `(${node.fn} ${node.args.map(sexpr).join(' ')})`
  }
}

export function scopeOf(values: Record<string, Value>): (name: string) => Value | undefined {
  const map = new Map(Object.entries(values))
  return (name) => map.get(name)
}
