import { EvidenceError, errorMessage } from '../errors.js'
import { printable } from '../safe-path.js'
import { readWholeText, type OpenedEvidence } from './evidence-file.js'

/**
 * Parses an opened JSON evidence file. JSON.parse stores a `__proto__` key as an own property and
 * pollutes nothing; readers keep dynamic keys in Maps, so such keys stay inert data.
 */
export async function readJson(opened: OpenedEvidence, maxBytes: number): Promise<unknown> {
  const text = await readWholeText(opened, maxBytes)
  if (text.trim() === '') throw new EvidenceError(opened.display, 'empty', 'holds only whitespace.')
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new EvidenceError(
      opened.display,
      'malformed',
      `is not valid JSON: ${printable(errorMessage(error), 200)}`
    )
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A finite number, or a numeric string: anything else is undefined. */
export function finiteNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value)
    return Number.isFinite(n) ? n : undefined
  }
  return undefined
}

/** A count: a finite integer >= 0. Throws malformed otherwise, naming the field. */
export function requireCount(value: unknown, file: string, field: string): number {
  const n = finiteNumber(value)
  if (n === undefined || n < 0 || !Number.isInteger(n)) {
    throw new EvidenceError(
      file,
      'malformed',
      `${field} is ${printable(String(value), 40)}, not a count (a whole number >= 0).`
    )
  }
  return n
}

/** Own string-keyed entries of a parsed object, safe for any key including __proto__. */
export function ownEntries(value: Record<string, unknown>): Array<[string, unknown]> {
  return Object.keys(value).map((k) => [k, Object.getOwnPropertyDescriptor(value, k)?.value])
}
