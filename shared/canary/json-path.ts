/**
 * A small, safe JSON path for probe checks: `status`, `data.items[0].name`, `$.a["odd key"]`.
 * It only walks own properties of parsed JSON, so nothing is evaluated and `__proto__` or
 * `constructor` cannot reach a prototype.
 */
export type PathSegment = string | number

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype'])

export function parseJsonPath(path: string): PathSegment[] {
  let rest = path.trim()
  if (rest.startsWith('$')) rest = rest.slice(1)
  const segments: PathSegment[] = []
  let first = true
  while (rest.length > 0) {
    let m: RegExpExecArray | null
    if (
      (m = (first ? /^\.?([A-Za-z_][A-Za-z0-9_-]*)/ : /^\.([A-Za-z_][A-Za-z0-9_-]*)/).exec(rest))
    ) {
      segments.push(m[1])
    } else if ((m = /^\[(\d+)\]/.exec(rest))) {
      segments.push(Number(m[1]))
    } else if ((m = /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest))) {
      segments.push(m[1].replace(/\\(.)/g, '$1'))
    } else {
      throw new SyntaxError(
        `"${path}" is not a supported path: use names, [index] and ["key"], e.g. data.items[0].id`
      )
    }
    rest = rest.slice(m[0].length)
    first = false
  }
  if (segments.length === 0) throw new SyntaxError('The path is empty.')
  for (const s of segments) {
    if (typeof s === 'string' && FORBIDDEN.has(s))
      throw new SyntaxError(`The path segment "${s}" is not allowed.`)
  }
  return segments
}

/** The value at the path, or `{ found: false }` when any segment is missing. */
export function readJsonPath(
  value: unknown,
  segments: readonly PathSegment[]
): { found: true; value: unknown } | { found: false } {
  let current: unknown = value
  for (const s of segments) {
    if (typeof s === 'number') {
      if (!Array.isArray(current) || s >= current.length) return { found: false }
      current = current[s]
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current))
        return { found: false }
      if (!Object.prototype.hasOwnProperty.call(current, s)) return { found: false }
      current = (current as Record<string, unknown>)[s]
    }
  }
  return { found: true, value: current }
}
