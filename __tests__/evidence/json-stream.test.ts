/**
 * The streaming JSON reader (shared/evidence/json-stream.ts) on its own: elements and skeleton
 * equal what JSON.parse gives whatever the chunking, keys decoded exactly as JSON.parse decodes
 * them, `__proto__` inert, and every document JSON.parse refuses refused too (cut off at any
 * byte, trailing garbage, bad tokens between elements, unbalanced brackets), with the line named
 * where it can be told. __tests__/fuzz/json-stream.test.ts checks the same on random documents.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { EvidenceError } from '../../shared/errors.js'
import { openEvidence } from '../../shared/evidence/evidence-file.js'
import {
  describeElement,
  JsonStreamError,
  lineAt,
  streamJson
} from '../../shared/evidence/json-stream.js'
import { BOTH, type Element, FILES, reassemble, streamed } from '../helpers/json-stream.js'
import { workspace } from './helpers.js'

/** Cuts every `size` bytes of `text` as UTF-8. */
function every(size: number, text: string | Buffer): number[] {
  const length = typeof text === 'string' ? Buffer.byteLength(text) : text.length
  const out: number[] = []
  for (let i = size; i < length; i += size) out.push(i)
  return out
}

function expectSameAsParse(text: string, cuts: number[] = []): void {
  const r = streamed(text, cuts)
  const whole = JSON.parse(text) as unknown
  const back = reassemble(r.value, r.elements)
  expect(back).toEqual(whole)
  expect(JSON.stringify(back)).toBe(JSON.stringify(whole))
}

/** A document with every hard case in it: strings full of brackets, quotes and escapes, nesting. */
const HARD = [
  '{ "gcovr/format_version" : "0.6" ,"before": ["]", "}", {"files": [1]}],',
  ' "files" :\t[ {"file":"a\\"]b","lines":[{"line_number":1,"count":2,"branches":[]}]},',
  '\r\n  "back\\\\slash\\\\", "quote\\"", "\\\\\\"", [[[]]], [], {}, {"x":{"y":[{"z":"}]{["}]}},',
  '  "\\u005d\\u007d\\ud83d\\ude00", 12.5e-3, -0, true, false, null , "\\/\\b\\f\\n\\r\\t" ],',
  ' "set": { "coverage" : { "lib/a.rb": [null, 1, 0], "\\u00e9\\ud83d\\ude00": {"lines": []},',
  '   "😀 raw": [], "__proto__": {"polluted": true}, "": 0, "k\\"[": "v" } , "timestamp": 1 },',
  ' "__proto__": {"polluted": true}, "empty": { "coverage": { } }, "tail": [ ] }'
].join('\n')

describe('JsonStreamer: the same as JSON.parse', () => {
  it('gives the elements and the skeleton JSON.parse gives, cut in two at every byte', () => {
    for (let p = 0; p <= Buffer.byteLength(HARD); p++) expectSameAsParse(HARD, [p])
  })

  it('and in chunks of 1 to 9 bytes', () => {
    for (let size = 1; size <= 9; size++) expectSameAsParse(HARD, every(size, HARD))
  })

  it('streams exactly the asked containers, one element at a time, in order', () => {
    const r = streamed(HARD)
    expect(r.elements.filter((e) => e.path[0] === 'files').map((e) => e.key)).toEqual(
      Array.from({ length: 15 }, (_, i) => i)
    )
    expect(r.elements.filter((e) => e.path[0] === 'set').map((e) => e.key)).toEqual([
      'lib/a.rb',
      'é😀',
      '😀 raw',
      '__proto__',
      '',
      'k"['
    ])
    // The skeleton keeps the streamed containers, empty, and everything else.
    expect(r.value).toMatchObject({
      'gcovr/format_version': '0.6',
      before: [']', '}', { files: [1] }],
      files: [],
      set: { coverage: {}, timestamp: 1 },
      empty: { coverage: {} },
      tail: []
    })
  })

  it('decodes keys as JSON defines them: escapes, surrogate pairs, lone surrogates', () => {
    const keys: Array<[string, string]> = [
      ['\\u00e9', 'é'],
      ['\\ud83d\\ude00', '😀'],
      ['😀x', '😀x'],
      ['\\ud800', '\ud800'],
      ['\\udc00x', '\udc00x'],
      ['\\"', '"'],
      ['\\\\', '\\'],
      ['\\/', '/'],
      ['a\\u0000b', 'a\u0000b'],
      ['\\t\\u0041', '\tA']
    ]
    const text = `{"s":{"coverage":{${keys.map(([k], i) => `"${k}":${i}`).join(',')}}}}`
    const want = keys.map(([, decoded]) => decoded)
    for (const size of [1, 2, 3, 100]) {
      expect(streamed(text, every(size, text)).elements.map((e) => e.key)).toEqual(want)
    }
    // Node 24's JSON.parse (V8 13.6) gets this wrong: once a one-character key "\\" has been
    // parsed, a one-character key written as a lone-surrogate escape comes back as "\\". Member
    // keys are decoded as JSON string values, which it gets right (nodejs/node#63785, a V8 bug).
    JSON.parse('{"\\\\":1}')
    const lone = streamed('{"s":{"coverage":{"\\ud800":1,"\\\\":2}}}').elements.map((e) => e.key)
    expect(lone).toEqual(['\ud800', '\\'])
  })

  it('keeps __proto__ keys inert: a streamed member and a skeleton key are plain data', () => {
    const text = '{"__proto__":{"polluted":1},"s":{"coverage":{"__proto__":{"polluted":2}}}}'
    const r = streamed(text)
    expect(r.elements).toEqual([
      { path: ['s', 'coverage'], key: '__proto__', value: { polluted: 2 } }
    ])
    expect(Object.getOwnPropertyNames(r.value)).toEqual(['__proto__', 's'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype)
  })

  it('reads empty containers and whitespace anywhere', () => {
    for (const text of [
      '{"files":[]}',
      ' \t\r\n{ \t\r\n"files" \t\r\n: \t\r\n[ \t\r\n] \t\r\n} \t\r\n',
      '{"s":{"coverage":{}}}',
      '{"s" : { "coverage" : {\n\n} } }',
      '{"files":[ [ ] , { } , "" ]}',
      '{"s":{"coverage":{ "a" : [ ] , "b" : { } }}}',
      '[]',
      '{}',
      '"files"',
      '0'
    ]) {
      for (let p = 0; p <= Buffer.byteLength(text); p++) expectSameAsParse(text, [p])
    }
  })

  it('streams only at the asked paths: not deeper, not an object where an array is asked', () => {
    const r = streamed(
      '{"x":{"files":[1]},"files":{"a":1},"a":{"b":{"coverage":{"c":1}}},"coverage":{"d":1}}'
    )
    expect(r.elements).toEqual([])
    const top = streamed('[{"coverage":{"a":1}},{"files":[1]}]')
    expect(top.elements).toEqual([])
  })
})

describe('JsonStreamer: never passes what JSON.parse refuses', () => {
  function refuses(text: string | Buffer, cuts: number[] = []): JsonStreamError | EvidenceError {
    expect(() => JSON.parse(text.toString())).toThrow()
    try {
      streamed(text, cuts)
    } catch (error) {
      if (error instanceof JsonStreamError || error instanceof EvidenceError) return error
      throw error
    }
    throw new Error(`accepted ${JSON.stringify(text.toString())}`)
  }

  it('a document cut off at any byte is refused', () => {
    const bytes = Buffer.from(HARD.trimEnd())
    for (let p = 0; p < bytes.length; p++) {
      const cut = bytes.subarray(0, p)
      for (const cuts of [[], every(3, cut), [Math.floor(p / 2)]]) {
        const e = refuses(cut, cuts)
        if (cut.toString().trim() === '') expect((e as EvidenceError).problem).toBe('empty')
        else expect(e).toBeInstanceOf(JsonStreamError)
      }
    }
  })

  it('says where it was cut off', () => {
    const e = refuses('{"files":[{"a":1},{"b"') as JsonStreamError
    expect(e.message).toBe('is not valid JSON: it ends part way through the entries (cut off?).')
    expect(e.offset).toBe(22)
  })

  it('trailing garbage, bad tokens between elements, unbalanced brackets, bad keys', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"files":[1]} x', /unexpected "x" after the end of the document/],
      ['{"files":[1]}}', /unexpected "}" after the end/],
      ['{"files":[1]}{"files":[2]}', /unexpected "\{" after the end/],
      ['1 {"files":[2]}', /unexpected "\{" after the end/],
      [']', /unexpected "]"/],
      ['{"files":[1,]}', /a value is missing in files \(a comma too many\?\)/],
      ['{"files":[,1]}', /a value is missing in files/],
      ['{"files":[1,,2]}', /a value is missing in files/],
      ['{"files":[1 2]}', /Unexpected non-whitespace character after JSON \(in files\[0\]\)/],
      ['{"files":[1:2]}', /in files\[0\]/],
      ['{"files":[1}', /files is an array but closes with "}"/],
      ['{"files":[{"a":1]]}', /in files\[0\]/],
      ['{"files":[[1}]}', /in files\[0\]/],
      ['{"files":[\u00a0]}', /in files\[0\]/],
      ['{"files":[tru]}', /in files\[0\]/],
      ['{"files":["a\nb"]}', /in files\[0\]/],
      ['{"files":[1]]}', /./],
      ['{"files":[1]', /it ends part way/],
      ['{"files" [1]}', /./],
      ['{"s":{"coverage":{"a":1,}}}', /expected a property name in s.coverage, found "}"/],
      ['{"s":{"coverage":{a:1}}}', /expected a property name in s.coverage, found "a"/],
      ['{"s":{"coverage":{"a" 1}}}', /expected ":" after s.coverage.a, found "1"/],
      ['{"s":{"coverage":{"a":}}}', /a value is missing in s.coverage/],
      ['{"s":{"coverage":{"a":1]}}', /s.coverage is an object but closes with "]"/],
      ['{"s":{"coverage":{"\\x":1}}}', /a property name in s.coverage is not a valid string/],
      ['{"s":{"coverage":{"a\tb":1}}}', /a property name in s.coverage is not a valid string/],
      ['{"s\\q":{"coverage":{}}}', /a property name is not a valid string/],
      ['{"a":1 "b":2}', /./],
      ['{"a":1,}', /./],
      ['nul', /./],
      ['\ufeff{}', /./]
    ]
    for (const [text, message] of cases) {
      for (const cuts of [[], every(1, text)]) {
        const e = refuses(text, cuts)
        expect(e).toBeInstanceOf(JsonStreamError)
        expect(e.message).toMatch(message)
      }
    }
  })

  it('refuses a key twice in a streamed object, or on the way to a streamed container', () => {
    for (const text of [
      '{"s":{"coverage":{"a":1,"a":2}}}',
      '{"s":{"coverage":{"\\u0061":1,"a":2}}}',
      '{"files":[1],"files":[2]}',
      '{"files":[1],"files":2}',
      '{"files":2,"fil\\u0065s":[1]}',
      '{"s":{"coverage":{}},"s":{"coverage":{}}}',
      '{"s":{"coverage":{"a":1},"coverage":{}}}'
    ]) {
      let error: unknown
      try {
        streamed(text)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(JsonStreamError)
      expect((error as JsonStreamError).message).toMatch(/^is ambiguous: .* appears twice/)
    }
  })
})

describe('JsonStreamer: caps and held-back errors', () => {
  it('refuses one element over the cap as too large, naming it, however it is chunked', () => {
    const big = `{"files":[[1],${JSON.stringify('x'.repeat(200))},[2]]}`
    for (const cuts of [[], every(7, big), every(64, big)]) {
      expect(() => streamed(big, cuts, { maxElementBytes: 100 })).toThrow(
        new EvidenceError(
          'r.json',
          'too-large',
          'files[1] is too large to read: over the 100-byte limit for one of the entries.'
        )
      )
    }
    // A member's key counts toward its element.
    const key = `{"s":{"coverage":{"${'k'.repeat(150)}":1}}}`
    for (const cuts of [[], every(10, key)]) {
      let error: unknown
      try {
        streamed(key, cuts, { maxElementBytes: 100 })
      } catch (e) {
        error = e
      }
      expect((error as EvidenceError).problem).toBe('too-large')
    }
    // Under the cap, the same document reads.
    expect(streamed(big, [], { maxElementBytes: 300 }).elements.length).toBe(3)
  })

  it('refuses a skeleton over its cap as too large', () => {
    const text = `{"other":${JSON.stringify('y'.repeat(500))},"files":[1]}`
    expect(() => streamed(text, every(50, text), { maxSkeletonBytes: 200 })).toThrow(
      /is too large to read: more than 200 bytes of it lie outside the entries/
    )
  })

  it('holds an element callback error back until the whole document is read', () => {
    const spec = {
      element: () => {
        throw new Error('element problem')
      }
    }
    const r = streamed('{"files":[1,2]}', [], spec)
    expect((r.deferred?.error as Error).message).toBe('element problem')
    // A syntax error after it wins: the document is not JSON at all.
    expect(() => streamed('{"files":[1,2]} x', [], spec)).toThrow(JsonStreamError)
    expect(() => streamed('{"files":[1,2,}', [], spec)).toThrow(JsonStreamError)
  })

  it('leaves a container whose key is too long to decode in the skeleton', () => {
    const long = 'k'.repeat(200_000)
    const text = `{"${long}":{"coverage":{"a":1}},"s":{"coverage":{"b":2}}}`
    const r = streamed(text, every(65_536, text))
    expect(r.elements.map((e) => e.key)).toEqual(['b'])
    expect((r.value as Record<string, { coverage: object }>)[long].coverage).toEqual({ a: 1 })
  })
})

describe('describeElement and lineAt', () => {
  it('names elements as the readers name them', () => {
    expect(describeElement(['files'], 3)).toBe('files[3]')
    expect(describeElement(['RSpec', 'coverage'], 'lib/a.rb')).toBe('RSpec.coverage["lib/a.rb"]')
    expect(describeElement(['run a', 'coverage'], 'x\ny')).toBe('["run a"].coverage["x?y"]')
    expect(describeElement([])).toBe('the document')
  })

  it('counts lines', () => {
    const text = Buffer.from('a\nb\nc')
    expect(lineAt(text, 0)).toBe(1)
    expect(lineAt(text, 2)).toBe(2)
    expect(lineAt(text, 99)).toBe(3)
  })
})

describe('streamJson: a file', () => {
  const root = workspace()
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  let n = 0

  async function read(
    content: string | Buffer,
    chunkBytes = 7
  ): Promise<{ value: unknown; elements: Element[] }> {
    const file = `f${n++}.json`
    writeFileSync(path.join(root, file), content)
    const opened = await openEvidence(root, file, 1 << 20)
    const elements: Element[] = []
    const value = await streamJson(
      opened,
      1 << 20,
      { ...BOTH, element: (v, key, p) => elements.push({ path: p, key, value: v }) },
      chunkBytes
    )
    return { value, elements }
  }

  async function error(content: string, chunkBytes = 7): Promise<EvidenceError> {
    try {
      await read(content, chunkBytes)
    } catch (e) {
      expect(e).toBeInstanceOf(EvidenceError)
      return e as EvidenceError
    }
    throw new Error('read')
  }

  it('skips a UTF-8 byte-order mark and reads multi-byte characters split across chunks', async () => {
    const text = '{"files":["é😀", {"k€":"\\u20ac"}], "s":{"coverage":{"ü":[1]}}}'
    for (const chunk of [1, 2, 3, 5, 1024]) {
      const r = await read(
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
        chunk
      )
      expect(reassemble(r.value, r.elements)).toEqual(JSON.parse(text))
    }
  })

  it('names the line of a problem in an element, between elements and in the skeleton', async () => {
    const cases: Array<[string, number, RegExp]> = [
      // JSON.parse says where: that line; it does not: the line where the element starts
      [
        '{\n"files":[\n1,\n{"a":\n 1 2}\n]}',
        5,
        /^f\d+\.json: is not valid JSON \(line 5\): .*\(in files\[1\]\)$/
      ],
      ['{\n"files":[\n1,\n{"a":\n tru}\n]}', 4, /\(line 4\): .*\(in files\[1\]\)$/],
      ['{\n"files":[\n1,\n\n,2]}', 5, /\(line 5\): a value is missing in files/],
      ['{\n"files":[1],\n"a": [1 2]\n}', 3, /\(line 3\): /],
      ['{"files":[1]}\n\n x', 3, /\(line 3\): unexpected "x" after the end/],
      [
        '{"s":{"coverage":{\n"a":1,\n"a":2}}}',
        3,
        /is ambiguous \(line 3\): s\.coverage\.a appears twice/
      ],
      ['{\n"files":[\n1,\n2\n', 5, /\(line 5\): it ends part way through/]
    ]
    for (const [text, line, message] of cases) {
      const e = await error(text)
      expect(e.problem).toBe('malformed')
      expect(e.message).toMatch(message)
      expect(e.line).toBe(line)
    }
  })

  it('an empty or whitespace-only file is empty', async () => {
    expect((await error(' \n\t ')).problem).toBe('empty')
    expect((await error('\ufeff  ')).problem).toBe('empty')
  })

  it('runs the check before an element error: a file that is not the format says so first', async () => {
    const file = `f${n++}.json`
    writeFileSync(path.join(root, file), '{"files":[1]}')
    const opened = await openEvidence(root, file, 1 << 20)
    await expect(
      streamJson(opened, 1 << 20, {
        ...FILES,
        element: () => {
          throw new EvidenceError(file, 'malformed', 'bad element')
        },
        check: () => {
          throw new EvidenceError(file, 'unsupported', 'not this format')
        }
      })
    ).rejects.toThrow('not this format')
  })
})
