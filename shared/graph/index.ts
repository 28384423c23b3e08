export * from './model.js'
export * from './findings.js'
export { loadGraph, normalise, MAX_GRAPH_BYTES, type LoadedGraph } from './load.js'
export {
  validateGraphFile,
  checkGraph,
  type ValidationResult,
  type ValidateOptions
} from './validate.js'
export { resolveValues, type ResolvedValues, type ScalarValue } from './values.js'
export { GRAPH_SCHEMA } from './schema.js'
