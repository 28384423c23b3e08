import { ConfigurationError } from '../errors.js'

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/**
 * Parses a duration such as `500ms`, `2s`, `1.5m` or `1m30s` into milliseconds. A bare number is
 * seconds, as in Flagger's and Argo's examples. Negative, zero (unless allowed) and absurd values
 * are refused so a typo cannot make a rollout wait for days.
 */
export function parseDuration(
  text: string | number,
  what: string,
  opts: { allowZero?: boolean; maxMs?: number } = {}
): number {
  const raw = String(text).trim()
  let ms: number
  if (/^\d+(\.\d+)?$/.test(raw)) {
    ms = Number(raw) * 1000
  } else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(raw)) {
    ms = 0
    for (const m of raw.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * UNITS[m[2]]
  } else {
    throw new ConfigurationError(
      `${what} "${raw.slice(0, 40)}" is not a duration; write e.g. 500ms, 30s, 2m or 1m30s.`
    )
  }
  ms = Math.round(ms)
  const max = opts.maxMs ?? 6 * 3_600_000
  if (ms === 0 && !opts.allowZero) throw new ConfigurationError(`${what} must be longer than zero.`)
  if (ms > max)
    throw new ConfigurationError(
      `${what} "${raw}" is longer than the ${max / 60_000}-minute maximum.`
    )
  return ms
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`
}
