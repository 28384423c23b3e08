/**
 * "Did you mean" for names a user typed: commands, options, stages. Distance is optimal string
 * alignment (Levenshtein plus adjacent transpositions), because swapped letters ("gaets") are the
 * commonest typo and plain Levenshtein counts them as two edits.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array<number>(b.length).fill(0)
  ])
  for (let j = 1; j <= b.length; j++) rows[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2][j - 2] + 1)
      rows[i][j] = d
    }
  }
  return rows[a.length][b.length]
}

/**
 * The candidate closest to `name`, or undefined when none is close enough to be a plausible typo
 * (at most a third of the name's length, and at least one edit allowed). Ties go to the earlier
 * candidate, so callers list their most used names first. A prefix of one candidate only ("val"
 * for "validate") also counts.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const typed = name.toLowerCase()
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const c of candidates) {
    const d = editDistance(typed, c.toLowerCase())
    if (d < bestDistance) {
      best = c
      bestDistance = d
    }
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(typed.length / 3))) return best
  const prefixed =
    typed.length >= 2 ? candidates.filter((c) => c.toLowerCase().startsWith(typed)) : []
  return prefixed.length === 1 ? prefixed[0] : undefined
}
