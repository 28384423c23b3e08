import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from '../errors.js'
import { boundedMatcher, globFiles } from '../glob.js'
import { printable, resolveInWorkspace } from '../safe-path.js'
import { scanSource } from './source-scan.js'
import type { ShardTarget } from './targets.js'
import { formatTarget } from './targets.js'

/** StrykerJS's own default `mutate` (files under src/ and lib/, tests left out). */
export const DEFAULT_MUTATE_PATTERNS = [
  '{src,lib}/**/*.{js,mjs,cjs,ts,mts,cts,jsx,tsx}',
  '!{src,lib}/**/*.{spec,test}.{js,mjs,cjs,ts,mts,cts,jsx,tsx}',
  '!{src,lib}/**/__tests__/**'
]

export const MAX_SHARDS = 256
const MAX_SOURCE_BYTES = 8 * 1024 * 1024

/** One entry of the job matrix: `strategy.matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}`. */
export interface ShardEntry {
  /** 1-based shard number. */
  shard: number
  /** How many shards the plan has. */
  of: number
  /** Comma-separated targets for `stryker run --mutate "$FLOW_MUTATE"`. */
  mutate: string
  /** Estimated mutants in this shard. */
  estimate: number
}

export interface ShardPlan {
  include: ShardEntry[]
  /** The files matched, the estimate of all mutants, and notes for the person reading the log. */
  files: number
  estimate: number
  notes: string[]
}

interface Unit {
  target: ShardTarget
  weight: number
}

/**
 * Splits the mutate targets into `shards` shards of about equal estimated mutant count. Files are
 * kept whole when they fit; a file heavier than one shard's share is cut into line ranges at
 * top-level statement boundaries (see source-scan.ts). Units are assigned largest first to the
 * lightest shard, so the plan is deterministic for the same tree.
 */
export function planShards(root: string, patterns: string[], shards: number): ShardPlan {
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new ConfigurationError(
      `--shards must be a whole number from 1 to ${MAX_SHARDS}, not ${printable(String(shards), 20)}.`
    )
  }
  const files = expandMutatePatterns(root, patterns.length > 0 ? patterns : DEFAULT_MUTATE_PATTERNS)
  if (files.length === 0) {
    throw new ConfigurationError(
      `No file matches the mutate patterns (${patterns.length > 0 ? patterns.map((p) => printable(p, 80)).join(', ') : 'StrykerJS defaults'}) under ${root}.`
    )
  }
  const notes: string[] = []
  const scanned = files.map((file) => {
    const absolute = resolveInWorkspace(root, file, 'mutate target')
    const size = statSync(absolute).size
    if (size > MAX_SOURCE_BYTES) {
      notes.push(`${file} is ${size} bytes; estimated by size and kept whole.`)
      return { file, weights: [Math.ceil(size / 40)], boundaries: [] as number[] }
    }
    const scan = scanSource(file, readFileSync(absolute, 'utf8'))
    return { file, weights: scan.lineWeights, boundaries: scan.boundaries }
  })
  const total = scanned.reduce((s, f) => s + Math.max(1, sum(f.weights)), 0)
  const share = total / shards
  const units: Unit[] = []
  for (const f of scanned) {
    const weight = Math.max(1, sum(f.weights))
    if (weight <= share * 1.25 || f.boundaries.length < 2 || shards === 1) {
      units.push({ target: { file: f.file }, weight })
      continue
    }
    units.push(...splitFile(f.file, f.weights, f.boundaries, share))
  }
  const count = Math.min(shards, units.length)
  if (count < shards)
    notes.push(
      `Only ${units.length} target(s) to share out: planned ${count} shard(s) instead of ${shards}.`
    )
  const bins: Array<{ units: Unit[]; load: number }> = Array.from({ length: count }, () => ({
    units: [],
    load: 0
  }))
  const ordered = units
    .map((u, i) => ({ u, i }))
    .sort((a, b) => b.u.weight - a.u.weight || a.i - b.i)
    .map(({ u }) => u)
  for (const unit of ordered) {
    let best = 0
    for (let b = 1; b < bins.length; b++) if (bins[b].load < bins[best].load) best = b
    bins[best].units.push(unit)
    bins[best].load += unit.weight
  }
  const include = bins.map((bin, i) => {
    const targets = bin.units.map((u) => u.target).sort(compareTargets)
    return {
      shard: i + 1,
      of: count,
      mutate: joinTargets(targets).map(formatTarget).join(','),
      estimate: bin.load
    }
  })
  return { include, files: files.length, estimate: total, notes }
}

/** Cuts a file at boundaries into ranges of about `share` estimated mutants each. */
function splitFile(file: string, weights: number[], boundaries: number[], share: number): Unit[] {
  const lineCount = weights.length
  const segments: Array<{ from: number; to: number; weight: number }> = []
  for (let b = 0; b < boundaries.length; b++) {
    const from = boundaries[b]
    const to = b + 1 < boundaries.length ? boundaries[b + 1] - 1 : lineCount
    segments.push({ from, to, weight: sum(weights.slice(from - 1, to)) })
  }
  const units: Unit[] = []
  let current: { from: number; to: number; weight: number } | undefined
  for (const seg of segments) {
    if (current && current.weight > 0 && current.weight + seg.weight > share) {
      units.push(rangeUnit(file, current))
      current = undefined
    }
    current = current
      ? { from: current.from, to: seg.to, weight: current.weight + seg.weight }
      : { ...seg }
  }
  if (current) units.push(rangeUnit(file, current))
  // The last range runs to the end of the file whatever its line count, so nothing is left out.
  if (units.length === 1) return [{ target: { file }, weight: units[0].weight }]
  return units
}

function rangeUnit(file: string, r: { from: number; to: number; weight: number }): Unit {
  return { target: { file, from: r.from, to: r.to }, weight: Math.max(1, r.weight) }
}

/** Adjacent ranges of one file in the same shard become one target; a file covered whole stays whole. */
function joinTargets(targets: ShardTarget[]): ShardTarget[] {
  const out: ShardTarget[] = []
  for (const t of targets) {
    const prev = out[out.length - 1]
    if (
      prev &&
      prev.file === t.file &&
      prev.to !== undefined &&
      t.from !== undefined &&
      prev.to + 1 === t.from
    ) {
      prev.to = t.to
      continue
    }
    out.push({ ...t })
  }
  return out
}

function compareTargets(a: ShardTarget, b: ShardTarget): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : (a.from ?? 0) - (b.from ?? 0)
}

/**
 * The files matching mutate patterns (workspace-relative globs; a leading `!` excludes), sorted.
 * Names that cannot travel in Stryker's comma-separated `--mutate` list are refused.
 */
export function expandMutatePatterns(root: string, patterns: string[]): string[] {
  const include = patterns.filter((p) => !p.startsWith('!'))
  const exclude = patterns
    .filter((p) => p.startsWith('!'))
    .map((p) => boundedMatcher([p.slice(1).replace(/^\.\//, '')], { dot: false }))
  if (include.length === 0)
    throw new ConfigurationError(
      'Every mutate pattern is an exclusion (starts with !); give at least one pattern of files to mutate.'
    )
  const found = new Set<string>()
  for (const pattern of include) {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f]/.test(pattern))
      throw new ConfigurationError(
        `The mutate pattern "${printable(pattern, 80)}" contains control characters.`
      )
    if (path.isAbsolute(pattern))
      throw new ConfigurationError(
        `The mutate pattern "${printable(pattern, 80)}" is absolute; give it relative to the project root.`
      )
    for (const file of globFiles(root, pattern)) if (!exclude.some((m) => m(file))) found.add(file)
  }
  for (const file of found) {
    // eslint-disable-next-line no-control-regex
    if (/[,\u0000-\u001f]/.test(file)) {
      throw new ConfigurationError(
        `${printable(file, 120)}: a file name with a comma or a control character cannot be passed to Stryker's --mutate list; rename it or exclude it with "!".`
      )
    }
  }
  return [...found].sort()
}

function sum(values: number[]): number {
  let s = 0
  for (const v of values) s += v
  return s
}
