/** Calendar-day arithmetic in UTC, so an expiry date means the same thing on every runner. */

const DAY_MS = 86_400_000

/** Parses a real YYYY-MM-DD date (2026-02-30 is refused); undefined when it is not one. */
export function parseIsoDate(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!m) return undefined
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined
  return date
}

/** Whole calendar days from `now`'s UTC date to `date`: 0 on the day itself, negative after it. */
export function daysUntil(date: Date, now: Date): number {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  return Math.round((date.getTime() - today) / DAY_MS)
}
