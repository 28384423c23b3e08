import type { Value } from './values.js'

export type FunctionName = 'size' | 'min' | 'max' | 'abs' | 'has'
export type RelationOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in'
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%'
export type LogicalOp = '&&' | '||'

/** Offsets are 0-based into the source; `end` is exclusive. `op` keeps the canonical spelling. */
export type Node =
  | { type: 'literal'; value: Exclude<Value, Value[]>; start: number; end: number }
  | { type: 'ident'; name: string; start: number; end: number }
  | { type: 'list'; items: Node[]; start: number; end: number }
  | { type: 'unary'; op: '!' | '-'; spelling: string; operand: Node; start: number; end: number }
  | {
      type: 'binary'
      op: RelationOp | ArithmeticOp
      left: Node
      right: Node
      opStart: number
      start: number
      end: number
    }
  | {
      type: 'logical'
      op: LogicalOp
      spelling: string
      left: Node
      right: Node
      opStart: number
      start: number
      end: number
    }
  | { type: 'ternary'; cond: Node; then: Node; else: Node; start: number; end: number }
  | { type: 'call'; fn: FunctionName; args: Node[]; start: number; end: number }

export const FUNCTION_NAMES: readonly FunctionName[] = ['size', 'min', 'max', 'abs', 'has']

export function isRelation(op: string): op is RelationOp {
  return (
    op === '==' ||
    op === '!=' ||
    op === '<' ||
    op === '<=' ||
    op === '>' ||
    op === '>=' ||
    op === 'in'
  )
}
