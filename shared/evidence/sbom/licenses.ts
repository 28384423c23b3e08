import parseSpdx from 'spdx-expression-parse'
import spdxExceptions from 'spdx-exceptions/index.json' with { type: 'json' }
import spdxIds from 'spdx-license-ids/index.json' with { type: 'json' }
import spdxDeprecated from 'spdx-license-ids/deprecated.json' with { type: 'json' }

type SpdxNode =
  | { license: string; plus?: true; exception?: string }
  | { left: SpdxNode; conjunction: 'and' | 'or'; right: SpdxNode }

/** SPDX ids are case-insensitive: the parser only knows the canonical spelling. */
const CANONICAL = new Map<string, string>(
  [...spdxIds, ...spdxDeprecated, ...spdxExceptions].map((id: string) => [id.toLowerCase(), id])
)

/**
 * A licence's family: its id without `+`, `-only`, `-or-later` or a deprecated
 * `-with-...-exception` suffix, lower-cased. `GPL-3.0`, `GPL-3.0+`, `GPL-3.0-only` and
 * `GPL-3.0-or-later` are all family `gpl-3.0`; `GPL-2.0-or-later` stays `gpl-2.0`, since it can be
 * taken as GPL-2.0.
 */
export function licenceFamily(id: string): string {
  return id
    .trim()
    .toLowerCase()
    .replace(/\+$/, '')
    .replace(/-with-[a-z0-9.-]+-exception$/, '')
    .replace(/-(only|or-later)$/, '')
}

/**
 * Licence deny-list check on one SPDX expression, parsed by spdx-expression-parse (precedence
 * WITH > AND > OR, parentheses honoured). A licence is denied when its family is on the list, so
 * a deny-list naming GPL-3.0-only also catches GPL-3.0, GPL-3.0+ and GPL-3.0-or-later. An AND is
 * denied when either side is; an OR only when both are (MIT OR GPL-3.0-only lets you pick MIT).
 * Text that is not a valid SPDX expression (a licence name such as "Apache License 2.0") is denied
 * when any word of it names a denied family: a deny-list fails closed on what it cannot parse.
 */
export function isDenied(expression: string, denied: ReadonlySet<string>): boolean {
  if (denied.size === 0) return false
  const tree = parseExpression(expression)
  if (tree === undefined)
    return expression
      .split(/[\s()]+/)
      .some((word) => word !== '' && denied.has(licenceFamily(word)))
  const walk = (n: SpdxNode): boolean => {
    if ('license' in n) return denied.has(licenceFamily(n.license))
    return n.conjunction === 'and' ? walk(n.left) || walk(n.right) : walk(n.left) && walk(n.right)
  }
  return walk(tree)
}

/** Several licence entries on one component all apply: the component is denied when any is. */
export function isDeniedAll(entries: readonly string[], denied: ReadonlySet<string>): boolean {
  return entries.some((e) => isDenied(e, denied))
}

function parseExpression(expression: string): SpdxNode | undefined {
  const canonical = expression
    .split(/(\s+|[()])/)
    .map((token) => {
      const upper = token.toUpperCase()
      if (upper === 'AND' || upper === 'OR' || upper === 'WITH') return upper
      const plus = token.endsWith('+') ? '+' : ''
      const id = CANONICAL.get(token.slice(0, token.length - plus.length).toLowerCase())
      return id === undefined ? token : id + plus
    })
    .join('')
  try {
    return parseSpdx(canonical) as SpdxNode
  } catch {
    return undefined
  }
}

export function denySet(list: readonly string[] | undefined): Set<string> {
  return new Set((list ?? []).map(licenceFamily).filter((s) => s !== ''))
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
