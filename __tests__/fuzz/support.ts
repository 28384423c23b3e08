/**
 * Fuzzing support: the run count comes from FUZZ_RUNS (100 per target in the normal test run,
 * 10,000 with `npm run fuzz`), and every generated input is timed so a hang or a super-linear
 * blow-up is caught as a failure, not as a slow suite.
 */
import { expect } from '@jest/globals'

export const RUNS = Number(process.env.FUZZ_RUNS ?? 100)
/**
 * A hang bound, not a speed check: a sound reader takes milliseconds on these inputs, so only an
 * input that makes it loop or backtrack for good comes near this, on however busy a machine.
 * Speed is measured by npm run bench.
 */
export const PER_INPUT_MS = 30_000
/** Jest timeout for a target: the runs at a normal pace plus headroom. */
export const TARGET_TIMEOUT = Math.max(60_000, RUNS * 50)

export const slowest = { ms: 0, input: '' }

/** Runs one input and fails if it took longer than PER_INPUT_MS. */
export async function timed<T>(input: string, fn: () => Promise<T> | T): Promise<T> {
  const started = performance.now()
  const result = await fn()
  const ms = performance.now() - started
  if (ms > slowest.ms) Object.assign(slowest, { ms, input: input.slice(0, 200) })
  expect(
    ms < PER_INPUT_MS
      ? 'in time'
      : `took ${Math.round(ms)} ms on ${JSON.stringify(input.slice(0, 200))}`
  ).toBe('in time')
  return result
}

/** The same for synchronous work (fast-check's sync properties). */
export function timedSync<T>(input: string, fn: () => T): T {
  const started = performance.now()
  const result = fn()
  const ms = performance.now() - started
  if (ms > slowest.ms) Object.assign(slowest, { ms, input: input.slice(0, 200) })
  if (ms >= PER_INPUT_MS)
    process.stderr.write(`slow input (${Math.round(ms)} ms): ${JSON.stringify(input)}\n`)
  expect(
    ms < PER_INPUT_MS
      ? 'in time'
      : `took ${Math.round(ms)} ms on ${JSON.stringify(input.slice(0, 200))}`
  ).toBe('in time')
  return result
}

/** A thrown value must be one of the typed errors; anything else (TypeError, RangeError) fails. */
export function expectTyped(
  error: unknown,
  ...types: Array<new (...args: never[]) => Error>
): void {
  const ok = types.some((t) => error instanceof t)
  expect(
    ok
      ? 'typed'
      : `untyped ${(error as Error)?.name}: ${(error as Error)?.message}\n${(error as Error)?.stack ?? ''}`
  ).toBe('typed')
}
