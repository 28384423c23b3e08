import type { Finding } from './types.js'

export const DEFAULT_MAX_FINDINGS = 1000

/**
 * Keeps the first `max` findings and counts the rest, so 10 million failures cost the memory of a
 * thousand. Readers ask `wants()` before building a finding's message to skip the work entirely.
 */
export class FindingSink {
  readonly kept: Finding[] = []
  total = 0
  constructor(readonly max: number = DEFAULT_MAX_FINDINGS) {}

  wants(): boolean {
    return this.kept.length < this.max
  }

  add(finding: Finding): void {
    this.total++
    if (this.kept.length < this.max) this.kept.push(finding)
  }

  /** Counts a finding whose details were not built because the sink was full. */
  count(): void {
    this.total++
  }

  /** Moves another sink's findings in, respecting this sink's cap. */
  absorb(other: { kept: Finding[]; total: number }): void {
    for (const f of other.kept) if (this.kept.length < this.max) this.kept.push(f)
    this.total += other.total
  }
}
