/**
 * Format detection from a file's name and its first bytes. Content decides; the name only breaks
 * ties (lcov has no header). Returns undefined when nothing fits, so the caller can ask for an
 * explicit `format:`.
 */
import { MORE_COVERAGE_FORMATS } from './coverage/more-formats.js'
import { TEST_FORMATS } from './tests/index.js'

export const FORMATS = [
  'junit',
  'lcov',
  'cobertura',
  'jacoco',
  'istanbul-summary',
  'istanbul-final',
  'stryker',
  'pit',
  'mutmut-meta',
  'mutmut-stats',
  'sarif',
  'cyclonedx-json',
  'cyclonedx-xml',
  'spdx-json',
  'k6',
  'perf-json',
  // test results besides JUnit (shared/evidence/tests/)
  ...TEST_FORMATS,
  // coverage besides the above (shared/evidence/coverage/more-formats.ts)
  ...MORE_COVERAGE_FORMATS
] as const
export type FormatName = (typeof FORMATS)[number]

/** Aliases accepted in a declaration's `format:`. */
export const FORMAT_ALIASES: Readonly<Record<string, FormatName>> = {
  xunit: 'junit',
  'junit-xml': 'junit',
  'json-summary': 'istanbul-summary',
  'coverage-final': 'istanbul-final',
  istanbul: 'istanbul-final',
  'mutation-testing-report': 'stryker',
  pitest: 'pit',
  mutmut: 'mutmut-meta',
  cyclonedx: 'cyclonedx-json',
  spdx: 'spdx-json',
  'k6-summary': 'k6',
  perf: 'perf-json',
  // the names dorny/test-reporter and EnricoMi's action use, and the tools' own names
  'dotnet-trx': 'trx',
  vstest: 'trx',
  nunit3: 'nunit',
  nunit2: 'nunit',
  'dotnet-nunit': 'nunit',
  xunit2: 'xunit-net',
  'xunit-v2': 'xunit-net',
  'xunit.net': 'xunit-net',
  mocha: 'mocha-json',
  jest: 'jest-json',
  rspec: 'rspec-json',
  dart: 'dart-json',
  'flutter-json': 'dart-json',
  flutter: 'dart-json',
  'golang-json': 'go-test-json',
  'go-test': 'go-test-json',
  test2json: 'go-test-json',
  tap13: 'tap',
  tap14: 'tap',
  'clover-xml': 'clover',
  coverprofile: 'go-cover',
  'go-coverprofile': 'go-cover',
  gocover: 'go-cover',
  'simplecov-json': 'simplecov',
  resultset: 'simplecov',
  gcovr: 'gcovr-json',
  gcov: 'gcov-json',
  'gcov-intermediate': 'gcov-json',
  'coveralls-json': 'coveralls'
}

export function normaliseFormat(name: string): FormatName | undefined {
  const n = name.trim().toLowerCase()
  if ((FORMATS as readonly string[]).includes(n)) return n as FormatName
  return FORMAT_ALIASES[n]
}

export const FORMAT_NAMESPACE: Readonly<
  Record<FormatName, 'tests' | 'coverage' | 'mutation' | 'sarif' | 'sbom' | 'perf'>
> = {
  junit: 'tests',
  lcov: 'coverage',
  cobertura: 'coverage',
  jacoco: 'coverage',
  'istanbul-summary': 'coverage',
  'istanbul-final': 'coverage',
  stryker: 'mutation',
  pit: 'mutation',
  'mutmut-meta': 'mutation',
  'mutmut-stats': 'mutation',
  sarif: 'sarif',
  'cyclonedx-json': 'sbom',
  'cyclonedx-xml': 'sbom',
  'spdx-json': 'sbom',
  k6: 'perf',
  'perf-json': 'perf',
  trx: 'tests',
  nunit: 'tests',
  'xunit-net': 'tests',
  'mocha-json': 'tests',
  'jest-json': 'tests',
  'rspec-json': 'tests',
  'dart-json': 'tests',
  'go-test-json': 'tests',
  tap: 'tests',
  clover: 'coverage',
  'go-cover': 'coverage',
  simplecov: 'coverage',
  'gcovr-json': 'coverage',
  'gcov-json': 'coverage',
  coveralls: 'coverage'
}

export function detectFormat(file: string, head: string): FormatName | undefined {
  const text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head
  const trimmed = text.trimStart()
  const lower = file.toLowerCase()
  if (trimmed.startsWith('<')) return detectXml(trimmed)
  if (trimmed.startsWith('{')) return detectJson(trimmed, lower)
  if (/^(TN|SF|VER):/m.test(trimmed.slice(0, 4096)) && /^(TN|SF|VER):/.test(trimmed)) return 'lcov'
  if (/^(TAP version 1[34]\s*$|1\.\.\d+\b|(not )?ok\b)/m.test(trimmed.split('\n', 1)[0]))
    return 'tap'
  if (/^mode: (set|count|atomic)\s*$/.test(trimmed.split('\n', 1)[0])) return 'go-cover'
  if (/^FAIL\t\S+ \[(build|setup) failed\]\s*$/.test(trimmed.split('\n', 1)[0]))
    return 'go-test-json'
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
      if (/<coverage[^>]*(line-rate|lines-valid|branch-rate)/.test(text) || /cobertura/i.test(text))
        return 'cobertura'
      return /<coverage[^>]*\b(generated|clover)=/.test(text) || /<project[\s>]/.test(text)
        ? 'clover'
        : undefined
    case 'report':
      return /jacoco|<sessioninfo/i.test(text) ? 'jacoco' : undefined
    case 'mutations':
      return 'pit'
    case 'TestRun':
      return 'trx'
    case 'test-run':
    case 'test-results':
      return 'nunit'
    case 'assemblies':
    case 'assembly':
      return 'xunit-net'
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
  // Event streams first: one JSON object per line, whose later lines may hold any text.
  const first = text.split('\n', 1)[0]
  if (
    /"Action"\s*:\s*"(start|run|output|pass|fail|skip|pause|cont|bench|build-output|build-fail)"/.test(
      first
    ) &&
    /"(Package|ImportPath|Time)"\s*:/.test(first)
  )
    return 'go-test-json'
  if (
    /"protocolVersion"\s*:/.test(first) ||
    /"type"\s*:\s*"(start|suite|testStart|allSuites)"/.test(first)
  )
    return 'dart-json'
  if (has(/"numTotalTests"\s*:/)) return 'jest-json'
  if (has(/"gcovr\/format_version"\s*:/)) return 'gcovr-json'
  if (has(/"gcc_version"\s*:/) && has(/"files"\s*:/)) return 'gcov-json'
  if (has(/"source_files"\s*:\s*\[/)) return 'coveralls'
  if (
    has(/^\{\s*"[^"]*"\s*:\s*\{\s*"coverage"\s*:\s*\{/) ||
    (lowerName.endsWith('.resultset.json') && has(/"coverage"\s*:/))
  )
    return 'simplecov'
  if (has(/"stats"\s*:\s*\{[^}]*"passes"\s*:/)) return 'mocha-json'
  if (
    has(/"examples"\s*:\s*\[/) &&
    (has(/"full_description"\s*:/) || has(/"summary_line"\s*:/) || has(/"example_count"\s*:/))
  )
    return 'rspec-json'
  if (has(/"bomFormat"\s*:\s*"CycloneDX"/)) return 'cyclonedx-json'
  if (has(/"spdxVersion"\s*:/)) return 'spdx-json'
  if (
    has(/"\$schema"\s*:\s*"[^"]*sarif/i) ||
    (has(/"version"\s*:\s*"2\.1\.0"/) && has(/"runs"\s*:/))
  )
    return 'sarif'
  if (has(/"exit_code_by_key"\s*:/) || lowerName.endsWith('.meta')) return 'mutmut-meta'
  if ((has(/"schemaVersion"\s*:/) || has(/"mutatorName"\s*:/)) && has(/"files"\s*:/))
    return 'stryker'
  if (
    has(/"killed"\s*:/) &&
    has(/"survived"\s*:/) &&
    (has(/"no_tests"\s*:/) || lowerName.includes('mutmut'))
  )
    return 'mutmut-stats'
  if (
    has(/^\{\s*"total"\s*:\s*\{\s*"lines"\s*:/) ||
    (has(/"lines"\s*:\s*\{\s*"total"/) && has(/"pct"\s*:/))
  )
    return 'istanbul-summary'
  if (has(/"statementMap"\s*:/)) return 'istanbul-final'
  if (has(/"metrics"\s*:/)) {
    if (
      has(/"root_group"\s*:/) ||
      has(/"p\(9\d\)"\s*:/) ||
      has(/"http_req_duration"/) ||
      has(/"med"\s*:/)
    )
      return 'k6'
    // handleSummary(data): every metric carries its k6 type beside its values
    if (has(/"type"\s*:\s*"(trend|counter|rate|gauge)"/) && has(/"values"\s*:\s*\{/)) return 'k6'
    return 'perf-json'
  }
  return undefined
}
