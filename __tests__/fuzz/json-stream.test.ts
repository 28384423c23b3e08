/**
 * The streaming JSON reader (shared/evidence/json-stream.ts) against JSON.parse under fast-check.
 * Random documents of the streamed shapes, with random whitespace, cut into random chunks, give
 * exactly what JSON.parse gives; damaged documents and token soup are refused whenever JSON.parse
 * refuses them, and accepted ones (save a key given twice where streaming makes it matter, which
 * is refused) give what JSON.parse gives. Only JsonStreamError or EvidenceError may be thrown, and
 * each input finishes within PER_INPUT_MS.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { EvidenceError } from '../../shared/errors.js'
import { JsonStreamError } from '../../shared/evidence/json-stream.js'
import { FIXTURES } from '../evidence/helpers.js'
import { reassemble, streamed } from '../helpers/json-stream.js'
import { damaged } from './damage.js'
import { expectTyped, PER_INPUT_MS, RUNS, slowest, TARGET_TIMEOUT, timedSync } from './support.js'

/** Random cut positions folded into the byte length of `text`, so every one falls inside it. */
const within = (text: string, cuts: number[]): number[] =>
  cuts.map((c) => c % (Buffer.byteLength(text) + 1))

/**
 * Streaming `text` must agree with JSON.parse: refused whenever JSON.parse refuses it, else the
 * same value, unless refused as ambiguous (a key given twice on the way to streamed elements).
 */
function agrees(raw: string, cuts: number[]): void {
  // The text as a UTF-8 file holds it (a lone surrogate becomes U+FFFD).
  const text = Buffer.from(raw).toString()
  let parsed: unknown
  let parseFailed = false
  try {
    parsed = JSON.parse(text)
  } catch {
    parseFailed = true
  }
  let got: ReturnType<typeof streamed> | undefined
  let error: unknown
  try {
    got = streamed(text, within(text, cuts))
  } catch (e) {
    expectTyped(e, JsonStreamError, EvidenceError)
    error = e
  }
  if (parseFailed) {
    expect(got === undefined ? 'refused' : `accepted ${JSON.stringify(text)}`).toBe('refused')
    return
  }
  if (error) {
    expect((error as Error).message).toMatch(/^(r\.json: )?is ambiguous: .* appears twice/)
    return
  }
  if (ESCAPED_ONE_CHARACTER_KEY.test(text)) return
  const back = reassemble(got?.value, got?.elements ?? [])
  expect(JSON.stringify(back)).toBe(JSON.stringify(parsed))
  expect(back).toEqual(parsed)
}

/** JSON text of `v` with random whitespace around every token. */
function spaced(v: unknown, ws: string[]): string {
  let k = 0
  const w = () => ws[k++ % ws.length]
  const out = (x: unknown): string => {
    if (Array.isArray(x)) return `[${w()}${x.map((y) => `${out(y)}${w()}`).join(`,${w()}`)}]`
    if (x !== null && typeof x === 'object') {
      const body = Object.keys(x)
        .map(
          (key) =>
            `${JSON.stringify(key)}${w()}:${w()}${out((x as Record<string, unknown>)[key])}${w()}`
        )
        .join(`,${w()}`)
      return `{${w()}${body}}`
    }
    return JSON.stringify(x)
  }
  return `${w()}${out(v)}${w()}`
}

const WS = fc.array(fc.constantFrom('', ' ', '\n', '\t', '\r\n', '  '), {
  minLength: 1,
  maxLength: 8
})
const CUTS = fc.array(fc.nat(), { maxLength: 12 })
/**
 * A one-character key written as an escape ("\"", "\\", "\u0041"): Node 24's JSON.parse (V8
 * 13.6), the reference here, now and then decodes such a key as "\\" (a V8 key-cache bug, open
 * upstream: https://github.com/nodejs/node/issues/63785; the key test in
 * __tests__/evidence/json-stream.test.ts shows the reader decodes member keys right). Where the text has one,
 * only refusal is compared (the generated member keys have none).
 */
const ESCAPED_ONE_CHARACTER_KEY = /"\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})"\s*:/
const escapedAlone = (k: string) => k.length === 1 && JSON.stringify(k) !== `"${k}"`

/** Keys, lone surrogates and escapes among them. */
const KEY = fc
  .oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom('__proto__', 'constructor', '😀', 'x\ud800', '\udc00y', 'a"b', 'c\\d', '1', '')
  )
  .filter((k) => !escapedAlone(k))

/** A document of both streamed shapes, its member and set names unique, built key by key. */
const DOCUMENT = fc
  .record({
    files: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 6 }),
    sets: fc.uniqueArray(
      fc.tuple(
        KEY,
        fc.uniqueArray(fc.tuple(KEY, fc.jsonValue({ maxDepth: 3 })), {
          maxLength: 5,
          selector: ([k]) => k
        })
      ),
      { maxLength: 3, selector: ([k]) => k }
    ),
    extra: fc.jsonValue({ maxDepth: 2 })
  })
  .map(({ files, sets, extra }) => {
    const doc: Record<string, unknown> = Object.create(null) as Record<string, unknown>
    const put = (o: Record<string, unknown>, k: string, v: unknown) =>
      Object.defineProperty(o, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true
      })
    put(doc, 'extra', extra)
    put(doc, 'files', files)
    for (const [name, members] of sets) {
      const coverage = Object.create(null) as Record<string, unknown>
      for (const [k, v] of members) put(coverage, k, v)
      put(doc, `set ${name}`, { coverage, timestamp: 1 })
    }
    return doc
  })

const SEEDS = [
  readFileSync(path.join(FIXTURES, 'real-tools-more/gcovr.json'), 'utf8'),
  readFileSync(path.join(FIXTURES, 'real-tools-more/simplecov.resultset.json'), 'utf8'),
  '{"gcovr/format_version":"0.6","files":[{"file":"a\\"]}[.c","lines":[{"line_number":1,"count":2}]},[],{}],"s":{"coverage":{"k\\u00e9":[null,1],"__proto__":{}}}}'
]

afterAll(() => {
  console.log(
    `fuzz json-stream: ${RUNS} runs per property; slowest input ${slowest.ms.toFixed(1)} ms (bound ${PER_INPUT_MS} ms)`
  )
})

describe('the streaming JSON reader against JSON.parse', () => {
  it(
    'random documents, random whitespace, random chunks: the same value as JSON.parse',
    () => {
      fc.assert(
        fc.property(DOCUMENT, WS, CUTS, (doc, ws, cuts) => {
          const text = spaced(doc, ws)
          timedSync(text, () => agrees(text, cuts))
          // and the whole is streamed: no element is left in the skeleton
          const { value } = streamed(text, within(text, cuts))
          expect((value as { files: unknown[] }).files).toEqual([])
        }),
        { numRuns: RUNS }
      )
    },
    TARGET_TIMEOUT
  )

  it.each(SEEDS.map((seed, i): [number, string] => [i, seed]))(
    'damaged documents (seed %i): refused whenever JSON.parse refuses, else the same value',
    (_, seed) => {
      fc.assert(
        fc.property(damaged(seed), CUTS, (text, cuts) => {
          timedSync(text, () => agrees(text, cuts))
        }),
        { numRuns: RUNS }
      )
    },
    TARGET_TIMEOUT
  )

  it(
    'token soup: refused whenever JSON.parse refuses, else the same value',
    () => {
      const token = fc.constantFrom(
        '{',
        '}',
        '[',
        ']',
        ',',
        ':',
        '"',
        '\\',
        '\\"',
        ' ',
        '\n',
        '1',
        '-0',
        'null',
        'tru',
        '"files"',
        '"s"',
        '"coverage"',
        '"k"',
        '"__proto__"',
        '"\\ud83d\\ude00"',
        '\ufeff',
        '\u00a0'
      )
      fc.assert(
        fc.property(fc.array(token, { maxLength: 40 }), CUTS, (tokens, cuts) => {
          const text = tokens.join('')
          timedSync(text, () => agrees(text, cuts))
        }),
        { numRuns: RUNS * 5 }
      )
    },
    TARGET_TIMEOUT
  )

  it(
    'documents of the streamed shapes, some with a value left out: refused exactly when JSON.parse refuses',
    () => {
      // Documents that are valid more often than token soup: the streamed shapes, whose values
      // may be left out.
      // '' and ' ' leave a value out: [1,], [,1], [ ], {"k":}
      const inner = fc.constantFrom('1', '[]', '{}', '"x"', '[1,[2]]', '{"a":"]"}', 'null', '', ' ')
      const doc = fc
        .tuple(fc.array(inner, { maxLength: 5 }), fc.array(fc.tuple(KEY, inner), { maxLength: 4 }))
        .map(
          ([items, members]) =>
            `{"files":[${items.join(',')}],"s":{"coverage":{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}}}`
        )
      fc.assert(
        fc.property(doc, CUTS, (text, cuts) => {
          timedSync(text, () => agrees(text, cuts))
        }),
        { numRuns: RUNS }
      )
    },
    TARGET_TIMEOUT
  )
})
