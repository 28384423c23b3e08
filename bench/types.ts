/** One row of the benchmark table: a measured value against its bar. */
export interface BenchRow {
  name: string
  value: number
  unit: string
  bar: string
  ok: boolean
}
