export type Value = number | string | boolean | null | Value[]

/** The type names users see in messages; `list` rather than JavaScript's `object`. */
export function typeOfValue(v: Value): 'number' | 'string' | 'boolean' | 'list' | 'null' {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'list'
  return typeof v as 'number' | 'string' | 'boolean'
}

const MAX_LIST_DEPTH = 32

/**
 * Checks a value handed in by a scope. Scopes are our own code, but they are fed from evidence
 * files, so a NaN from a broken report or an object from generic JSON must not slip through as
 * something comparable. Returns a problem description, or undefined when the value is usable.
 */
export function invalidValue(v: unknown, depth = 0): string | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return undefined
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'is not a number (NaN)'
    if (!Number.isFinite(v)) return 'is not a finite number'
    return undefined
  }
  if (Array.isArray(v)) {
    if (depth >= MAX_LIST_DEPTH) return 'is a list nested too deeply'
    for (const item of v) {
      const problem = invalidValue(item, depth + 1)
      if (problem !== undefined) return `has an element that ${problem}`
    }
    return undefined
  }
  return `has a value of unsupported type ${typeof v}`
}

/**
 * Strict equality: null equals only null, other mixed types are a type error (a string never
 * equals a number, and saying so loudly beats a silent false that `!=` would turn into true).
 */
export function valuesEqual(a: Value, b: Value): boolean | { mismatch: [string, string] } {
  if (a === null || b === null) return a === b
  const ta = typeOfValue(a)
  const tb = typeOfValue(b)
  if (ta !== tb) return { mismatch: [ta, tb] }
  if (ta !== 'list') return a === b
  const la = a as Value[]
  const lb = b as Value[]
  if (la.length !== lb.length) return false
  for (let i = 0; i < la.length; i++) {
    const eq = valuesEqual(la[i], lb[i])
    if (eq !== true) return eq
  }
  return true
}

/** Short, unambiguous rendering for messages: strings quoted, numbers without float noise. */
export function formatValue(v: Value, maxLength = 60): string {
  let text: string
  if (typeof v === 'number') text = String(Number(v.toPrecision(12)))
  else if (typeof v === 'string') text = JSON.stringify(v)
  else if (Array.isArray(v)) text = `[${v.map((x) => formatValue(x, maxLength)).join(', ')}]`
  else text = String(v)
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text
}
