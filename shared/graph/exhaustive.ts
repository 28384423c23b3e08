import { parseExpression, treeOf, type Node } from '../expr/index.js'

/** Beyond this many distinct conditions the truth table is too big to enumerate; not proven. */
const MAX_ATOMS = 12

type Formula =
  | { atom: number; negated: boolean }
  | { op: 'and' | 'or'; left: Formula; right: Formula }
  | { not: Formula }
  | { constant: boolean }

const NEGATION: Record<string, string> = { '<': '>=', '>': '<=', '!=': '==' }

/**
 * True when the branch conditions of a decision cover every case, so no `else` is needed:
 * conditions are reduced to atoms (comparisons, with `a < b` the negation of `a >= b`, and bare
 * names) and every assignment of truth values is tried. Assignments that no real values could
 * produce are tried too, so this can only under-claim, never claim coverage that is not there.
 */
export function branchesAreExhaustive(conditions: string[]): boolean {
  const atoms = new Map<string, number>()
  const formulas: Formula[] = []
  try {
    for (const c of conditions) formulas.push(toFormula(treeOf(parseExpression(c)), c, atoms))
  } catch {
    return false
  }
  if (atoms.size > MAX_ATOMS) return false
  for (let bits = 0; bits < 1 << atoms.size; bits++) {
    if (!formulas.some((f) => holds(f, bits))) return false
  }
  return true
}

function toFormula(node: Node, source: string, atoms: Map<string, number>): Formula {
  const atomOf = (key: string) => {
    if (!atoms.has(key)) atoms.set(key, atoms.size)
    return atoms.get(key) as number
  }
  switch (node.type) {
    case 'logical':
      return {
        op: node.op === '&&' ? 'and' : 'or',
        left: toFormula(node.left, source, atoms),
        right: toFormula(node.right, source, atoms)
      }
    case 'unary':
      if (node.op === '!') return { not: toFormula(node.operand, source, atoms) }
      break
    case 'literal':
      if (typeof node.value === 'boolean') return { constant: node.value }
      break
    case 'ident':
      return { atom: atomOf(node.name), negated: false }
    case 'binary': {
      const left = source.slice(node.left.start, node.left.end).replace(/\s+/g, '')
      const right = source.slice(node.right.start, node.right.end).replace(/\s+/g, '')
      const negated = node.op in NEGATION
      const op = negated ? NEGATION[node.op] : node.op
      return { atom: atomOf(`${left}${op}${right}`), negated }
    }
  }
  return { atom: atomOf(source.slice(node.start, node.end)), negated: false }
}

function holds(f: Formula, bits: number): boolean {
  if ('constant' in f) return f.constant
  if ('not' in f) return !holds(f.not, bits)
  if ('atom' in f) return (((bits >> f.atom) & 1) === 1) !== f.negated
  return f.op === 'and'
    ? holds(f.left, bits) && holds(f.right, bits)
    : holds(f.left, bits) || holds(f.right, bits)
}
