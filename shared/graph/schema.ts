import type { ErrorObject } from 'ajv'
import graphSchema from '../../schemas/graph.schema.json' with { type: 'json' }
import { validate as validateGraphSchema } from './graph-schema.validator.js'
import type { LoadedYaml } from '../yaml.js'
import type { GraphFinding } from './findings.js'

/** The published JSON Schema of graph.yaml, as an object. */
export const GRAPH_SCHEMA = graphSchema

/**
 * Validates a loaded graph document against the published schema and turns ajv's errors into
 * findings a person can act on: one per problem, at the line of the offending key or value,
 * naming the node. `oneOf` noise is reduced to the branch that matches the value's shape.
 */
export function schemaFindings(doc: LoadedYaml): GraphFinding[] {
  if (validateGraphSchema(doc.value)) return []
  const errors = reduceOneOf(validateGraphSchema.errors ?? [], doc.value)
  const seen = new Set<string>()
  const findings: GraphFinding[] = []
  for (const e of errors) {
    const path = pointerToPath(e.instancePath)
    const message = describe(e, path, doc.value)
    const key = `${e.instancePath}|${message}`
    if (seen.has(key)) continue
    seen.add(key)
    const keyPath =
      e.keyword === 'additionalProperties'
        ? [...path, String((e.params as { additionalProperty: string }).additionalProperty)]
        : path
    const pos = doc.locate(keyPath, { key: e.keyword === 'additionalProperties' }) ??
      doc.locate(path) ?? { line: 1, col: 1 }
    findings.push({
      severity: 'error',
      code: 'schema',
      message,
      file: doc.file,
      line: pos.line,
      col: pos.col,
      node: nodeIdAt(doc.value, path)
    })
  }
  return findings
}

function pointerToPath(pointer: string): Array<string | number> {
  if (!pointer) return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
}

function valueAt(root: unknown, path: Array<string | number>): unknown {
  let v: unknown = root
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = Object.prototype.hasOwnProperty.call(v, seg)
      ? (v as Record<string | number, unknown>)[seg]
      : undefined
  }
  return v
}

function nodeIdAt(root: unknown, path: Array<string | number>): string | undefined {
  if (path[0] !== 'nodes' || typeof path[1] !== 'number') return undefined
  const id = valueAt(root, ['nodes', path[1], 'id'])
  return typeof id === 'string' ? id : undefined
}

/**
 * For a failed `oneOf` at a path, keep only the errors that belong to the branch of the value's
 * own shape (a string value keeps string errors; an object or array keeps its inner errors).
 */
function reduceOneOf(errors: ErrorObject[], root: unknown): ErrorObject[] {
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath))
  if (oneOfPaths.size === 0) return errors
  const kept: ErrorObject[] = []
  for (const p of oneOfPaths) {
    const value = valueAt(root, pointerToPath(p))
    const shape = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value
    const related = errors.filter(
      (e) => e.keyword !== 'oneOf' && (e.instancePath === p || e.instancePath.startsWith(`${p}/`))
    )
    const specific = related.filter((e) => {
      if (e.instancePath !== p) return shape === 'array' || shape === 'object'
      if (e.keyword === 'type' || e.keyword === 'const') return false
      if (e.keyword === 'required' && /\/requirement\/oneOf\//.test(e.schemaPath)) return false
      if (shape === 'string')
        return ['pattern', 'minLength', 'maxLength', 'enum', 'format'].includes(e.keyword)
      return [
        'required',
        'additionalProperties',
        'minItems',
        'minProperties',
        'propertyNames'
      ].includes(e.keyword)
    })
    const oneOf = errors.find((e) => e.keyword === 'oneOf' && e.instancePath === p) as ErrorObject
    kept.push(...(specific.length > 0 ? specific : [oneOf]))
  }
  const covered = (e: ErrorObject) =>
    [...oneOfPaths].some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`))
  return [...errors.filter((e) => e.keyword !== 'oneOf' && !covered(e)), ...kept]
}

const ONE_OF_HINTS: Array<[RegExp, string]> = [
  [
    /\/nodes\/\d+\/next$/,
    'must be a node id (activity, calibrate) or a list of {when, node} branches (decision)'
  ],
  [
    /\/requires\/\d+$/,
    'a requirement needs exactly one of: artifact, metric, review, policy, trace, instructions'
  ],
  [
    /\/requires\/\d+\/review$/,
    'must be an expression (privacy.signoff == true) or {approvals, from, labels, signoff}'
  ],
  [/\/requires\/\d+\/trace$/, 'must be true or {prefixes, under}'],
  [/^\/vars\//, 'must be a number, string, boolean or {file, key}'],
  [/^\/evidence\//, 'must be a path, a list of paths, or {path|paths, format, max_age_hours}']
]

function where(path: Array<string | number>, root: unknown): string {
  const id = nodeIdAt(root, path)
  const field = path.length > 0 ? path.join('.') : 'the document'
  return id ? `node "${id}": ${path.slice(2).join('.') || 'node'}` : field
}

function describe(e: ErrorObject, path: Array<string | number>, root: unknown): string {
  const at = where(path, root)
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'additionalProperties':
      return `${at}: unknown key "${String(p.additionalProperty)}"; check the spelling against the graph schema (schemas/graph.schema.json).`
    case 'required':
      return `${at}: missing required key "${String(p.missingProperty)}".`
    case 'enum':
      return `${at}: must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}; got ${JSON.stringify(valueAt(root, path))}.`
    case 'type':
      return `${at}: must be ${String(p.type)}, not ${describeValue(valueAt(root, path))}.`
    case 'pattern':
      return `${at}: ${JSON.stringify(valueAt(root, path))} is not allowed here (expected to match ${String(p.pattern)}).`
    case 'oneOf': {
      const hint =
        ONE_OF_HINTS.find(([re]) => re.test(e.instancePath))?.[1] ??
        'does not match any allowed form'
      return `${at}: ${hint}.`
    }
    case 'minItems':
      return `${at}: must have at least ${String(p.limit)} item(s).`
    default:
      return `${at}: ${e.message ?? 'is invalid'}.`
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`
}
