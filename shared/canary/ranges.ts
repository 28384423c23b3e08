import type { YamlFields } from './yaml-fields.js'

/** An inclusive range, either end optional: Flagger's `thresholdRange {min, max}`. */
export interface Range {
  min?: number
  max?: number
}

export function inRange(value: number, range: Range): boolean {
  if (Number.isNaN(value)) return false
  if (range.min !== undefined && value < range.min) return false
  if (range.max !== undefined && value > range.max) return false
  return true
}

export function describeRange(range: Range): string {
  if (range.min !== undefined && range.max !== undefined) return `${range.min} ≤ x ≤ ${range.max}`
  if (range.min !== undefined) return `x ≥ ${range.min}`
  return `x ≤ ${range.max}`
}

export function readRange(fields: YamlFields, key: string): Range | undefined {
  const m = fields.mapping(key)
  if (!m) return undefined
  m.allowOnly(['min', 'max'])
  const range: Range = { min: m.number('min'), max: m.number('max') }
  if (range.min === undefined && range.max === undefined) throw m.fail('give min, max or both')
  if (range.min !== undefined && range.max !== undefined && range.min > range.max)
    throw m.fail('min is greater than max')
  return range
}
