import { EvidenceError } from '../../errors.js'
import { isRecord, ownEntries, requireCount } from '../json-file.js'
import type { NormalisedMutant } from '../types.js'
import { MUTMUT_STATS_KEYS, mutmutStatus } from './statuses.js'

const MAX_STATS_MUTANTS = 5_000_000
const MUTMUT_STATS_REQUIRED = ['killed', 'survived', 'total'] as const

/**
 * One mutmut 3 `mutants/<path>.meta` file: exit_code_by_key maps each mutant
 * (`pkg.mod.x_func__mutmut_3`) to the test run's exit code. mutmut records no line numbers, so
 * line is 0 (unknown) and changed-line scoring cannot include these mutants.
 */
export function mutmutMetaMutants(data: unknown, display: string): NormalisedMutant[] {
  if (!isRecord(data) || !isRecord(data.exit_code_by_key)) {
    throw new EvidenceError(
      display,
      'malformed',
      'is not a mutmut .meta file (no exit_code_by_key object).'
    )
  }
  const file = display.replace(/^(.*\/)?mutants\//, '').replace(/\.meta$/, '')
  const out: NormalisedMutant[] = []
  for (const [key, code] of ownEntries(data.exit_code_by_key)) {
    if (code !== null && (typeof code !== 'number' || !Number.isInteger(code))) {
      throw new EvidenceError(
        display,
        'malformed',
        `mutant ${key} has exit code ${String(code)}, not an integer or null.`
      )
    }
    out.push({
      id: key,
      file,
      mutatorName: 'mutmut',
      status: mutmutStatus(code),
      line: 0,
      originalStatus: code === null ? 'not checked' : `exit code ${code}`
    })
  }
  return out
}

/**
 * mutmut-cicd-stats.json: counts only (no score, no files). Each count becomes that many mutants
 * without file or line; the difference between `total` and the listed counts (mutants not checked
 * or caught by the type checker, which the file leaves out) becomes Pending.
 */
export function mutmutStatsMutants(data: unknown, display: string): NormalisedMutant[] {
  if (!isRecord(data)) throw new EvidenceError(display, 'malformed', 'is not a JSON object.')
  // mutmut always writes these three; without them any JSON object (a mocha report) would read as
  // 0 mutants when the format is forced, and a gate on mutation.survived == 0 would pass.
  const lacking = MUTMUT_STATS_REQUIRED.filter((k) => data[k] === undefined)
  if (lacking.length > 0) {
    throw new EvidenceError(
      display,
      'unsupported',
      `is not mutmut-cicd-stats.json: it lacks ${lacking.map((k) => `"${k}"`).join(', ')} (mutmut export-cicd-stats writes killed, survived and total); check "format:" on this evidence.`
    )
  }
  const out: NormalisedMutant[] = []
  let listed = 0
  const counts = MUTMUT_STATS_KEYS.map(
    ([key, status]) =>
      [key, status, data[key] === undefined ? 0 : requireCount(data[key], display, key)] as const
  )
  const claimed = Math.max(
    counts.reduce((s, c) => s + c[2], 0),
    data.total === undefined ? 0 : requireCount(data.total, display, 'total')
  )
  if (claimed > MAX_STATS_MUTANTS)
    throw new EvidenceError(
      display,
      'too-large',
      `claims ${claimed} mutants, over the ${MAX_STATS_MUTANTS} this reader expands.`
    )
  for (const [key, status, n] of counts) {
    listed += n
    for (let i = 1; i <= n; i++)
      out.push({
        id: `${key}-${i}`,
        file: '',
        mutatorName: 'mutmut',
        status,
        line: 0,
        originalStatus: key
      })
  }
  const total = data.total === undefined ? listed : requireCount(data.total, display, 'total')
  if (total < listed)
    throw new EvidenceError(
      display,
      'malformed',
      `total is ${total} but the status counts add up to ${listed}.`
    )
  for (let i = 1; i <= total - listed; i++)
    out.push({
      id: `unlisted-${i}`,
      file: '',
      mutatorName: 'mutmut',
      status: 'Pending',
      line: 0,
      originalStatus: 'not listed'
    })
  return out
}
