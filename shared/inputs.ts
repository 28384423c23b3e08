import { parseDuration } from './canary/duration.js'
import { ConfigurationError } from './errors.js'
import { printable } from './safe-path.js'

// One toolkit for reading settings, shared by the actions (inputs) and the CLI (flags). Each value
// parser takes the text and a label that names where it came from (`Input "threshold"` or
// `--threshold`), so a mistake is reported in the user's own terms, whichever way they ran it.

/** Where an action reads its inputs: the runner's INPUT_* variables, or a fake in tests. */
export interface InputSource {
  getInput(name: string): string
}

/** How an action names an input in its error messages. */
export const inputLabel = (name: string): string => `Input "${name}"`

/** A whole number within bounds. */
export function parseInteger(
  raw: string,
  label: string,
  bounds: { min?: number; max?: number } = {}
): number {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = bounds
  const range =
    bounds.min !== undefined && bounds.max !== undefined
      ? ` from ${min} to ${max}`
      : bounds.min !== undefined
        ? ` of at least ${min}`
        : ''
  const n = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new ConfigurationError(
      `${label} must be a whole number${range}, not "${printable(raw, 40)}".`
    )
  return n
}

/** A percentage from 0 to 100 (percentage points, no % sign needed). */
export function parsePercent(raw: string, label: string): number {
  const text = raw.trim().replace(/\s*%$/, '')
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) > 100)
    throw new ConfigurationError(
      `${label} must be a number from 0 to 100 (percentage points), not "${printable(raw, 40)}".`
    )
  return Number(text)
}

/** A list written one item per line or separated by commas; blanks dropped. */
export function parseList(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** An input that must be given. */
export function requiredInput(io: InputSource, name: string, hint = ''): string {
  const raw = io.getInput(name)
  if (raw.trim() === '')
    throw new ConfigurationError(`${inputLabel(name)} is required${hint ? `: ${hint}` : '.'}`)
  return raw
}

/** An optional whole-number input; the fallback when it is empty. */
export function integerInput(
  io: InputSource,
  name: string,
  fallback: number,
  bounds: { min?: number; max?: number } = {}
): number {
  const raw = io.getInput(name)
  return raw.trim() === '' ? fallback : parseInteger(raw, inputLabel(name), bounds)
}

/** An optional percentage input; undefined when it is empty. */
export function percentInput(io: InputSource, name: string): number | undefined {
  const raw = io.getInput(name)
  return raw.trim() === '' ? undefined : parsePercent(raw, inputLabel(name))
}

/** A list input (lines or commas). */
export function listInput(io: InputSource, name: string): string[] {
  return parseList(io.getInput(name))
}

/** A duration input such as `30s` or `1m30s`, in milliseconds. */
export function durationInput(
  io: InputSource,
  name: string,
  fallback: string,
  opts: { maxMs?: number; allowZero?: boolean } = {}
): number {
  return parseDuration(io.getInput(name) || fallback, inputLabel(name), opts)
}

/** A boolean input, spelled as the YAML 1.2 core schema spells booleans. */
export function booleanInput(io: InputSource, name: string, fallback: boolean): boolean {
  const raw = io.getInput(name)
  if (raw === '') return fallback
  if (/^(true|True|TRUE)$/.test(raw)) return true
  if (/^(false|False|FALSE)$/.test(raw)) return false
  throw new ConfigurationError(
    `${inputLabel(name)} must be true or false, not "${printable(raw, 50)}".`
  )
}

/** A choice input, checked against the allowed values. */
export function choiceInput<T extends string>(
  io: InputSource,
  name: string,
  allowed: readonly T[],
  fallback: T
): T {
  const raw = io.getInput(name)
  if (raw === '') return fallback
  if ((allowed as readonly string[]).includes(raw)) return raw as T
  throw new ConfigurationError(
    `${inputLabel(name)} must be one of ${allowed.join(', ')}; got "${printable(raw, 50)}".`
  )
}
