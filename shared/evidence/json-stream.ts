import { constants, promises as fsp } from 'node:fs'
import { EvidenceError, errorMessage } from '../errors.js'
import { printable } from '../safe-path.js'
import { DEFAULT_MAX_JSON_BYTES, streamText, type OpenedEvidence } from './evidence-file.js'

/**
 * A streaming JSON reader for documents whose bulk is one or a few big containers: gcovr's
 * "files", Coveralls' "source_files", each SimpleCov result set's "coverage". A scanner walks the
 * text chunk by chunk, tracking only nesting depth and string state; the elements of the
 * containers the caller asks for are sliced out one at a time and handed to JSON.parse, so one
 * element is in memory at a time. Everything else (the skeleton, with those containers left empty)
 * is kept and parsed at the end, which both checks that the whole document is JSON and gives the
 * caller its top-level fields. Nothing is repaired: each element must parse, the commas, colons
 * and brackets around them are checked here, and the skeleton must parse.
 *
 * The scanner's per-character work is a charCodeAt and a few comparisons; strings are skipped
 * with indexOf. JSON.parse does the real parsing, natively.
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
  /** Characters one element (with its key) may have; DEFAULT_MAX_JSON_BYTES unless set. */
  maxElementChars?: number
  /** Characters the skeleton may have; DEFAULT_MAX_JSON_BYTES unless set. */
  maxSkeletonChars?: number
}

/** A syntax problem at a character offset of the text (after any byte-order mark). */
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

/** The 1-based line of a character offset in a text. */
export function lineAt(text: string, offset: number): number {
  let line = 1
  const end = Math.min(offset, text.length)
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) line++
  return line
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

/** A skeleton key longer than this is not decoded, and nothing under it is streamed. */
const MAX_PATH_KEY_CHARS = 64 * 1024

function firstNonBlank(text: string): number {
  let i = 0
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++
  return i
}

/** Only JSON's four whitespace characters (not \u00a0 or a BOM, which JSON.parse refuses). */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isJsonSpace(text.charCodeAt(i))) return false
  return true
}

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

/** Pieces of text kept in blocks, so slices never keep whole chunks alive. */
class TextPieces {
  private blocks: string[] = []
  private pending: string[] = []
  chars = 0
  push(piece: string): void {
    if (piece.length === 0) return
    this.pending.push(piece)
    this.chars += piece.length
    // A slice of a chunk keeps the whole chunk alive; joining copies the pieces out of them.
    if (this.pending.length >= 64) {
      this.blocks.push(this.pending.join(''))
      this.pending = []
    }
  }
  text(): string {
    return this.blocks.join('') + this.pending.join('')
  }
  get empty(): boolean {
    return this.chars === 0
  }
  clear(): void {
    this.blocks = []
    this.pending = []
    this.chars = 0
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

/**
 * The scanner, fed text chunk by chunk (`write`), then `end`. Throws JsonStreamError for syntax
 * problems (with the offset, for a line number) and EvidenceError for an element or skeleton over
 * its cap.
 */
export class JsonStreamer {
  private readonly display: string
  private readonly spec: JsonStreamSpec
  private readonly maxElement: number
  private readonly maxSkeleton: number
  private mode = SKELETON
  /** Characters before the current chunk. */
  private base = 0

  // String state, shared by every mode (one string is open at a time).
  private inString = false
  /** The first character of the next chunk is escaped (the chunk ended on an odd backslash run). */
  private escaped = false

  // The skeleton.
  private readonly skeleton = new TextPieces()
  private skeletonFrom = 0
  /** Skeleton position -> text offset where the text resumes after a streamed container. */
  private readonly cutAt: number[] = [0]
  private readonly cutTo: number[] = [0]
  private depth = 0
  private readonly frames: Frame[] = []
  private topScalar = false
  private done = false
  /** Collecting a key's text (with its quotes): skeleton keys of tracked objects, streamed keys. */
  private key: TextPieces | undefined
  private keyFrom = 0

  // The streamed container.
  private containerPath: JsonPath = []
  private containerObject = false
  private containerCount = 0
  private containerKeys = new Set<string>()
  private memberKey: string | number = 0
  private elementDepth = 0
  private readonly elementText = new TextPieces()
  private elementFrom = 0
  private elementOffset = 0
  private elementChars = 0

  /** The first error an element callback threw, held until the end. */
  private deferred: { error: unknown } | undefined

  constructor(display: string, spec: JsonStreamSpec) {
    this.display = display
    this.spec = spec
    this.maxElement = spec.maxElementChars ?? DEFAULT_MAX_JSON_BYTES
    this.maxSkeleton = spec.maxSkeletonChars ?? DEFAULT_MAX_JSON_BYTES
  }

  write(s: string): void {
    const n = s.length
    this.skeletonFrom = 0
    this.elementFrom = 0
    this.keyFrom = 0
    let i = 0
    while (i < n) {
      switch (this.mode) {
        case SKELETON:
          i = this.scanSkeleton(s, i)
          break
        case VALUE:
          i = this.scanValue(s, i)
          break
        case KEY_WAIT:
          i = this.scanKeyWait(s, i)
          break
        case KEY:
          i = this.scanKey(s, i)
          break
        default:
          i = this.scanKeyColon(s, i)
      }
    }
    if (this.mode === SKELETON) this.keepSkeleton(s.slice(this.skeletonFrom))
    else if (this.mode === VALUE) {
      this.elementText.push(s.slice(this.elementFrom))
      this.elementChars += n - this.elementFrom
      if (this.elementChars > this.maxElement) throw this.tooLargeElement()
    }
    if (this.key) {
      this.key.push(s.slice(this.keyFrom))
      if (this.mode === KEY) {
        this.elementChars += n - this.keyFrom
        if (this.elementChars > this.maxElement) throw this.tooLargeElement()
      } else if (this.key.chars > MAX_PATH_KEY_CHARS) {
        // No path worth streaming has such a key: leave the frame's key unknown, so nothing under
        // it is streamed (it stays in the skeleton, under the skeleton's cap).
        this.key = undefined
      }
    }
    this.base += n
  }

  /** The parsed skeleton, and what an element callback threw, if anything. */
  end(): { value: unknown; deferred?: { error: unknown } } {
    const at = this.base
    if (this.mode !== SKELETON || this.inString || this.depth > 0) {
      throw new JsonStreamError(
        this.mode === SKELETON
          ? 'it ends part way (cut off?).'
          : `it ends part way through the ${this.spec.label} (cut off?).`,
        at
      )
    }
    const text = this.skeleton.text()
    if (text.trim() === '') throw new EvidenceError(this.display, 'empty', 'holds only whitespace.')
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      const { detail, position } = v8Detail(error)
      throw new JsonStreamError(
        detail,
        position === undefined ? undefined : this.skeletonOffset(position)
      )
    }
    return { value, ...(this.deferred ? { deferred: this.deferred } : {}) }
  }

  /** The text offset of a skeleton position. */
  private skeletonOffset(position: number): number {
    let k = this.cutAt.length - 1
    while (k > 0 && this.cutAt[k] > position) k--
    return this.cutTo[k] + (position - this.cutAt[k])
  }

  private keepSkeleton(piece: string): void {
    this.skeleton.push(piece)
    if (this.skeleton.chars > this.maxSkeleton) {
      throw new EvidenceError(
        this.display,
        'too-large',
        `is too large to read: more than ${this.maxSkeleton} characters of it lie outside the ${this.spec.label}, which are read one at a time.`
      )
    }
  }

  private tooLargeElement(): EvidenceError {
    return new EvidenceError(
      this.display,
      'too-large',
      `${describeElement(this.containerPath, this.memberKey)} is too large to read: over the ${this.maxElement}-character limit for one of the ${this.spec.label}.`
    )
  }

  /** Index of the quote closing the open string, from `from`; -1 when the chunk ends first. */
  private stringEnd(s: string, from: number): number {
    let start = from
    if (this.escaped) {
      this.escaped = false
      start++
    }
    let j = s.indexOf('"', start)
    while (j >= 0) {
      let k = j - 1
      while (k >= start && s.charCodeAt(k) === BACKSLASH) k--
      if ((j - 1 - k) % 2 === 0) return j
      j = s.indexOf('"', j + 1)
    }
    let k = s.length - 1
    while (k >= start && s.charCodeAt(k) === BACKSLASH) k--
    this.escaped = (s.length - 1 - k) % 2 === 1
    return -1
  }

  // ---- the skeleton ----------------------------------------------------------------------------

  private scanSkeleton(s: string, from: number): number {
    const n = s.length
    let i = from
    if (this.inString) {
      const end = this.stringEnd(s, i)
      if (end < 0) return n
      this.inString = false
      i = end + 1
      if (this.key) this.skeletonKey(s, end)
    }
    for (; i < n; i++) {
      const c = s.charCodeAt(i)
      if (this.depth === 0) {
        if (isJsonSpace(c)) continue
        const opens = c === OPEN_BRACE || c === OPEN_BRACKET
        if (this.done || (opens && this.topScalar) || c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          throw new JsonStreamError(
            `unexpected ${printable(JSON.stringify(s[i]), 20)}${this.done || this.topScalar ? ' after the end of the document' : ''}.`,
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
          this.key = new TextPieces()
          this.keyFrom = i
        }
        const end = this.stringEnd(s, i + 1)
        if (end < 0) {
          this.inString = true
          return n
        }
        if (isKey) this.skeletonKey(s, end)
        i = end
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (this.openSkeleton(s, i, c === OPEN_BRACE)) return i + 1
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
  private skeletonKey(s: string, end: number): void {
    const key = this.key as TextPieces
    key.push(s.slice(this.keyFrom, end + 1))
    this.key = undefined
    const text = key.text()
    const top = this.frames[this.frames.length - 1]
    const at = this.base + end + 1 - text.length
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

  /** A container opens at s[i] in the skeleton. Returns true when its elements are streamed. */
  private openSkeleton(s: string, i: number, object: boolean): boolean {
    const parent = this.depth > 0 ? this.frames[this.depth - 1] : undefined
    const tracked = this.depth === this.frames.length && this.depth <= this.spec.maxPathDepth
    const path = tracked ? this.frames.map((f) => f.key) : []
    const known = tracked && !parent?.expectKey && path.every((k) => k !== undefined)
    if (known) {
      if (this.spec.stream(path as JsonPath, object ? 'object' : 'array')) {
        this.keepSkeleton(s.slice(this.skeletonFrom, i + 1))
        this.containerPath = path as JsonPath
        this.containerObject = object
        this.containerCount = 0
        this.containerKeys = new Set()
        if (object) this.mode = KEY_WAIT
        else {
          this.elementChars = 0
          this.startValue(i + 1, 0)
        }
        return true
      }
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

  private startValue(at: number, key: string | number): void {
    this.mode = VALUE
    this.memberKey = key
    this.elementDepth = 0
    this.elementFrom = at
    this.elementOffset = this.base + at
  }

  private scanValue(s: string, from: number): number {
    const n = s.length
    let i = from
    if (this.inString) {
      const end = this.stringEnd(s, i)
      if (end < 0) return n
      this.inString = false
      i = end + 1
    }
    let depth = this.elementDepth
    for (; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c === QUOTE) {
        // Most strings are short keys with no escapes: the closing quote is the next one.
        const q = s.indexOf('"', i + 1)
        if (q > 0 && s.charCodeAt(q - 1) !== BACKSLASH) {
          i = q
          continue
        }
        const end = this.stringEnd(s, i + 1)
        if (end < 0) {
          this.inString = true
          this.elementDepth = depth
          return n
        }
        i = end
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth === 0) {
          this.endValue(s, i, c)
          return i + 1
        }
        depth--
      } else if (c === COMMA && depth === 0) {
        this.endValue(s, i, c)
        return i + 1
      }
    }
    this.elementDepth = depth
    return n
  }

  /** The element's value ends at s[i] (a comma or a closing bracket at its depth). */
  private endValue(s: string, i: number, c: number): void {
    const tail = s.slice(this.elementFrom, i)
    const chars = this.elementChars + tail.length
    if (chars > this.maxElement) throw this.tooLargeElement()
    let text: string
    if (this.elementText.empty) text = tail
    else {
      this.elementText.push(tail)
      text = this.elementText.text()
      this.elementText.clear()
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
        throw new JsonStreamError(
          `${detail} (in ${describeElement(this.containerPath, this.memberKey)})`,
          this.elementOffset + (position ?? firstNonBlank(text))
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
      else {
        this.elementChars = 0
        this.startValue(i + 1, this.containerCount)
      }
      return
    }
    if (c !== (this.containerObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
      throw new JsonStreamError(
        `${describeElement(this.containerPath)} ${this.containerObject ? 'is an object' : 'is an array'} but closes with "${s[i]}".`,
        offset
      )
    }
    this.closeContainer(i)
  }

  /** The streamed container closes at s[i]: back to the skeleton, which resumes with the bracket. */
  private closeContainer(i: number): void {
    this.mode = SKELETON
    this.skeletonFrom = i
    this.cutAt.push(this.skeleton.chars)
    this.cutTo.push(this.base + i)
    if (this.depth === 0) this.done = true
  }

  private scanKeyWait(s: string, from: number): number {
    const n = s.length
    for (let i = from; i < n; i++) {
      const c = s.charCodeAt(i)
      if (isJsonSpace(c)) continue
      if (c === QUOTE) {
        this.mode = KEY
        this.key = new TextPieces()
        this.keyFrom = i
        this.elementChars = 0
        this.elementOffset = this.base + i
        return i + 1
      }
      if (c === CLOSE_BRACE && this.containerCount === 0) {
        this.closeContainer(i)
        return i + 1
      }
      throw new JsonStreamError(
        `expected a property name in ${describeElement(this.containerPath)}, found ${printable(JSON.stringify(s[i]), 20)}.`,
        this.base + i
      )
    }
    return n
  }

  private scanKey(s: string, from: number): number {
    const end = this.stringEnd(s, from)
    if (end < 0) return s.length
    const key = this.key as TextPieces
    key.push(s.slice(this.keyFrom, end + 1))
    this.key = undefined
    const text = key.text()
    this.elementChars = text.length
    if (this.elementChars > this.maxElement) throw this.tooLargeElement()
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

  private scanKeyColon(s: string, from: number): number {
    const n = s.length
    for (let i = from; i < n; i++) {
      const c = s.charCodeAt(i)
      if (isJsonSpace(c)) continue
      if (c === COLON) {
        this.startValue(i + 1, this.memberKey)
        return i + 1
      }
      throw new JsonStreamError(
        `expected ":" after ${describeElement(this.containerPath, this.memberKey)}, found ${printable(JSON.stringify(s[i]), 20)}.`,
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

/** Text chunks of 64 KiB: young-generation strings, as xml-stream.ts explains. */
const JSON_CHUNK_BYTES = 64 * 1024

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
    for await (const chunk of streamText(opened, maxBytes, chunkBytes)) streamer.write(chunk)
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
 * The line of a character offset, counted by reading the file again (only after an error, so a
 * good file costs nothing for it). Opened without following symlinks; any failure means no line.
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
    for await (const chunk of streamText({ ...opened, handle }, maxBytes)) {
      const end = Math.min(chunk.length, offset - seen)
      for (let i = chunk.indexOf('\n'); i >= 0 && i < end; i = chunk.indexOf('\n', i + 1)) line++
      seen += chunk.length
      if (seen >= offset) break
    }
    return line
  } catch {
    return undefined
  }
}
