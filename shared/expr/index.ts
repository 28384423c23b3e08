export type { Value } from './values.js'
export { formatValue } from './values.js'
export { ExpressionError } from './errors.js'
export type { Node } from './ast.js'
export {
  parseExpression,
  treeOf,
  MAX_SOURCE_LENGTH,
  MAX_NESTING_DEPTH,
  type Expression
} from './parser.js'
export { evaluate, truthy, type Scope, type EvalOutcome } from './evaluate.js'
export { typeCheck, type TypeName, type TypeCheckOptions } from './typecheck.js'
export { comparisons, renderWithValues, type Comparison } from './inspect.js'
