// mutation-testing-report-schema, compiled ahead of time by scripts/compile-schemas.mjs with the
// mutants' quadratic uniqueItems left to duplicateMutant below.
import { validate as validator } from './stryker-schema.validator.js'
import { calculateMutationTestMetrics } from 'mutation-testing-metrics'
import type { MutationTestResult } from 'mutation-testing-report-schema'
import { EvidenceError } from '../../errors.js'
import { printable } from '../../safe-path.js'
import { finiteNumber, isRecord, ownEntries } from '../json-file.js'
import type { MutantStatus, NormalisedMutant } from '../types.js'
import { STRYKER_STATUSES } from './statuses.js'

/** Status names of schema 0/1 drafts, renamed since: both stay outside the score either way. */
const LEGACY_STATUS: Readonly<Record<string, MutantStatus>> = {
  BuildError: 'CompileError',
  Skipped: 'Ignored'
}

/**
 * Reports written before schema 1 was enforced (still served by mutation-testing-elements and in
 * its own test resources) leave out schemaVersion, write it as a number, or give numeric mutant
 * ids, or use the old statuses BuildError and Skipped. Those are normalised in place (schemaVersion "1", ids as strings) before validation;
 * every other deviation from the schema is an error. Returns what was normalised.
 */
export function normaliseLegacyReport(data: unknown): string[] {
  const notes: string[] = []
  if (!isRecord(data)) return notes
  if (data.schemaVersion === undefined) {
    data.schemaVersion = '1'
    notes.push('schemaVersion missing: read as 1')
  } else if (typeof data.schemaVersion === 'number') {
    data.schemaVersion = String(data.schemaVersion)
    notes.push('schemaVersion was a number')
  }
  if (isRecord(data.files)) {
    let ids = false
    let legacy = false
    for (const [, f] of ownEntries(data.files)) {
      if (!isRecord(f) || !Array.isArray(f.mutants)) continue
      for (const m of f.mutants) {
        if (!isRecord(m)) continue
        if (typeof m.id === 'number') {
          m.id = String(m.id)
          ids = true
        }
        const renamed = typeof m.status === 'string' ? LEGACY_STATUS[m.status] : undefined
        if (renamed) {
          if (m.statusReason === undefined) m.statusReason = `legacy status ${m.status}`
          m.status = renamed
          legacy = true
        }
      }
    }
    if (ids) notes.push('numeric mutant ids read as strings')
    if (legacy) notes.push('legacy statuses BuildError/Skipped read as CompileError/Ignored')
  }
  return notes
}

/** Validates against mutation-testing-report-schema (compiled once). */
export function validateStrykerReport(
  data: unknown,
  display: string
): asserts data is MutationTestResult {
  normaliseLegacyReport(data)
  if (!validator(data)) {
    const e = validator.errors?.[0]
    const where = e?.instancePath ? `at ${e.instancePath}` : 'at the top level'
    throw new EvidenceError(
      display,
      'malformed',
      `is not a valid mutation-testing report (${printable(where, 120)}: ${e?.message ?? 'invalid'}).`
    )
  }
  const duplicate = duplicateMutant(data as MutationTestResult)
  if (duplicate)
    throw new EvidenceError(
      display,
      'malformed',
      `is not a valid mutation-testing report (at /files/${printable(duplicate, 120)}/mutants: must NOT have duplicate items).`
    )
}

/**
 * The schema's `uniqueItems` on each file's mutants makes ajv compare every pair of mutants (over a
 * second for 100k), so the compiled validator leaves it out and the same rule is checked here in
 * linear time: two mutants can only be deep-equal if their ids are equal.
 */
/** The first file holding two deep-equal mutants, or undefined. */
function duplicateMutant(report: MutationTestResult): string | undefined {
  for (const [file, result] of ownEntries(report.files as unknown as Record<string, unknown>)) {
    if (!isRecord(result) || !Array.isArray(result.mutants)) continue
    const byId = new Map<string, unknown[]>()
    for (const m of result.mutants as Array<Record<string, unknown>>) {
      const id = String(m.id)
      const same = byId.get(id)
      if (!same) {
        byId.set(id, [m])
        continue
      }
      if (same.some((other) => deepEqual(other, m))) return file
      same.push(m)
    }
  }
  return undefined
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every(
    (k) =>
      Object.prototype.hasOwnProperty.call(b, k) &&
      deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
  )
}

/** Mutants of a schema-valid report, in file order. */
export function strykerMutants(report: MutationTestResult): NormalisedMutant[] {
  const out: NormalisedMutant[] = []
  for (const [file, result] of ownEntries(report.files as unknown as Record<string, unknown>)) {
    if (!isRecord(result) || !Array.isArray(result.mutants)) continue
    for (const m of result.mutants as Array<Record<string, unknown>>) {
      const loc = m.location as { start: { line: number; column: number }; end?: { line: number } }
      const status = m.status as MutantStatus
      if (!STRYKER_STATUSES.includes(status)) continue // the schema already refuses this
      out.push({
        id: String(m.id),
        file,
        mutatorName: String(m.mutatorName),
        status,
        line: loc.start.line,
        column: loc.start.column,
        endLine: finiteNumber(loc.end?.line),
        replacement: typeof m.replacement === 'string' ? m.replacement : undefined,
        originalStatus: status
      })
    }
  }
  return out
}

/** The score exactly as mutation-testing-metrics computes it; undefined when nothing is valid. */
export function referenceScore(report: MutationTestResult): number | undefined {
  const score = calculateMutationTestMetrics(report).systemUnderTestMetrics.metrics.mutationScore
  return Number.isFinite(score) ? score : undefined
}
