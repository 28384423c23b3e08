import type { MutationTestResult } from 'mutation-testing-report-schema'
import { ConfigurationError, EvidenceError } from '../errors.js'
import { DEFAULT_MAX_JSON_BYTES, guardReader, openEvidence } from '../evidence/evidence-file.js'
import { isRecord, ownEntries, readJson } from '../evidence/json-file.js'
import { validateStrykerReport } from '../evidence/mutation/stryker.js'
import { printable } from '../safe-path.js'
import {
  formatTarget,
  parseTargets,
  sameFile,
  targetsOverlap,
  type ShardTarget
} from './targets.js'

/** Where a shard's identity is kept inside its report: Stryker's free-form `config` object. */
export const SHARD_CONFIG_KEY = 'flowActionsShard'
export const MERGED_CONFIG_KEY = 'flowActionsMerged'

export interface ShardIdentity {
  shard: number
  of: number
  /** The targets the shard was planned to mutate; empty when only "k/n" was given. */
  targets: ShardTarget[]
}

export interface ShardReport {
  /** Workspace-relative name, for messages. */
  file: string
  report: MutationTestResult
}

type MutantJson = MutationTestResult['files'][string]['mutants'][number]
type Location = MutantJson['location']

/**
 * Parses the `shard` input or a matrix entry: `{"shard":1,"of":4,"mutate":"src/a.js,src/b.js:1-40"}`
 * (what `flow mutation plan` prints, passed as `${{ toJSON(matrix) }}`) or `1/4`.
 */
export function parseShardSpec(text: string): ShardIdentity {
  const raw = text.trim()
  const slash = /^(\d+)\s*\/\s*(\d+)$/.exec(raw)
  let shard: unknown
  let of: unknown
  let mutate: unknown = ''
  if (slash) {
    shard = Number(slash[1])
    of = Number(slash[2])
  } else {
    let data: unknown
    try {
      data = JSON.parse(raw)
    } catch {
      throw new ConfigurationError(
        `Input "shard" must be "k/n" (e.g. 1/4) or a matrix entry from flow mutation plan ({"shard":1,"of":4,"mutate":"..."}), not "${printable(raw, 80)}".`
      )
    }
    if (!isRecord(data))
      throw new ConfigurationError(
        'Input "shard" must be a JSON object with "shard", "of" and "mutate".'
      )
    shard = data.shard
    of = data.of
    mutate = data.mutate ?? ''
  }
  if (
    typeof shard !== 'number' ||
    typeof of !== 'number' ||
    !Number.isInteger(shard) ||
    !Number.isInteger(of) ||
    of < 1 ||
    shard < 1 ||
    shard > of
  ) {
    throw new ConfigurationError(
      `Input "shard" names shard ${printable(String(shard), 20)} of ${printable(String(of), 20)}: the shard must be a whole number from 1 to the shard count.`
    )
  }
  if (typeof mutate !== 'string' && !Array.isArray(mutate))
    throw new ConfigurationError(
      'Input "shard": "mutate" must be a comma-separated string of targets.'
    )
  const list = Array.isArray(mutate) ? mutate.map(String) : mutate
  return { shard, of, targets: parseTargets(list) }
}

/** Records the shard identity in a report (a copy), so the merge can check coverage. */
export function stampShard(report: MutationTestResult, id: ShardIdentity): MutationTestResult {
  const config = isRecord(report.config) ? { ...report.config } : {}
  config[SHARD_CONFIG_KEY] = { shard: id.shard, of: id.of, mutate: id.targets.map(formatTarget) }
  return { ...report, config }
}

/** The identity a shard report carries, or an error naming the file. */
export function shardIdentity(r: ShardReport): ShardIdentity {
  const stamp = isRecord(r.report.config) ? r.report.config[SHARD_CONFIG_KEY] : undefined
  if (!isRecord(stamp)) {
    throw new EvidenceError(
      r.file,
      'malformed',
      `carries no shard identity (config.${SHARD_CONFIG_KEY}); produce shard reports with the mutation-gate action's "shard" input.`
    )
  }
  const { shard, of, mutate } = stamp
  if (
    typeof shard !== 'number' ||
    typeof of !== 'number' ||
    !Number.isInteger(shard) ||
    !Number.isInteger(of) ||
    shard < 1 ||
    of < 1 ||
    shard > of
  ) {
    throw new EvidenceError(
      r.file,
      'malformed',
      `has an invalid shard identity (shard ${printable(String(shard), 20)} of ${printable(String(of), 20)}).`
    )
  }
  if (!Array.isArray(mutate) || mutate.some((m) => typeof m !== 'string'))
    throw new EvidenceError(
      r.file,
      'malformed',
      'has an invalid shard identity: "mutate" is not a list of targets.'
    )
  return { shard, of, targets: parseTargets(mutate as string[]) }
}

/** Reads a Stryker JSON report (a shard's) from the workspace: size-capped, schema-validated. */
export async function readStrykerFile(
  root: string,
  file: string,
  maxBytes = DEFAULT_MAX_JSON_BYTES
): Promise<ShardReport> {
  return guardReader(printable(file), async () => {
    const opened = await openEvidence(root, file, maxBytes)
    const data = await readJson(opened, maxBytes)
    validateStrykerReport(data, opened.display)
    return { file: opened.display, report: data }
  })
}

export interface MergeResult {
  report: MutationTestResult
  of: number
  /** Files merged from more than one shard (split by line ranges). */
  splitFiles: string[]
  notes: string[]
}

/**
 * Combines shard reports into one report. Every shard 1..n must be present exactly once, no two
 * shards may cover the same lines or report the same mutant, each shard's mutants must lie inside
 * its targets, and a file reported by two shards must have the same source. Each error names the
 * shard(s) and file(s) concerned.
 */
export function mergeShardReports(
  shards: ShardReport[],
  opts: { expectedShards?: number } = {}
): MergeResult {
  if (shards.length === 0)
    throw new ConfigurationError(
      'No shard report to merge: check the artifact download step and the merge pattern.'
    )
  const ids = shards.map((s) => ({ s, id: shardIdentity(s) }))
  const of = opts.expectedShards ?? ids[0].id.of
  for (const { s, id } of ids) {
    if (id.of !== of) {
      throw new EvidenceError(
        s.file,
        'malformed',
        `is shard ${id.shard} of ${id.of}, but ${opts.expectedShards !== undefined ? 'the merge expects' : `${ids[0].s.file} is of`} ${of} shards: the reports come from different plans.`
      )
    }
  }
  const byShard = new Map<number, { s: ShardReport; id: ShardIdentity }>()
  for (const entry of ids) {
    const other = byShard.get(entry.id.shard)
    if (other)
      throw new EvidenceError(
        entry.s.file,
        'malformed',
        `is shard ${entry.id.shard} of ${of}, and so is ${other.s.file}: shard ${entry.id.shard} was reported twice.`
      )
    byShard.set(entry.id.shard, entry)
  }
  const missing: number[] = []
  for (let k = 1; k <= of; k++) if (!byShard.has(k)) missing.push(k)
  if (missing.length > 0) {
    throw new ConfigurationError(
      `Shard report${missing.length > 1 ? 's' : ''} missing for shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${of} (found ${[...byShard.keys()].sort((a, b) => a - b).join(', ') || 'none'}): a shard job failed or its artifact was not downloaded. The merged score would leave those mutants out.`
    )
  }
  const ordered = [...byShard.values()].sort((a, b) => a.id.shard - b.id.shard)

  // Planned targets must not overlap between shards (indexed by file: plans have thousands of targets).
  const byTargetFile = new Map<
    string,
    Array<{ shard: number; file: string; target: ShardTarget }>
  >()
  for (const { s, id } of ordered) {
    for (const t of id.targets) {
      const list = byTargetFile.get(t.file) ?? []
      const clash = list.find((o) => o.shard !== id.shard && targetsOverlap(o.target, t))
      if (clash) {
        throw new EvidenceError(
          s.file,
          'malformed',
          `shards ${clash.shard} and ${id.shard} both cover ${t.file} (${formatTarget(clash.target)} in shard ${clash.shard}, ${formatTarget(t)} in shard ${id.shard}); each line must belong to exactly one shard.`
        )
      }
      list.push({ shard: id.shard, file: s.file, target: t })
      byTargetFile.set(t.file, list)
    }
  }

  const files = Object.create(null) as MutationTestResult['files']
  const fileShard = new Map<string, number>()
  const seenMutant = new Map<string, number>()
  const seenIds = new Set<string>()
  const tests = Object.create(null) as NonNullable<MutationTestResult['testFiles']>
  const testKeyToId = new Map<string, string>()
  const usedTestIds = new Set<string>()
  const splitFiles = new Set<string>()
  const notes: string[] = []
  const first = ordered[0].s.report

  for (const { s, id } of ordered) {
    const report = s.report
    if (
      report.thresholds.high !== first.thresholds.high ||
      report.thresholds.low !== first.thresholds.low
    ) {
      notes.push(
        `${s.file} has thresholds ${report.thresholds.high}/${report.thresholds.low}; the merged report keeps shard 1's ${first.thresholds.high}/${first.thresholds.low}.`
      )
    }
    // Test ids are per report: the same test keeps one id; a clash between different tests is renamed.
    const testRename = new Map<string, string>()
    for (const [testFile, tf] of ownEntries((report.testFiles ?? {}) as Record<string, unknown>)) {
      const entry = tf as NonNullable<MutationTestResult['testFiles']>[string]
      let target = tests[testFile]
      if (!target) {
        target = { ...entry, tests: [] }
        Object.defineProperty(tests, testFile, {
          value: target,
          enumerable: true,
          writable: true,
          configurable: true
        })
      }
      for (const t of entry.tests) {
        const key = `${testFile}\u0000${t.name}`
        let newId = testKeyToId.get(key)
        if (newId === undefined) {
          newId = t.id
          if (usedTestIds.has(newId)) newId = `${id.shard}-${t.id}`
          for (let n = 2; usedTestIds.has(newId); n++) newId = `${id.shard}-${t.id}-${n}`
          usedTestIds.add(newId)
          testKeyToId.set(key, newId)
          target.tests.push({ ...t, id: newId })
        }
        testRename.set(t.id, newId)
      }
    }
    const targetIndex = new Map<string, ShardTarget[]>()
    for (const t of id.targets) targetIndex.set(t.file, [...(targetIndex.get(t.file) ?? []), t])
    for (const [name, fr] of ownEntries(report.files as unknown as Record<string, unknown>)) {
      const result = fr as MutationTestResult['files'][string]
      // This file's targets: the exact name, else one that names it by a suffix path.
      const fileTargets =
        id.targets.length === 0
          ? []
          : (targetIndex.get(name.replace(/\\/g, '/').replace(/^\.\//, '')) ??
            id.targets.filter((t) => sameFile(name, t.file)))
      let target = files[name]
      if (target) {
        if (target.source !== result.source) {
          throw new EvidenceError(
            s.file,
            'malformed',
            `shard ${id.shard} has a different source for ${printable(name, 120)} than shard ${fileShard.get(name)}: the shards ran on different commits.`
          )
        }
        splitFiles.add(name)
      } else {
        target = { ...result, mutants: [] }
        Object.defineProperty(files, name, {
          value: target,
          enumerable: true,
          writable: true,
          configurable: true
        })
        fileShard.set(name, id.shard)
      }
      for (const m of result.mutants) {
        const loc = m.location
        if (
          id.targets.length > 0 &&
          !fileTargets.some(
            (t) =>
              t.from === undefined || (loc.start.line >= t.from && loc.end.line <= (t.to as number))
          )
        ) {
          throw new EvidenceError(
            s.file,
            'malformed',
            `shard ${id.shard} reports a mutant at ${printable(name, 120)}:${loc.start.line}, outside its targets (${id.targets.map(formatTarget).join(', ')}): the mutation command did not use the shard's targets ($FLOW_MUTATE).`
          )
        }
        const key = mutantKey(name, m)
        const other = seenMutant.get(key)
        if (other !== undefined) {
          throw new EvidenceError(
            s.file,
            'malformed',
            `shards ${other} and ${id.shard} both report the ${m.mutatorName} mutant at ${printable(name, 120)}:${loc.start.line}:${loc.start.column}: the shards overlap.`
          )
        }
        seenMutant.set(key, id.shard)
        let mutantId = m.id
        if (seenIds.has(mutantId)) {
          mutantId = `${id.shard}-${m.id}`
          for (let n = 2; seenIds.has(mutantId); n++) mutantId = `${id.shard}-${m.id}-${n}`
        }
        seenIds.add(mutantId)
        const out: MutantJson = { ...m, id: mutantId }
        if (m.killedBy) out.killedBy = m.killedBy.map((t) => testRename.get(t) ?? t)
        if (m.coveredBy) out.coveredBy = m.coveredBy.map((t) => testRename.get(t) ?? t)
        target.mutants.push(out)
      }
    }
  }
  for (const name of splitFiles)
    files[name].mutants.sort((a, b) => compareLocation(a.location, b.location))

  const config: Record<string, unknown> = isRecord(first.config) ? { ...first.config } : {}
  delete config[SHARD_CONFIG_KEY]
  config[MERGED_CONFIG_KEY] = {
    of,
    shards: ordered.map(({ s, id }) => ({
      shard: id.shard,
      report: s.file,
      mutate: id.targets.map(formatTarget)
    }))
  }
  const merged: MutationTestResult = {
    schemaVersion: first.schemaVersion,
    thresholds: { ...first.thresholds },
    files,
    ...(Object.keys(tests).length > 0 ? { testFiles: tests } : {}),
    ...(first.projectRoot !== undefined ? { projectRoot: first.projectRoot } : {}),
    ...(first.framework !== undefined ? { framework: first.framework } : {}),
    ...(first.system !== undefined ? { system: first.system } : {}),
    config
  }
  // What we write must be schema-valid, like every shard was. (Every part came from parsed JSON, so
  // the object holds no undefined values or functions and validates as it will be written.)
  validateStrykerReport(merged, 'the merged report')
  return { report: merged, of, splitFiles: [...splitFiles].sort(), notes }
}

function mutantKey(file: string, m: MutantJson): string {
  const l = m.location
  return `${file}\u0000${l.start.line}:${l.start.column}-${l.end.line}:${l.end.column}\u0000${m.mutatorName}\u0000${m.replacement ?? m.description ?? ''}`
}

function compareLocation(a: Location, b: Location): number {
  return (
    a.start.line - b.start.line ||
    a.start.column - b.start.column ||
    a.end.line - b.end.line ||
    a.end.column - b.end.column
  )
}
