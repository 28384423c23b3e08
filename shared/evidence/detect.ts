/**
 * Format detection from a file's name and its first bytes. Content decides; the name only breaks
 * ties (lcov has no header). Returns undefined when nothing fits, so the caller can ask for an
 * explicit `format:`.
 */
export const FORMATS = [
  'junit', 'lcov', 'cobertura', 'jacoco', 'istanbul-summary', 'istanbul-final', 'stryker', 'pit',
  'mutmut-meta', 'mutmut-stats', 'sarif', 'cyclonedx-json', 'cyclonedx-xml', 'spdx-json', 'k6', 'perf-json'
] as const
export type FormatName = (typeof FORMATS)[number]

/** Aliases accepted in a declaration's `format:`. */
export const FORMAT_ALIASES: Readonly<Record<string, FormatName>> = {
  xunit: 'junit', 'junit-xml': 'junit', 'json-summary': 'istanbul-summary', 'coverage-final': 'istanbul-final',
  istanbul: 'istanbul-final', 'mutation-testing-report': 'stryker', 'pitest': 'pit', mutmut: 'mutmut-meta',
  cyclonedx: 'cyclonedx-json', spdx: 'spdx-json', 'k6-summary': 'k6', perf: 'perf-json'
}

export function normaliseFormat(name: string): FormatName | undefined {
  const n = name.trim().toLowerCase()
  if ((FORMATS as readonly string[]).includes(n)) return n as FormatName
  return FORMAT_ALIASES[n]
}

export const FORMAT_NAMESPACE: Readonly<Record<FormatName, 'tests' | 'coverage' | 'mutation' | 'sarif' | 'sbom' | 'perf'>> = {
  junit: 'tests', lcov: 'coverage', cobertura: 'coverage', jacoco: 'coverage', 'istanbul-summary': 'coverage',
  'istanbul-final': 'coverage', stryker: 'mutation', pit: 'mutation', 'mutmut-meta': 'mutation',
  'mutmut-stats': 'mutation', sarif: 'sarif', 'cyclonedx-json': 'sbom', 'cyclonedx-xml': 'sbom',
  'spdx-json': 'sbom', k6: 'perf', 'perf-json': 'perf'
}

export function detectFormat(file: string, head: string): FormatName | undefined {
  const text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head
  const trimmed = text.trimStart()
  const lower = file.toLowerCase()
  if (trimmed.startsWith('<')) return detectXml(trimmed)
  if (trimmed.startsWith('{')) return detectJson(trimmed, lower)
  if (/^(TN|SF|VER):/m.test(trimmed.slice(0, 4096)) && /^(TN|SF|VER):/.test(trimmed)) return 'lcov'
  return undefined
}

function detectXml(text: string): FormatName | undefined {
  // Skip the prolog: declaration, comments, processing instructions and a DOCTYPE.
  const root = /<([A-Za-z_][\w.:-]*)[\s>/]/.exec(stripProlog(text))?.[1]
  if (!root) return undefined
  const name = root.includes(':') ? root.slice(root.indexOf(':') + 1) : root
  switch (name) {
    case 'testsuites':
    case 'testsuite':
      return 'junit'
    case 'coverage':
      return /<coverage[^>]*(line-rate|lines-valid|branch-rate)/.test(text) || /cobertura/i.test(text) ? 'cobertura' : undefined
    case 'report':
      return /jacoco|<sessioninfo/i.test(text) ? 'jacoco' : undefined
    case 'mutations':
      return 'pit'
    case 'bom':
      return /cyclonedx/i.test(text) ? 'cyclonedx-xml' : undefined
    default:
      return undefined
  }
}

function stripProlog(text: string): string {
  let rest = text
  for (let i = 0; i < 100; i++) {
    rest = rest.trimStart()
    if (rest.startsWith('<?')) rest = rest.slice(indexAfter(rest, '?>'))
    else if (rest.startsWith('<!--')) rest = rest.slice(indexAfter(rest, '-->'))
    else if (rest.startsWith('<!DOCTYPE') || rest.startsWith('<!doctype')) {
      const bracket = rest.indexOf('[')
      const close = rest.indexOf('>')
      rest = rest.slice(bracket >= 0 && bracket < close ? indexAfter(rest, ']>') : close + 1)
    } else break
  }
  return rest
}

function indexAfter(text: string, token: string): number {
  const i = text.indexOf(token)
  return i < 0 ? text.length : i + token.length
}

function detectJson(text: string, lowerName: string): FormatName | undefined {
  const has = (re: RegExp) => re.test(text)
  if (has(/"bomFormat"\s*:\s*"CycloneDX"/)) return 'cyclonedx-json'
  if (has(/"spdxVersion"\s*:/)) return 'spdx-json'
  if (has(/"\$schema"\s*:\s*"[^"]*sarif/i) || (has(/"version"\s*:\s*"2\.1\.0"/) && has(/"runs"\s*:/))) return 'sarif'
  if (has(/"exit_code_by_key"\s*:/) || lowerName.endsWith('.meta')) return 'mutmut-meta'
  if ((has(/"schemaVersion"\s*:/) || has(/"mutatorName"\s*:/)) && has(/"files"\s*:/)) return 'stryker'
  if (has(/"killed"\s*:/) && has(/"survived"\s*:/) && (has(/"no_tests"\s*:/) || lowerName.includes('mutmut'))) return 'mutmut-stats'
  if (has(/^\{\s*"total"\s*:\s*\{\s*"lines"\s*:/) || (has(/"lines"\s*:\s*\{\s*"total"/) && has(/"pct"\s*:/))) return 'istanbul-summary'
  if (has(/"statementMap"\s*:/)) return 'istanbul-final'
  if (has(/"metrics"\s*:/)) {
    if (has(/"root_group"\s*:/) || has(/"p\(9\d\)"\s*:/) || has(/"http_req_duration"/) || has(/"med"\s*:/)) return 'k6'
    return 'perf-json'
  }
  return undefined
}
