/**
 * Licence deny-list check on SPDX expressions. A component is denied when every alternative of an
 * OR uses a denied licence somewhere in its AND/WITH chain: "MIT OR GPL-3.0-only" is not denied
 * (MIT can be chosen), "MIT AND GPL-3.0-only" is. Parentheses are flattened, an approximation that
 * only matters for nested mixes of AND and OR.
 */
export function isDenied(expression: string, denied: ReadonlySet<string>): boolean {
  if (denied.size === 0) return false
  const alternatives = expression.replace(/[()]/g, ' ').split(/\s+OR\s+/i)
  return alternatives.every((alt) =>
    alt
      .split(/\s+(?:AND|WITH)\s+/i)
      .map((id) => id.trim().replace(/\+$/, '').toLowerCase())
      .some((id) => id !== '' && denied.has(id))
  )
}

export function denySet(list: readonly string[] | undefined): Set<string> {
  return new Set((list ?? []).map((s) => s.trim().replace(/\+$/, '').toLowerCase()).filter((s) => s !== ''))
}

/** CycloneDX / OSV severity words onto our four buckets; "info", "none", "unknown" are not counted. */
export function severityWord(raw: unknown): 'critical' | 'high' | 'medium' | 'low' | undefined {
  if (typeof raw !== 'string') return undefined
  const s = raw.toLowerCase()
  if (s === 'critical') return 'critical'
  if (s === 'high') return 'high'
  if (s === 'medium' || s === 'moderate') return 'medium'
  if (s === 'low') return 'low'
  return undefined
}

export const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'] as const
