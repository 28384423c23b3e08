/**
 * Placeholders that mark an unfilled template. Each is specific enough not to occur in real
 * prose: XXXX-style ids (adr-XXXX), date patterns (YYYY-MM-DD, YYYYMMDD), bracketed fill-ins
 * ([date], [name], [owner]...), and TODO/TBD/FIXME markers as whole upper-case words.
 */
const PATTERNS: ReadonlyArray<RegExp> = [
  /(?<![A-Za-z0-9])X{3,}(?![A-Za-z0-9])/g,
  /YYYY-MM-DD/g,
  /YYYYMMDD/g,
  /\[(?:date|name|owner|author|title|description|team|link|url|version|todo|tbd|insert[^\]]{0,40}|your[^\]]{0,40})\](?!\()/gi,
  /<(?:date|name|owner|author|insert[^>]{0,40}|your[^>]{0,40})>/gi,
  /(?<![A-Za-z0-9_])(?:TODO|TBD|FIXME)(?![A-Za-z0-9_])/g
]

/** The distinct placeholders found in a text, in order of first appearance. */
export function findPlaceholders(text: string): string[] {
  const found: Array<[number, string]> = []
  for (const re of PATTERNS) {
    re.lastIndex = 0
    for (const m of text.matchAll(re)) found.push([m.index ?? 0, m[0]])
  }
  found.sort((a, b) => a[0] - b[0])
  const out: string[] = []
  for (const [, s] of found) if (!out.includes(s)) out.push(s)
  return out
}

/** Placeholders inside any string value of parsed frontmatter, with the key that holds them. */
export function placeholdersInData(
  data: unknown,
  prefix = ''
): Array<{ key: string; placeholder: string }> {
  const out: Array<{ key: string; placeholder: string }> = []
  const stack: Array<[unknown, string]> = [[data, prefix]]
  while (stack.length > 0) {
    const [v, key] = stack.pop() as [unknown, string]
    if (typeof v === 'string')
      for (const p of findPlaceholders(v)) out.push({ key, placeholder: p })
    else if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, `${key}[${i}]`]))
    else if (v && typeof v === 'object')
      for (const k of Object.keys(v))
        stack.push([(v as Record<string, unknown>)[k], key ? `${key}.${k}` : k])
  }
  return out.reverse()
}
