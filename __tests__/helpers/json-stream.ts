/**
 * Driving the streaming JSON reader (shared/evidence/json-stream.ts) in tests: the shapes the
 * coverage readers stream, a run over bytes cut at chosen places, and the skeleton with the
 * streamed elements put back, to compare with JSON.parse of the whole text. Used by the unit test
 * and the fuzz test of the reader.
 */
import { expect } from '@jest/globals'
import {
  JsonStreamer,
  type JsonPath,
  type JsonStreamSpec
} from '../../shared/evidence/json-stream.js'

type Shape = Pick<JsonStreamSpec, 'stream' | 'maxPathDepth' | 'label'>

/** gcovr's and Coveralls' shape: the top-level "files" array. */
export const FILES: Shape = {
  label: 'entries of "files"',
  maxPathDepth: 1,
  stream: (p, kind) => kind === 'array' && p.length === 1 && p[0] === 'files'
}
/** SimpleCov's shape: each result set's "coverage" object. */
export const COVERAGE: Shape = {
  label: 'files of each "coverage"',
  maxPathDepth: 2,
  stream: (p, kind) =>
    kind === 'object' && p.length === 2 && typeof p[0] === 'string' && p[1] === 'coverage'
}
/** Both at once. */
export const BOTH: Shape = {
  label: 'entries',
  maxPathDepth: 2,
  stream: (p, kind) => FILES.stream(p, kind) || COVERAGE.stream(p, kind)
}

export interface Element {
  path: JsonPath
  key: string | number
  value: unknown
}

/**
 * Streams `text` as UTF-8, cut at the byte positions `cuts` (inside a multi-byte character too;
 * taken in order, once each), and returns the skeleton and the elements.
 */
export function streamed(
  text: string | Buffer,
  cuts: number[] = [],
  spec: Partial<JsonStreamSpec> = BOTH
): { value: unknown; elements: Element[]; deferred?: { error: unknown } } {
  const elements: Element[] = []
  const streamer = new JsonStreamer('r.json', {
    ...BOTH,
    element: (value, key, p) => elements.push({ path: p, key, value }),
    ...spec
  })
  const bytes = typeof text === 'string' ? Buffer.from(text) : text
  const at = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b)
  let from = 0
  for (const cut of [...at, bytes.length]) {
    streamer.write(bytes.subarray(from, cut))
    from = cut
  }
  return { ...streamer.end(), elements }
}

/**
 * The skeleton with the streamed elements put back where they came from: what JSON.parse gives
 * for the whole text. An array's elements must come with their indexes, in order.
 */
export function reassemble(value: unknown, elements: Element[]): unknown {
  for (const e of elements) {
    let at = value as Record<string | number, unknown>
    for (const part of e.path) at = at[part] as Record<string | number, unknown>
    if (Array.isArray(at)) {
      expect(e.key).toBe(at.length)
      at.push(e.value)
    } else {
      Object.defineProperty(at, e.key, {
        value: e.value,
        enumerable: true,
        writable: true,
        configurable: true
      })
    }
  }
  return value
}
