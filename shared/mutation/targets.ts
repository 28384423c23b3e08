/** A mutate target of a shard: a whole file, or lines `from`-`to` of it (Stryker's `file:from-to`). */
export interface ShardTarget {
  file: string
  from?: number
  to?: number
}

const RANGE = /^(.*?):(\d+)(?::\d+)?-(\d+)(?::\d+)?$/

export function formatTarget(t: ShardTarget): string {
  return t.from !== undefined && t.to !== undefined ? `${t.file}:${t.from}-${t.to}` : t.file
}

/** Parses `src/a.js` or `src/a.js:10-40` (Stryker's column forms are read as whole lines). */
export function parseTarget(text: string): ShardTarget {
  const m = RANGE.exec(text.trim())
  if (!m) return { file: normalise(text.trim()) }
  return { file: normalise(m[1]), from: Number(m[2]), to: Number(m[3]) }
}

export function parseTargets(list: string | string[]): ShardTarget[] {
  const items = Array.isArray(list) ? list : list.split(',')
  return items
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(parseTarget)
}

function normalise(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '')
}

/** True when a report's file key and a target's file name the same file (one may be a suffix path). */
export function sameFile(reportFile: string, targetFile: string): boolean {
  const a = normalise(reportFile)
  const b = normalise(targetFile)
  return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`)
}

/** True when two targets share at least one line of the same file. */
export function targetsOverlap(a: ShardTarget, b: ShardTarget): boolean {
  if (!sameFile(a.file, b.file)) return false
  if (a.from === undefined || b.from === undefined) return true
  return a.from <= (b.to as number) && b.from <= (a.to as number)
}

/** True when a mutant spanning lines start-end lies inside one of the targets. */
export function insideTargets(
  targets: readonly ShardTarget[],
  file: string,
  start: number,
  end: number
): boolean {
  return targets.some(
    (t) =>
      sameFile(file, t.file) &&
      (t.from === undefined || (start >= t.from && end <= (t.to as number)))
  )
}
