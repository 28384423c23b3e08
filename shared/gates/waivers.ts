import { existsSync } from 'node:fs'
import { ConfigurationError } from '../errors.js'
import { resolveInWorkspace, workspaceRelative } from '../safe-path.js'
import { loadYamlFile, type LoadedYaml } from '../yaml.js'
import type { WaiverRecord, WaiverState } from '../report/types.js'
import { daysUntil, parseIsoDate } from '../dates.js'

export const DEFAULT_WAIVERS_PATH = '.process/waivers.yaml'
/** Waivers expiring within this many days are listed so someone renews or fixes them in time. */
export const EXPIRING_WITHIN_DAYS = 14
/** An expiry further out than this is treated as open-ended: a waiver is a loan, not a policy. */
export const MAX_WAIVER_DAYS = 366

const ALLOWED_KEYS = new Set(['gate', 'requirement', 'reason', 'approver', 'expires', 'stages'])

/** A waiver as judged for this run; `usable` ones can excuse an unmet requirement. */
export interface Waiver {
  record: WaiverRecord
  usable: boolean
}

export interface LoadedWaivers {
  file?: string
  waivers: Waiver[]
}

/**
 * Loads the waivers file. The default path may be absent (no waivers); a path the user named
 * must exist. YAML that cannot be read safely is a configuration error; an entry that is wrong
 * on its own is judged "malformed" so the rest still apply and the report still gets written.
 */
export function loadWaivers(root: string, userPath: string | undefined, now: Date): LoadedWaivers {
  const chosen = userPath && userPath.trim() !== '' ? userPath : DEFAULT_WAIVERS_PATH
  const absolute = resolveInWorkspace(root, chosen, 'waivers file')
  if (!existsSync(absolute)) {
    if (chosen === DEFAULT_WAIVERS_PATH && !userPath) return { waivers: [] }
    throw new ConfigurationError(
      `The waivers file ${chosen} does not exist; create it or leave the waivers input empty.`
    )
  }
  const file = workspaceRelative(root, absolute)
  const doc = loadYamlFile(absolute, file)
  return { file, waivers: judgeWaivers(doc, now) }
}

export function judgeWaivers(doc: LoadedYaml, now: Date): Waiver[] {
  const top = doc.value
  const list = Array.isArray(top) ? top : isRecord(top) ? top.waivers : undefined
  const listPath: Array<string | number> = Array.isArray(top) ? [] : ['waivers']
  if (top === null || (isRecord(top) && top.waivers === null)) return []
  if (!Array.isArray(list)) {
    throw new ConfigurationError(
      `${doc.file}: expected a "waivers:" list of entries with gate, requirement, reason, approver and expires.`,
      {
        file: doc.file,
        line: 1
      }
    )
  }
  if (isRecord(top)) {
    const extra = Object.keys(top).filter((k) => k !== 'waivers' && k !== 'version')
    if (extra.length > 0) {
      const pos = doc.locate([extra[0]], { key: true })
      throw new ConfigurationError(
        `${doc.file}:${pos?.line ?? 1}: unknown top-level key "${extra[0]}"; only "version" and "waivers" are allowed.`,
        {
          file: doc.file,
          line: pos?.line
        }
      )
    }
  }
  return list.map((entry, index) => judgeOne(entry, doc, [...listPath, index], now))
}

function judgeOne(
  entry: unknown,
  doc: LoadedYaml,
  path: Array<string | number>,
  now: Date
): Waiver {
  const pos = doc.locate(path)
  const location = { file: doc.file, ...(pos ? { line: pos.line, col: pos.col } : {}) }
  const malformed = (problem: string, partial: Partial<WaiverRecord> = {}): Waiver => ({
    record: { ...partial, state: 'malformed', applied: false, problem, location },
    usable: false
  })
  if (!isRecord(entry))
    return malformed(
      'a waiver must be a mapping with gate, requirement, reason, approver and expires'
    )
  const text = (key: string): string | undefined => {
    const v = entry[key]
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined
  }
  const partial: Partial<WaiverRecord> = {}
  for (const key of ['gate', 'requirement', 'reason', 'approver'] as const) {
    const v = text(key)
    if (v) partial[key] = v
  }
  if (typeof entry.expires === 'string') partial.expires = entry.expires
  const unknown = Object.keys(entry).filter((k) => !ALLOWED_KEYS.has(k))
  if (unknown.length > 0)
    return malformed(
      `unknown key "${unknown[0]}" (allowed: ${[...ALLOWED_KEYS].join(', ')})`,
      partial
    )
  for (const key of ['gate', 'requirement', 'reason', 'approver'] as const) {
    if (!partial[key]) {
      return malformed(
        key === 'requirement'
          ? 'missing "requirement": a waiver names one requirement (its id, e.g. metric-2, or its exact expression or path)'
          : `missing "${key}"`,
        partial
      )
    }
  }
  if (partial.requirement === '*' || partial.gate === '*')
    return malformed(
      'wildcards are not allowed: a waiver covers one gate and one requirement',
      partial
    )
  let stages: string[] | undefined
  if (entry.stages !== undefined) {
    if (
      !Array.isArray(entry.stages) ||
      entry.stages.length === 0 ||
      !entry.stages.every((s) => typeof s === 'string' && s !== '')
    ) {
      return malformed('"stages" must be a non-empty list of stage names', partial)
    }
    stages = entry.stages as string[]
    partial.stages = stages
  }
  const expiresRaw = entry.expires
  if (
    expiresRaw === undefined ||
    expiresRaw === null ||
    (typeof expiresRaw === 'string' && /^(never|none|)$/i.test(expiresRaw.trim()))
  ) {
    return {
      record: {
        ...partial,
        state: 'open-ended',
        applied: false,
        problem: 'no expiry date: every waiver needs "expires: YYYY-MM-DD"',
        location
      },
      usable: false
    }
  }
  if (typeof expiresRaw !== 'string')
    return malformed(
      '"expires" must be a date written YYYY-MM-DD (quote it if your editor turns it into a number)',
      partial
    )
  const expires = parseIsoDate(expiresRaw.trim())
  if (!expires)
    return malformed(
      `"expires: ${expiresRaw.slice(0, 40)}" is not a real date written YYYY-MM-DD`,
      partial
    )
  const daysLeft = daysUntil(expires, now)
  const record = {
    ...partial,
    expires: expiresRaw.trim(),
    daysLeft,
    applied: false,
    location
  } as WaiverRecord
  if (daysLeft > MAX_WAIVER_DAYS) {
    return {
      record: {
        ...record,
        state: 'open-ended',
        problem: `expires ${daysLeft} days from now; waivers may last at most ${MAX_WAIVER_DAYS} days`
      },
      usable: false
    }
  }
  if (daysLeft < 0) {
    return {
      record: {
        ...record,
        state: 'expired',
        problem: `expired on ${record.expires} (${-daysLeft} day${daysLeft === -1 ? '' : 's'} ago); renew it with a new date and approver, or remove it`
      },
      usable: false
    }
  }
  const state: WaiverState = daysLeft <= EXPIRING_WITHIN_DAYS ? 'expiring' : 'active'
  return { record: { ...record, state }, usable: true }
}

/** Whether a waiver names this gate and requirement (by id, or by its exact check text). */
export function waiverTargets(
  w: WaiverRecord,
  gate: string,
  requirementId: string,
  check: string
): boolean {
  return w.gate === gate && (w.requirement === requirementId || w.requirement === check)
}

/** Whether the waiver covers this stage (no `stages` means every stage). */
export function waiverCoversStage(w: WaiverRecord, stage: string): boolean {
  return !w.stages || w.stages.includes(stage)
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}
