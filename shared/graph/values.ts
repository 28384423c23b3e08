import { ConfigurationError, errorMessage } from '../errors.js'
import { resolveInWorkspace, workspaceRelative } from '../safe-path.js'
import { loadYamlFile } from '../yaml.js'
import type { ProcessGraph } from './model.js'

export type ScalarValue = number | string | boolean

export interface ResolvedValues {
  /** Flat dotted names: vars by name, imports as `<namespace>.<path.to.leaf>`. */
  values: Map<string, ScalarValue | ScalarValue[]>
  /** Problems resolving files or keys, each naming the file and what to fix. */
  problems: string[]
}

/**
 * Resolves the graph's `vars` (literals or {file, key}) and `imports` (whole files as namespaces)
 * into one flat map of dotted names, so expressions like `performance.p95_latency_ms <= target` or
 * `<= nfr.performance.target_p95_latency_ms` can be evaluated.
 */
export function resolveValues(root: string, graph: ProcessGraph): ResolvedValues {
  const values = new Map<string, ScalarValue | ScalarValue[]>()
  const problems: string[] = []
  const cache = new Map<string, unknown>()
  const load = (file: string): unknown => {
    if (!cache.has(file)) {
      const abs = resolveInWorkspace(root, file, 'values file')
      cache.set(file, loadYamlFile(abs, workspaceRelative(root, abs)).value)
    }
    return cache.get(file)
  }
  for (const [ns, file] of graph.imports) {
    try {
      flatten(load(file), ns, values)
    } catch (error) {
      problems.push(`imports.${ns}: ${errorMessage(error)}`)
    }
  }
  for (const [name, v] of graph.vars) {
    if (typeof v !== 'object') {
      values.set(name, v)
      continue
    }
    try {
      const found = lookup(load(v.file), v.key)
      if (found === undefined) {
        problems.push(
          `vars.${name}: ${v.file} has no key "${v.key}"; fix the key or add it to the file.`
        )
      } else if (typeof found === 'object') {
        problems.push(`vars.${name}: ${v.file} key "${v.key}" is not a number, string or boolean.`)
      } else {
        values.set(name, found as ScalarValue)
      }
    } catch (error) {
      if (error instanceof ConfigurationError) problems.push(`vars.${name}: ${error.message}`)
      else throw error
    }
  }
  return { values, problems }
}

function lookup(data: unknown, dotted: string): unknown {
  let v: unknown = data
  for (const seg of dotted.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, seg))
      return undefined
    v = (v as Record<string, unknown>)[seg]
  }
  return v === null ? undefined : v
}

function flatten(
  data: unknown,
  prefix: string,
  out: Map<string, ScalarValue | ScalarValue[]>
): void {
  const stack: Array<[unknown, string]> = [[data, prefix]]
  while (stack.length > 0) {
    const [v, name] = stack.pop() as [unknown, string]
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out.set(name, v)
    else if (Array.isArray(v)) {
      if (v.every((x) => ['number', 'string', 'boolean'].includes(typeof x)))
        out.set(name, v as ScalarValue[])
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) stack.push([child, `${name}.${k}`])
    }
  }
}
