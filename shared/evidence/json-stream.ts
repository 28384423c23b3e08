import { constants, promises as fsp } from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { EvidenceError, errorMessage } from '../errors.js'
import { printable } from '../safe-path.js'
import { DEFAULT_MAX_JSON_BYTES, streamBytes, type OpenedEvidence } from './evidence-file.js'

/**
 * A streaming JSON reader for documents whose bulk is one or a few big containers: gcovr's
 * "files", Coveralls' "source_files", each SimpleCov result set's "coverage". A scanner walks the
 * file's bytes chunk by chunk, tracking only nesting depth and string state; the elements of the
 * containers the caller asks for are cut out one at a time, decoded and handed to JSON.parse, so
 * one element is in memory at a time. Everything else (the skeleton, with those containers left
 * empty) is kept and parsed at the end, which both checks that the whole document is JSON and
 * gives the caller its top-level fields. Nothing is repaired: each element must parse, the commas,
 * colons and brackets around them are checked here, and the skeleton must parse.
 *
 * The scanner reads UTF-8 bytes, not decoded text: every byte JSON's structure is made of is
 * ASCII, and no byte of a multi-byte UTF-8 character is, so the structure is found without
 * decoding (a loop over bytes costs about half what charCodeAt over the decoded text does: 40
 * against 70 ms for a 15 MB pretty-printed .resultset.json). Each element is decoded once, whole,
 * so a character split between two chunks is never split in the text. JSON.parse does the real
 * parsing, natively; a hand-written scanner with it is 5 to 7 times faster than
 * @streamparser/json's tokeniser on the bench's 10k-file reports.
 */

/** Object keys and array indices from the document's root to a container. */
export type JsonPath = ReadonlyArray<string | number>

export interface JsonStreamSpec {
  /**
   * Whether the elements of the container (array or object) opening at `path` are streamed.
   * Asked only for containers at most `maxPathDepth` keys deep and not inside a streamed one.
   */
  stream(path: JsonPath, kind: 'array' | 'object'): boolean
  maxPathDepth: number
  /**
   * One streamed element, parsed; `key` is its index (array) or member name (object). What it
   * throws is held back: the rest of the document is still checked, and `streamJson` throws it
   * after `check` (so a document that is not JSON, or not this format at all, says so first).
   */
  element(value: unknown, key: string | number, path: JsonPath): void
  /** What the streamed elements are, for messages: 'entries of "files"'. */
  label: string
  /** Bytes one element (with its key) may have; DEFAULT_MAX_JSON_BYTES unless set. */
  maxElementBytes?: number
  /** Bytes the skeleton may have; DEFAULT_MAX_JSON_BYTES unless set. */
  maxSkeletonBytes?: number
}

/** A syntax problem at a byte offset of the document (after any byte-order mark). */
export class JsonStreamError extends Error {
  /** Undefined when JSON.parse did not say where. */
  readonly offset: number | undefined
  readonly lead: string
  readonly detail: string
  constructor(detail: string, offset: number | undefined, lead = 'is not valid JSON') {
    super(`${lead}: ${detail}`)
    this.name = 'JsonStreamError'
    this.offset = offset
    this.lead = lead
    this.detail = detail
  }
}

/** The 1-based line of a byte offset. */
export function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1
  const end = Math.min(offset, bytes.length)
  for (let i = 0; i < end; i++) if (bytes[i] === LINE_FEED) line++
  return line
}

const LINE_FEED = 0x0a
const QUOTE = 0x22
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACKET = 0x5b
const BACKSLASH = 0x5c
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

/** Only JSON's four whitespace characters (not \u00a0 or a BOM, which JSON.parse refuses). */
function isBlank(text: string): boolean {
  return firstNonBlank(text) === text.length
}

function firstNonBlank(text: string): number {
  let i = 0
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++
  return i
}

/** A byte for a message: the character when it is ASCII. */
function shown(c: number): string {
  return c < 0x80 ? printable(JSON.stringify(String.fromCharCode(c)), 20) : 'a non-ASCII character'
}

/** A skeleton key longer than this is not decoded, and nothing under it is streamed. */
const MAX_PATH_KEY_BYTES = 64 * 1024

// Scanner modes.
/** Outside any streamed container: the skeleton. */
const SKELETON = 0
/** Inside a streamed element's value. */
const VALUE = 1
/** In a streamed object, before a member's key (after "{" or ","). */
const KEY_WAIT = 2
/** In a streamed object, inside a member's key. */
const KEY = 3
/** In a streamed object, between a member's key and its ":". */
const KEY_COLON = 4

/** A skeleton container whose keys or indices are tracked (it is at most maxPathDepth deep). */
interface Frame {
  object: boolean
  /** Object: the current member's key once its ":" is seen; array: the current index. */
  key: string | number | undefined
  /** Object: the next string is a key. */
  expectKey: boolean
  /** Object: its keys so far. A key twice on a path to a streamed container is refused. */
  keys: Set<string> | undefined
}

/** Decoded pieces of text (fresh strings, holding no chunk alive), joined at the end. */
class TextPieces {
  private readonly pieces: string[] = []
  chars = 0
  push(piece: string): void {
    if (piece.length === 0) return
    this.pieces.push(piece)
    this.chars += piece.length
  }
  text(): string {
    return this.pieces.join('')
  }
}

/** Describes a streamed element for messages: files[3], RSpec.coverage["lib/a.rb"]. */
export function describeElement(path: JsonPath, key?: string | number): string {
  let out = ''
  for (const part of key === undefined ? path : [...path, key]) {
    if (typeof part === 'number') out += `[${part}]`
    else if (/^[A-Za-z_$][\w$-]*$/.test(part) && part.length <= 80)
      out += out === '' ? part : `.${part}`
    else out += `["${printable(part, 120)}"]`
  }
  return out === '' ? 'the document' : out
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)
}

/**
 * The scanner, fed UTF-8 bytes chunk by chunk (`write`), then `end`. Throws JsonStreamError for
 * syntax problems (with the byte offset, for a line number) and EvidenceError for an element or
 * skeleton over its cap.
 */
export class JsonStreamer {
  private readonly display: string
  private readonly spec: JsonStreamSpec
  private readonly maxElement: number
  private readonly maxSkeleton: number
  private mode = SKELETON
  /** Bytes before the current chunk. */
  private base = 0

  // String state, shared by every mode (one string is open at a time).
  private inString = false
  /** The first byte of the next chunk is escaped (the chunk ended on an unescaped backslash). */
  private escaped = false

  // The skeleton: its bytes decoded as they come (they are contiguous but for the streamed
  // containers' contents, cut out between ASCII brackets, so no character is split).
  private readonly skeleton = new TextPieces()
  private readonly decoder = new StringDecoder('utf8')
  private skeletonBytes = 0
  private skeletonFrom = 0
  /** Skeleton character position -> byte offset where the document resumes after a container. */
  private readonly cutAt: number[] = [0]
  private readonly cutTo: number[] = [0]
  private depth = 0
  private readonly frames: Frame[] = []
  private topScalar = false
  private done = false

  /** Collecting a key's bytes (with its quotes): skeleton keys of tracked objects, streamed keys. */
  private keyOpen = false
  private keyParts: Buffer[] = []
  private keyBytes = 0
  private keyFrom = 0

  // The streamed container.
  private containerPath: JsonPath = []
  private containerObject = false
  private containerCount = 0
  private containerKeys = new Set<string>()
  private memberKey: string | number = 0
  private elementDepth = 0
  private elementParts: Buffer[] = []
  private elementFrom = 0
  private elementOffset = 0
  private elementBytes = 0

  /** The first error an element callback threw, held until the end. */
  private deferred: { error: unknown } | undefined

  constructor(display: string, spec: JsonStreamSpec) {
    this.display = display
    this.spec = spec
    this.maxElement = spec.maxElementBytes ?? DEFAULT_MAX_JSON_BYTES
    this.maxSkeleton = spec.maxSkeletonBytes ?? DEFAULT_MAX_JSON_BYTES
  }

  write(chunk: Uint8Array): void {
    const b = asBuffer(chunk)
    const n = b.length
    this.skeletonFrom = 0
    this.elementFrom = 0
    this.keyFrom = 0
    let i = 0
    while (i < n) {
      switch (this.mode) {
        case SKELETON:
          i = this.scanSkeleton(b, i)
          break
        case VALUE:
          i = this.scanValue(b, i)
          break
        case KEY_WAIT:
          i = this.scanKeyWait(b, i)
          break
        case KEY:
          i = this.scanKey(b, i)
          break
        default:
          i = this.scanKeyColon(b, i)
      }
    }
    if (this.mode === SKELETON) this.keepSkeleton(b, this.skeletonFrom, n)
    else if (this.mode === VALUE && n > this.elementFrom) {
      // A slice, not a copy: the element is decoded whole once it ends.
      this.elementParts.push(b.subarray(this.elementFrom))
      this.elementBytes += n - this.elementFrom
      if (this.elementBytes > this.maxElement) throw this.tooLargeElement()
    }
    if (this.keyOpen && n > this.keyFrom) {
      this.keyParts.push(b.subarray(this.keyFrom))
      this.keyBytes += n - this.keyFrom
      if (this.mode === KEY) {
        if (this.keyBytes > this.maxElement) throw this.tooLargeElement()
      } else if (this.keyBytes > MAX_PATH_KEY_BYTES) {
        // No path worth streaming has such a key: leave the frame's key unknown, so nothing under
        // it is streamed (it stays in the skeleton, under the skeleton's cap).
        this.keyOpen = false
        this.keyParts = []
      }
    }
    this.base += n
  }

  /** The parsed skeleton, and what an element callback threw, if anything. */
  end(): { value: unknown; deferred?: { error: unknown } } {
    if (this.mode !== SKELETON || this.inString || this.depth > 0) {
      throw new JsonStreamError(
        this.mode === SKELETON
          ? 'it ends part way (cut off?).'
          : `it ends part way through the ${this.spec.label} (cut off?).`,
        this.base
      )
    }
    this.skeleton.push(this.decoder.end())
    const text = this.skeleton.text()
    if (text.trim() === '') throw new EvidenceError(this.display, 'empty', 'holds only whitespace.')
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      const { detail, position } = v8Detail(error)
      throw new JsonStreamError(
        detail,
        position === undefined ? undefined : this.skeletonOffset(text, position)
      )
    }
    return { value, ...(this.deferred ? { deferred: this.deferred } : {}) }
  }

  /** The byte offset of a skeleton character position. */
  private skeletonOffset(text: string, position: number): number {
    let k = this.cutAt.length - 1
    while (k > 0 && this.cutAt[k] > position) k--
    return this.cutTo[k] + Buffer.byteLength(text.slice(this.cutAt[k], position))
  }

  private keepSkeleton(b: Buffer, from: number, to: number): void {
    if (to <= from) return
    this.skeletonBytes += to - from
    if (this.skeletonBytes > this.maxSkeleton) {
      throw new EvidenceError(
        this.display,
        'too-large',
        `is too large to read: more than ${this.maxSkeleton} bytes of it lie outside the ${this.spec.label}, which are read one at a time.`
      )
    }
    this.skeleton.push(this.decoder.write(b.subarray(from, to)))
  }

  private tooLargeElement(): EvidenceError {
    return new EvidenceError(
      this.display,
      'too-large',
      `${describeElement(this.containerPath, this.memberKey)} is too large to read: over the ${this.maxElement}-byte limit for one of the ${this.spec.label}.`
    )
  }

  /** Index of the quote closing the open string, from `from`; -1 when the chunk ends first. */
  private stringEnd(b: Buffer, from: number): number {
    const n = b.length
    let j = from
    if (this.escaped) {
      this.escaped = false
      j++
    }
    while (j < n) {
      const c = b[j]
      if (c === QUOTE) return j
      j += c === BACKSLASH ? 2 : 1
    }
    // Past the end: the chunk ended on a backslash, so the next chunk's first byte is escaped.
    this.escaped = j > n
    return -1
  }

  /** The bytes of a key whose closing quote is at `end`, decoded. */
  private keyText(b: Buffer, end: number): string {
    const text =
      this.keyParts.length === 0
        ? b.toString('utf8', this.keyFrom, end + 1)
        : Buffer.concat([...this.keyParts, b.subarray(this.keyFrom, end + 1)]).toString('utf8')
    this.keyBytes += end + 1 - this.keyFrom
    this.keyOpen = false
    this.keyParts = []
    return text
  }

  // ---- the skeleton ----------------------------------------------------------------------------

  private scanSkeleton(b: Buffer, from: number): number {
    const n = b.length
    let i = from
    if (this.inString) {
      const end = this.stringEnd(b, i)
      if (end < 0) return n
      this.inString = false
      i = end + 1
      if (this.keyOpen) this.skeletonKey(b, end)
    }
    for (; i < n; i++) {
      const c = b[i]
      if (this.depth === 0) {
        if (isJsonSpace(c)) continue
        const opens = c === OPEN_BRACE || c === OPEN_BRACKET
        if (this.done || (opens && this.topScalar) || c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          throw new JsonStreamError(
            `unexpected ${shown(c)}${this.done || this.topScalar ? ' after the end of the document' : ''}.`,
            this.base + i
          )
        }
        // A scalar document: the skeleton parse checks it.
        if (!opens) this.topScalar = true
        if (!opens && c !== QUOTE) continue
      }
      if (c === QUOTE) {
        const top =
          this.depth > 0 && this.depth === this.frames.length
            ? this.frames[this.depth - 1]
            : undefined
        const isKey = top !== undefined && top.object && top.expectKey
        if (isKey) {
          this.keyOpen = true
          this.keyParts = []
          this.keyBytes = 0
          this.keyFrom = i
        }
        const end = this.stringEnd(b, i + 1)
        if (end < 0) {
          this.inString = true
          return n
        }
        if (isKey) this.skeletonKey(b, end)
        i = end
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (this.openSkeleton(b, i, c === OPEN_BRACE)) return i + 1
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (this.depth === this.frames.length) this.frames.pop()
        this.depth--
        if (this.depth === 0) this.done = true
      } else if (c === COMMA) {
        const top = this.depth === this.frames.length ? this.frames[this.depth - 1] : undefined
        if (top) {
          if (top.object) {
            top.expectKey = true
            top.key = undefined
          } else top.key = (top.key as number) + 1
        }
      } else if (c === COLON) {
        const top = this.depth === this.frames.length ? this.frames[this.depth - 1] : undefined
        if (top?.object) top.expectKey = false
      }
    }
    return n
  }

  /** A skeleton key's closing quote is at `end`: decode the key for the frame's path. */
  private skeletonKey(b: Buffer, end: number): void {
    const text = this.keyText(b, end)
    const at = this.base + end + 1 - this.keyBytes
    const top = this.frames[this.frames.length - 1]
    let name: string
    try {
      name = JSON.parse(text) as string
    } catch (error) {
      throw new JsonStreamError(
        `a property name is not a valid string (${printable(v8Detail(error).detail, 120)}).`,
        at
      )
    }
    // JSON.parse keeps the last of a key given twice; the streamed elements may have come from the
    // first. Where that can matter (the objects on the way to a streamed container), refuse.
    if (top.keys?.has(name)) {
      const path = this.frames.map((f) => f.key).slice(0, -1)
      throw new JsonStreamError(
        `${describeElement(path.every((k) => k !== undefined) ? (path as JsonPath) : [], name)} appears twice; a key given twice would be read differently by other tools, so the file is refused.`,
        at,
        'is ambiguous'
      )
    }
    top.keys?.add(name)
    top.key = name
  }

  /** A container opens at b[i] in the skeleton. Returns true when its elements are streamed. */
  private openSkeleton(b: Buffer, i: number, object: boolean): boolean {
    const parent = this.depth > 0 ? this.frames[this.depth - 1] : undefined
    const tracked = this.depth === this.frames.length && this.depth <= this.spec.maxPathDepth
    const path = tracked ? this.frames.map((f) => f.key) : []
    const known = tracked && !parent?.expectKey && path.every((k) => k !== undefined)
    if (known && this.spec.stream(path as JsonPath, object ? 'object' : 'array')) {
      this.keepSkeleton(b, this.skeletonFrom, i + 1)
      this.containerPath = path as JsonPath
      this.containerObject = object
      this.containerCount = 0
      this.containerKeys = new Set()
      if (object) this.mode = KEY_WAIT
      else this.startValue(i + 1, 0, 0)
      return true
    }
    this.depth++
    if (this.depth === this.frames.length + 1 && this.depth <= this.spec.maxPathDepth) {
      this.frames.push({
        object,
        key: object ? undefined : 0,
        expectKey: object,
        keys: object ? new Set() : undefined
      })
    }
    return false
  }

  // ---- a streamed container --------------------------------------------------------------------

  /** A value starts at `at`; `bytes` of its element (its key) came before. */
  private startValue(at: number, key: string | number, bytes: number): void {
    this.mode = VALUE
    this.memberKey = key
    this.elementDepth = 0
    this.elementFrom = at
    this.elementOffset = this.base + at
    this.elementBytes = bytes
  }

  private scanValue(b: Buffer, from: number): number {
    const n = b.length
    let i = from
    if (this.inString) {
      const end = this.stringEnd(b, i)
      if (end < 0) return n
      this.inString = false
      i = end + 1
    }
    let depth = this.elementDepth
    for (; i < n; i++) {
      const c = b[i]
      // Ordered by code: whitespace, digits, letters and the bytes of non-ASCII characters, most
      // of an element outside its strings, cost one to three comparisons.
      if (c < COMMA) {
        if (c !== QUOTE) continue
        const end = this.stringEnd(b, i + 1)
        if (end < 0) {
          this.inString = true
          this.elementDepth = depth
          return n
        }
        i = end
      } else if (c < OPEN_BRACKET) {
        if (c === COMMA && depth === 0) {
          this.endValue(b, i, c)
          return i + 1
        }
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth === 0) {
          this.endValue(b, i, c)
          return i + 1
        }
        depth--
      }
    }
    this.elementDepth = depth
    return n
  }

  /** The element's value ends at b[i] (a comma or a closing bracket at its depth). */
  private endValue(b: Buffer, i: number, c: number): void {
    if (this.elementBytes + (i - this.elementFrom) > this.maxElement) throw this.tooLargeElement()
    let text: string
    if (this.elementParts.length === 0) text = b.toString('utf8', this.elementFrom, i)
    else {
      this.elementParts.push(b.subarray(this.elementFrom, i))
      text = Buffer.concat(this.elementParts).toString('utf8')
      this.elementParts = []
    }
    const offset = this.base + i
    if (isBlank(text)) {
      // Only "[ ]" may hold no value.
      if (c !== CLOSE_BRACKET || this.containerObject || this.containerCount > 0) {
        throw new JsonStreamError(
          `a value is missing in ${describeElement(this.containerPath)}${c === COMMA || this.containerCount > 0 ? ' (a comma too many?)' : ''}.`,
          offset
        )
      }
    } else {
      let value: unknown
      try {
        value = JSON.parse(text)
      } catch (error) {
        const { detail, position } = v8Detail(error)
        // Where JSON.parse does not say, the line where the element starts.
        const at = position ?? firstNonBlank(text)
        throw new JsonStreamError(
          `${detail} (in ${describeElement(this.containerPath, this.memberKey)})`,
          this.elementOffset + Buffer.byteLength(text.slice(0, at))
        )
      }
      if (!this.deferred) {
        try {
          this.spec.element(value, this.memberKey, this.containerPath)
        } catch (error) {
          this.deferred = { error }
        }
      }
      this.containerCount++
    }
    if (c === COMMA) {
      if (this.containerObject) this.mode = KEY_WAIT
      else this.startValue(i + 1, this.containerCount, 0)
      return
    }
    if (c !== (this.containerObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
      throw new JsonStreamError(
        `${describeElement(this.containerPath)} ${this.containerObject ? 'is an object' : 'is an array'} but closes with ${shown(c)}.`,
        offset
      )
    }
    this.closeContainer(i)
  }

  /** The streamed container closes at b[i]: back to the skeleton, which resumes with the bracket. */
  private closeContainer(i: number): void {
    this.mode = SKELETON
    this.skeletonFrom = i
    this.cutAt.push(this.skeleton.chars)
    this.cutTo.push(this.base + i)
    if (this.depth === 0) this.done = true
  }

  private scanKeyWait(b: Buffer, from: number): number {
    const n = b.length
    for (let i = from; i < n; i++) {
      const c = b[i]
      if (isJsonSpace(c)) continue
      if (c === QUOTE) {
        this.mode = KEY
        this.keyOpen = true
        this.keyParts = []
        this.keyBytes = 0
        this.keyFrom = i
        this.elementOffset = this.base + i
        return i + 1
      }
      if (c === CLOSE_BRACE && this.containerCount === 0) {
        this.closeContainer(i)
        return i + 1
      }
      throw new JsonStreamError(
        `expected a property name in ${describeElement(this.containerPath)}, found ${shown(c)}.`,
        this.base + i
      )
    }
    return n
  }

  private scanKey(b: Buffer, from: number): number {
    const end = this.stringEnd(b, from)
    if (end < 0) return b.length
    const text = this.keyText(b, end)
    if (this.keyBytes > this.maxElement) throw this.tooLargeElement()
    let name: string
    try {
      name = JSON.parse(text) as string
    } catch (error) {
      throw new JsonStreamError(
        `a property name in ${describeElement(this.containerPath)} is not a valid string (${printable(v8Detail(error).detail, 120)}).`,
        this.elementOffset
      )
    }
    if (this.containerKeys.has(name)) {
      throw new JsonStreamError(
        `${describeElement(this.containerPath, name)} appears twice; a key given twice would be read differently by other tools, so the file is refused.`,
        this.elementOffset,
        'is ambiguous'
      )
    }
    this.containerKeys.add(name)
    this.memberKey = name
    this.mode = KEY_COLON
    return end + 1
  }

  private scanKeyColon(b: Buffer, from: number): number {
    const n = b.length
    for (let i = from; i < n; i++) {
      const c = b[i]
      if (isJsonSpace(c)) continue
      if (c === COLON) {
        this.startValue(i + 1, this.memberKey, this.keyBytes)
        return i + 1
      }
      throw new JsonStreamError(
        `expected ":" after ${describeElement(this.containerPath, this.memberKey)}, found ${shown(c)}.`,
        this.base + i
      )
    }
    return n
  }
}

/** V8's JSON.parse message without its position (which is relative to the piece parsed). */
function v8Detail(error: unknown): { detail: string; position?: number } {
  const message = errorMessage(error)
  const m = /(?: in JSON)? at position (\d+)(?: \(line \d+ column \d+\))?/.exec(message)
  if (!m) return { detail: message }
  return {
    detail: message.slice(0, m.index) + message.slice(m.index + m[0].length),
    position: Number(m[1])
  }
}

/** Read size: as xml-stream.ts reads XML. */
const JSON_CHUNK_BYTES = 64 * 1024
const BOM = [0xef, 0xbb, 0xbf]

/** An opened file's bytes (see streamBytes), a UTF-8 byte-order mark dropped. */
async function* bytesWithoutBom(
  opened: OpenedEvidence,
  maxBytes: number,
  chunkBytes: number
): AsyncGenerator<Buffer> {
  /** The first bytes, held until it is clear whether they are a byte-order mark. */
  let head: Buffer | undefined = Buffer.alloc(0)
  for await (const chunk of streamBytes(opened, maxBytes, chunkBytes)) {
    if (!head) {
      yield chunk
      continue
    }
    head = Buffer.concat([head, chunk])
    if (head.length < BOM.length && BOM.slice(0, head.length).every((x, k) => head?.[k] === x))
      continue
    const skip = BOM.every((x, k) => head?.[k] === x) ? BOM.length : 0
    const first = head.subarray(skip)
    head = undefined
    if (first.length > 0) yield first
  }
  // A file shorter than a byte-order mark: its bytes as they are.
  if (head && head.length > 0) yield head
}

/**
 * Streams an opened JSON file (UTF-8, a byte-order mark skipped) through a JsonStreamer and
 * returns the skeleton. `check` runs on the skeleton before an element's held-back error is thrown.
 * Every problem is an EvidenceError naming the file, and the line where one can be told.
 */
export async function streamJson(
  opened: OpenedEvidence,
  maxBytes: number,
  spec: JsonStreamSpec & { check?(skeleton: unknown): void },
  chunkBytes = JSON_CHUNK_BYTES
): Promise<unknown> {
  const streamer = new JsonStreamer(opened.display, spec)
  let result: ReturnType<JsonStreamer['end']>
  try {
    for await (const chunk of bytesWithoutBom(opened, maxBytes, chunkBytes)) streamer.write(chunk)
    result = streamer.end()
  } catch (error) {
    if (!(error instanceof JsonStreamError)) throw error
    const line =
      error.offset === undefined ? undefined : await locateLine(opened, maxBytes, error.offset)
    throw new EvidenceError(
      opened.display,
      'malformed',
      `${error.lead}${line === undefined ? '' : ` (line ${line})`}: ${printable(error.detail, 300)}`,
      line
    )
  }
  spec.check?.(result.value)
  if (result.deferred) throw result.deferred.error
  return result.value
}

/**
 * The line of a byte offset (after any byte-order mark), counted by reading the file again: only
 * after an error, so a good file costs nothing for it. Opened without following symlinks; any
 * failure means no line.
 */
async function locateLine(
  opened: OpenedEvidence,
  maxBytes: number,
  offset: number
): Promise<number | undefined> {
  try {
    const handle = await fsp.open(
      opened.absolute,
      constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK
    )
    let line = 1
    let seen = 0
    for await (const chunk of bytesWithoutBom({ ...opened, handle }, maxBytes, JSON_CHUNK_BYTES)) {
      const end = Math.min(chunk.length, offset - seen)
      for (let i = chunk.indexOf(LINE_FEED); i >= 0 && i < end; i = chunk.indexOf(LINE_FEED, i + 1))
        line++
      seen += chunk.length
      if (seen >= offset) break
    }
    return line
  } catch {
    return undefined
  }
}
