/** Percentile by linear interpolation between closest ranks (numpy's default); undefined when empty. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const position = (p / 100) * (sorted.length - 1)
  const low = Math.floor(position)
  const high = Math.ceil(position)
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low)
}

export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined
  let sum = 0
  for (const v of values) sum += v
  return sum / values.length
}
