import { existsSync } from 'node:fs'
import type { EvidenceDeclaration } from '../graph/model.js'
import { ConfigurationError } from '../errors.js'
import { resolveInWorkspace } from '../safe-path.js'
import { loadYamlFile, type LoadedYaml } from '../yaml.js'
import { normaliseFormat } from './detect.js'

export const DEFAULT_EVIDENCE_FILE = '.process/evidence.yaml'
const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/
const ENTRY_KEYS = new Set([
  'name',
  'path',
  'paths',
  'format',
  'max_age_hours',
  'maxAgeHours',
  'deny_licenses',
  'path-map',
  'path_map',
  'retries'
])

/**
 * Evidence declarations from the graph's `evidence:` and an optional `.process/evidence.yaml`.
 * A declaration in the file replaces the graph's declaration of the same name (the file is the
 * more specific place). The file's form:
 *
 *   evidence:
 *     tests: reports/junit/*.xml            # a path or glob
 *     coverage: [coverage/lcov.info]        # or a list
 *     mutation:                             # or a mapping
 *       paths: [reports/mutation/mutation.json]
 *       format: stryker                     # optional: detected from content otherwise
 *       max_age_hours: 24                   # optional: older evidence is stale
 *       retries: merge                      # JUnit only: a retried test counts once (default count)
 */
export function loadEvidenceDeclarations(
  root: string,
  graphDecls: EvidenceDeclaration[] = [],
  file = DEFAULT_EVIDENCE_FILE
): EvidenceDeclaration[] {
  const absolute = resolveInWorkspace(root, file, 'evidence file')
  if (!existsSync(absolute)) return graphDecls.map((d) => validateDeclaration(d, d.name))
  const loaded = loadYamlFile(absolute, file)
  const fromFile = declarationsFromYaml(loaded)
  const names = new Set(fromFile.map((d) => d.name))
  return [
    ...graphDecls.filter((d) => !names.has(d.name)).map((d) => validateDeclaration(d, d.name)),
    ...fromFile
  ]
}

function declarationsFromYaml(loaded: LoadedYaml): EvidenceDeclaration[] {
  const file = loaded.file
  const top = loaded.value
  if (typeof top !== 'object' || top === null || Array.isArray(top) || !('evidence' in top)) {
    throw new ConfigurationError(`${file}: expected a mapping with an "evidence:" key.`, {
      file,
      line: 1,
      col: 1
    })
  }
  const extra = Object.keys(top).filter((k) => k !== 'evidence' && k !== 'version')
  if (extra.length > 0) {
    const pos = loaded.locate([extra[0]], { key: true })
    throw new ConfigurationError(
      `${file}:${pos?.line ?? 1}: unknown key "${extra[0]}"; only "evidence" (and "version") are allowed.`,
      { file, line: pos?.line }
    )
  }
  const ev = (top as Record<string, unknown>).evidence
  const out: EvidenceDeclaration[] = []
  const seen = new Set<string>()
  const push = (d: EvidenceDeclaration) => {
    if (seen.has(d.name))
      throw new ConfigurationError(`${file}: evidence "${d.name}" is declared twice.`, {
        file,
        line: d.pos?.line
      })
    seen.add(d.name)
    out.push(d)
  }
  if (Array.isArray(ev)) {
    ev.forEach((entry, i) => {
      const pos = loaded.locate(['evidence', i])
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        throw new ConfigurationError(
          `${file}:${pos?.line ?? 1}: evidence item ${i + 1} must be a mapping with name and paths.`,
          { file, line: pos?.line }
        )
      }
      const name = (entry as Record<string, unknown>).name
      push(entryToDeclaration(typeof name === 'string' ? name : '', entry, file, pos))
    })
  } else if (typeof ev === 'object' && ev !== null) {
    for (const [name, entry] of Object.entries(ev))
      push(entryToDeclaration(name, entry, file, loaded.locate(['evidence', name], { key: true })))
  } else {
    throw new ConfigurationError(
      `${file}: "evidence" must be a mapping of name to paths, or a list.`,
      { file }
    )
  }
  return out
}

function entryToDeclaration(
  name: string,
  entry: unknown,
  file: string,
  pos?: { line: number; col: number }
): EvidenceDeclaration {
  const where = `${file}:${pos?.line ?? 1}`
  let decl: EvidenceDeclaration
  if (typeof entry === 'string' || Array.isArray(entry)) {
    decl = { name, paths: toPaths(entry, where, name), pos }
  } else if (typeof entry === 'object' && entry !== null) {
    const e = entry as Record<string, unknown>
    const unknown = Object.keys(e).find((k) => !ENTRY_KEYS.has(k))
    if (unknown)
      throw new ConfigurationError(
        `${where}: evidence "${name}" has an unknown key "${unknown}" (allowed: paths, format, max_age_hours, deny_licenses, path-map, retries).`,
        { file, line: pos?.line }
      )
    const raw = e.paths ?? e.path
    if (raw === undefined)
      throw new ConfigurationError(`${where}: evidence "${name}" needs "paths".`, {
        file,
        line: pos?.line
      })
    const age = e.max_age_hours ?? e.maxAgeHours
    decl = {
      name,
      paths: toPaths(raw, where, name),
      format:
        typeof e.format === 'string'
          ? e.format
          : e.format === undefined
            ? undefined
            : String(e.format),
      maxAgeHours: age === undefined ? undefined : (age as number),
      ...(e.deny_licenses !== undefined
        ? { denyLicenses: toLicences(e.deny_licenses, where, name) }
        : {}),
      ...(e.retries !== undefined ? { retries: e.retries as 'count' | 'merge' } : {}),
      ...((e['path-map'] ?? e.path_map) !== undefined
        ? { pathMap: toPathMap(e['path-map'] ?? e.path_map, where, name) }
        : {}),
      pos
    }
  } else {
    throw new ConfigurationError(
      `${where}: evidence "${name}" must be a path, a list of paths or a mapping.`,
      { file, line: pos?.line }
    )
  }
  return validateDeclaration(decl, where)
}

function toLicences(raw: unknown, where: string, name: string): string[] {
  if (!Array.isArray(raw) || raw.some((l) => typeof l !== 'string' || l.trim() === '')) {
    throw new ConfigurationError(
      `${where}: evidence "${name}" deny_licenses must be a list of SPDX licence ids.`
    )
  }
  return raw.map((l: string) => l.trim())
}

/** `path-map: { "/app/": "", "com/": "src/main/java/com/" }`: report prefix → repository prefix. */
function toPathMap(raw: unknown, where: string, name: string): Array<[string, string]> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigurationError(
      `${where}: evidence "${name}" path-map must be a mapping of report-path prefix to repository-path prefix, e.g. path-map: { "/app/": "" }.`
    )
  }
  return Object.entries(raw as Record<string, unknown>).map(([from, to]) => [
    from,
    typeof to === 'string' ? to : to === null ? '' : String(to)
  ])
}

function toPaths(raw: unknown, where: string, name: string): string[] {
  const list = Array.isArray(raw) ? raw : [raw]
  if (list.length === 0)
    throw new ConfigurationError(`${where}: evidence "${name}" lists no paths.`)
  return list.map((p) => {
    if (typeof p !== 'string' || p.trim() === '')
      throw new ConfigurationError(`${where}: evidence "${name}" has an empty or non-text path.`)
    return p.trim()
  })
}

/** Checks a declaration (from any source); ConfigurationError names what to fix. */
export function validateDeclaration(d: EvidenceDeclaration, where: string): EvidenceDeclaration {
  if (typeof d.name !== 'string' || !NAME.test(d.name)) {
    throw new ConfigurationError(
      `${where}: evidence name "${String(d.name)}" must start with a letter and hold only letters, digits, _ and -.`
    )
  }
  if (
    !Array.isArray(d.paths) ||
    d.paths.length === 0 ||
    d.paths.some((p) => typeof p !== 'string' || p.trim() === '')
  ) {
    throw new ConfigurationError(
      `${where}: evidence "${d.name}" needs at least one non-empty path or glob.`
    )
  }
  if (d.format !== undefined && !normaliseFormat(d.format)) {
    throw new ConfigurationError(
      `${where}: evidence "${d.name}" has an unknown format "${d.format}".`
    )
  }
  if (
    d.maxAgeHours !== undefined &&
    (typeof d.maxAgeHours !== 'number' || !Number.isFinite(d.maxAgeHours) || d.maxAgeHours <= 0)
  ) {
    throw new ConfigurationError(
      `${where}: evidence "${d.name}" max_age_hours must be a number above 0.`
    )
  }
  if (d.retries !== undefined && d.retries !== 'count' && d.retries !== 'merge') {
    throw new ConfigurationError(
      `${where}: evidence "${d.name}" retries must be "count" (every try counts, the default) or "merge" (a retried test counts once), not "${String(d.retries)}".`
    )
  }
  if (d.pathMap !== undefined) {
    for (const [from, to] of d.pathMap) {
      if (from === '' || /[\0\n\r]/.test(from) || /[\0\n\r]/.test(to)) {
        throw new ConfigurationError(
          `${where}: evidence "${d.name}" path-map has an empty or multi-line prefix; each key is a report-path prefix such as "/app/".`
        )
      }
    }
  }
  return d
}

/**
 * The action input form: one declaration per line, `name: path-or-glob[, path-or-glob...]`;
 * blank lines and lines starting with # are ignored. An optional `[format]` after the name
 * overrides detection: `coverage[cobertura]: build/coverage.xml`.
 */
export function parseEvidenceOverrides(text: string): EvidenceDeclaration[] {
  const out: EvidenceDeclaration[] = []
  const seen = new Set<string>()
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const m = /^([A-Za-z][A-Za-z0-9_-]*)(?:\[([A-Za-z0-9_-]+)\])?\s*:\s*(.*)$/.exec(line)
    const where = `evidence input, line ${i + 1}`
    if (!m)
      throw new ConfigurationError(
        `${where}: expected "name: path-or-glob", got "${line.slice(0, 80)}".`
      )
    const [, name, format, rest] = m
    const paths = rest
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')
    if (paths.length === 0) throw new ConfigurationError(`${where}: "${name}" has no path.`)
    if (seen.has(name))
      throw new ConfigurationError(
        `${where}: "${name}" is given twice; list several paths on one line, separated by commas.`
      )
    seen.add(name)
    out.push(validateDeclaration({ name, paths, format }, where))
  })
  return out
}

/** Overrides replace base declarations of the same name; others are kept. */
export function mergeEvidenceDeclarations(
  base: EvidenceDeclaration[],
  overrides: EvidenceDeclaration[]
): EvidenceDeclaration[] {
  const names = new Set(overrides.map((d) => d.name))
  return [...base.filter((d) => !names.has(d.name)), ...overrides]
}
