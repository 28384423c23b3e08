/**
 * A strict, non-validating XML 1.0 tokeniser for evidence files, faster than saxes on test reports
 * (1.3x warm, 1.6x in a one-shot process on 100k JUnit testcases; bench/tokenisers.ts measures
 * it beside saxes, htmlparser2 and sax-wasm). It checks well-formedness as saxes
 * does: one root, tags nested and matched, quoted attributes without `<` and without duplicates,
 * names made of XML name characters, no characters XML forbids, no `]]>` in text, `--` only to end
 * a comment, an XML declaration only at the very start. It expands only the five predefined
 * entities and character references: any other `&name;` is an error, so XXE and billion-laughs
 * payloads never expand. A DOCTYPE is handed to `doctype()` (which refuses entity declarations) and
 * its DTD is never read. Namespaces are not resolved (prefixes stay in names, as saxes with
 * xmlns off). Text is only decoded when `onText` is set; otherwise it is only checked.
 *
 * Attributes are checked as they are scanned (syntax, values, duplicates) but only become strings
 * when a handler reads them: a tag hands its handler offsets into the buffer, valid while the handler
 * runs. The JUnit reader then asks each of a big report's testcases for two attributes it does not
 * have, which compares name lengths only, instead of building an object with three keyed properties
 * (bench/peers.ts measures the whole action).
 */

export interface XmlTag {
  readonly name: string
  readonly isSelfClosing: boolean
  /** Every attribute, decoded; built on first use. */
  readonly attributes: Record<string, string>
  /** One attribute's decoded value, without building the others (the hot path of big reports). */
  attribute(name: string): string | undefined
}

export class XmlSyntaxError extends Error {}

export interface XmlScanHandlers {
  doctype?(text: string): void
  open(tag: XmlTag): void
  close(name: string): void
}

const LT = 0x3c
const GT = 0x3e
const SLASH = 0x2f
const BANG = 0x21
const QUESTION = 0x3f
const AMP = 0x26
const EQ = 0x3d
const QUOT = 0x22
const APOS = 0x27
const RBRACKET = 0x5d
const CR = 0x0d

/** ASCII name characters: 1 may start a name, 2 may only continue one. */
const NAME = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c)
  if (/[A-Za-z_:]/.test(ch)) NAME[c] = 1
  else if (/[-.0-9]/.test(ch)) NAME[c] = 2
}
// XML 1.0 fifth edition NameStartChar and NameChar above ASCII; a surrogate is half of a character in
// #x10000-#xEFFFF, which all may start a name.
const isNameStartHigh = (c: number): boolean =>
  (c >= 0xc0 && c <= 0xd6) ||
  (c >= 0xd8 && c <= 0xf6) ||
  (c >= 0xf8 && c <= 0x2ff) ||
  (c >= 0x370 && c <= 0x37d) ||
  (c >= 0x37f && c <= 0x1fff) ||
  c === 0x200c ||
  c === 0x200d ||
  (c >= 0x2070 && c <= 0x218f) ||
  (c >= 0x2c00 && c <= 0x2fef) ||
  (c >= 0x3001 && c <= 0xdfff) ||
  (c >= 0xf900 && c <= 0xfdcf) ||
  (c >= 0xfdf0 && c <= 0xfffd)
const isNameHigh = (c: number): boolean =>
  c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040
/** Characters XML 1.0 never allows (lone surrogates cannot come out of TextDecoder). */
// eslint-disable-next-line no-control-regex -- these control characters are exactly what it looks for
const BAD_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/
const XML_DECL =
  /^<\?xml\s+version\s*=\s*(["'])1\.[0-9]+\1(?:\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\3)?\s*\?>$/
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/**
 * Attribute maps: no prototype properties (an attribute named `__proto__` or `toString` is just an
 * attribute), and unlike Object.create(null) objects, V8 gives them fast properties.
 */
const Attributes = function Attributes() {} as unknown as new () => Record<string, string>
Attributes.prototype = Object.create(null) as Record<string, string>
/**
 * The common start tag, whole, in one native regex step (fast even before the JIT has warmed up):
 * an ASCII name, then attributes with ASCII names and quoted values that hold no reference, `<`,
 * control character or non-character, then `>` or `/>`. Anything else (and a tag the buffer cuts
 * off) takes the general path, character by character.
 */
const SIMPLE_TAG =
  // eslint-disable-next-line no-control-regex -- control characters send a value to the general path
  /<[A-Za-z_:][-A-Za-z0-9_.:]*(?:[ \t\r\n]+[A-Za-z_:][-A-Za-z0-9_.:]*[ \t\r\n]*=[ \t\r\n]*(?:"[^"<&\x00-\x1f\ufffe\uffff]*"|'[^'<&\x00-\x1f\ufffe\uffff]*'))*[ \t\r\n]*\/?>/y
/** Beyond this many attributes on one tag, duplicates are found with a Set instead of by comparing spans. */
const PAIRWISE_LIMIT = 16
/** How many distinct element names are kept for reuse (a test report has about ten). */
const SEEN_NAMES = 32

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09 || c === CR

export class XmlScanner {
  /** Set while the reader wants text: then text and CDATA are decoded and passed here. */
  onText: ((text: string) => void) | undefined
  private buf = ''
  private pos = 0
  /** Characters of the document before `buf`: the XML declaration is only allowed at 0. */
  private offset = 0
  /** An incomplete construct is retried once the buffer has grown to this length (amortised linear). */
  private retryAt = 0
  private readonly stack: string[] = []
  private seenRoot = false
  private seenDoctype = false
  /** The open tag's attributes: name start, name end, value start, value end, four per attribute. */
  private spans = new Int32Array(64)
  /** Decoded values of attributes holding references or line ends; undefined for plain slices. */
  private readonly decoded: Array<string | undefined> = []
  private attributeCount = 0
  /** Names seen on a tag with many attributes (duplicates found in one lookup each). */
  private names: Set<string> | undefined
  /** Element names reused by tagName(). */
  private readonly seenNames: string[] = []
  /** Counts tags handed out: a tag reads the buffer only while it is the newest one. */
  private generation = 0

  constructor(private readonly handlers: XmlScanHandlers) {}

  write(chunk: string): void {
    if (this.pos < this.buf.length) this.buf = this.buf.slice(this.pos) + chunk
    else this.buf = chunk
    this.offset += this.pos
    this.pos = 0
    if (this.buf.length < this.retryAt) return
    this.retryAt = 0
    this.run(false)
  }

  close(): void {
    this.run(true)
    if (this.pos < this.buf.length) this.fail('the document ends in the middle of markup')
    if (this.stack.length > 0) this.fail(`unclosed tag: ${this.stack[this.stack.length - 1]}`)
    if (!this.seenRoot) this.fail('document must contain a root element')
  }

  private fail(message: string): never {
    throw new XmlSyntaxError(message)
  }

  private run(final: boolean): void {
    const buf = this.buf
    const len = buf.length
    let pos = this.pos
    while (pos < len) {
      if (buf.charCodeAt(pos) === LT) {
        const next = this.markup(pos)
        if (next < 0) {
          if (final) this.fail('the document ends in the middle of markup')
          this.retryAt = 2 * (len - pos)
          break
        }
        pos = next
        continue
      }
      let end = buf.indexOf('<', pos)
      if (end < 0) {
        end = final ? len : this.safeTextEnd(pos, len)
        if (end <= pos) break
      }
      this.text(pos, end)
      pos = end
    }
    this.pos = pos
  }

  /** Where text with no `<` yet can be cut: before a reference, a CR or `]` that the next chunk may complete. */
  private safeTextEnd(pos: number, len: number): number {
    const buf = this.buf
    let end = len
    const amp = buf.lastIndexOf('&', len - 1)
    if (amp >= pos && amp >= len - 16) end = amp
    while (end > pos && (buf.charCodeAt(end - 1) === RBRACKET || buf.charCodeAt(end - 1) === CR))
      end--
    return end
  }

  private text(start: number, end: number): void {
    const buf = this.buf
    if (this.stack.length === 0) {
      for (let i = start; i < end; i++) {
        if (!isSpace(buf.charCodeAt(i))) this.fail('text data outside of root node')
      }
      return
    }
    let plain = true
    for (let i = start; i < end; i++) {
      const c = buf.charCodeAt(i)
      if (c < 0x20 ? c !== 0x0a && c !== 0x09 : c === AMP || c === RBRACKET || c >= 0xfffe) {
        plain = false
        break
      }
    }
    if (plain) {
      if (this.onText) this.onText(buf.slice(start, end))
      return
    }
    const raw = buf.slice(start, end)
    if (BAD_CHAR.test(raw)) this.fail('disallowed character in text')
    if (raw.includes(']]>')) this.fail('the string "]]>" is disallowed in char data')
    const decoded = this.decode(raw, false)
    if (this.onText) this.onText(decoded)
  }

  /** Expands references and normalises line ends (and, in attribute values, whitespace). */
  private decode(raw: string, attribute: boolean): string {
    let out = ''
    let from = 0
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i)
      if (c === AMP) {
        const semi = raw.indexOf(';', i + 1)
        if (semi < 0) this.fail('an entity reference is not terminated by ";"')
        out += raw.slice(from, i) + this.entity(raw.slice(i + 1, semi))
        i = semi
        from = semi + 1
      } else if (c === CR) {
        out += raw.slice(from, i) + (attribute ? ' ' : '\n')
        if (raw.charCodeAt(i + 1) === 0x0a) i++
        from = i + 1
      } else if (attribute && (c === 0x0a || c === 0x09)) {
        out += `${raw.slice(from, i)} `
        from = i + 1
      }
    }
    return out + raw.slice(from)
  }

  private entity(name: string): string {
    const predefined = PREDEFINED[name]
    if (predefined !== undefined && Object.hasOwn(PREDEFINED, name)) return predefined
    if (name.charCodeAt(0) === 0x23) {
      const hex = name.charCodeAt(1) === 0x78
      const digits = name.slice(hex ? 2 : 1)
      if (!(hex ? /^[0-9a-fA-F]{1,8}$/ : /^[0-9]{1,10}$/).test(digits))
        this.fail(`malformed character entity: &${name.slice(0, 20)};`)
      const code = Number.parseInt(digits, hex ? 16 : 10)
      const ok =
        code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0xfffd) ||
        (code >= 0x10000 && code <= 0x10ffff)
      if (!ok) this.fail(`malformed character entity: &${name.slice(0, 20)};`)
      return String.fromCodePoint(code)
    }
    this.fail(`undefined entity: ${name.slice(0, 40)}`)
  }

  /** Reads an XML name starting at i; returns its end, or -1 when the buffer ends first. */
  private nameEnd(i: number): number {
    const buf = this.buf
    const len = buf.length
    const start = i
    while (i < len) {
      const c = buf.charCodeAt(i)
      if (c < 128) {
        const k = NAME[c]
        if (k === 0 || (k === 2 && i === start)) break
      } else {
        if (!isNameStartHigh(c) && (i === start || !isNameHigh(c))) break
      }
      i++
    }
    return i === len ? -1 : i
  }

  private skipSpace(i: number): number {
    const buf = this.buf
    while (i < buf.length && isSpace(buf.charCodeAt(i))) i++
    return i
  }

  /** Parses the markup at `start` (a `<`); returns where it ends, or -1 when it is not complete yet. */
  private markup(start: number): number {
    const buf = this.buf
    const len = buf.length
    if (start + 1 >= len) return -1
    const c = buf.charCodeAt(start + 1)
    if (c === SLASH) return this.closeTag(start)
    if (c === QUESTION) return this.instruction(start)
    if (c === BANG) return this.declaration(start)
    return this.openTag(start)
  }

  private openTag(start: number): number {
    SIMPLE_TAG.lastIndex = start
    if (SIMPLE_TAG.test(this.buf)) return this.simpleTag(start, SIMPLE_TAG.lastIndex)
    const buf = this.buf
    const len = buf.length
    const nameEnd = this.nameEnd(start + 1)
    if (nameEnd < 0) return -1
    if (nameEnd === start + 1) this.fail('disallowed character in tag name')
    if (this.seenRoot && this.stack.length === 0) this.fail('documents may contain only one root')
    this.attributeCount = 0
    this.names = undefined
    let i = nameEnd
    for (;;) {
      const spaced = i
      i = this.skipSpace(i)
      if (i >= len) return -1
      const c = buf.charCodeAt(i)
      if (c === GT) return this.opened(this.tagName(start + 1, nameEnd), false, i + 1)
      if (c === SLASH) {
        if (i + 1 >= len) return -1
        if (buf.charCodeAt(i + 1) !== GT)
          this.fail('forward-slash in opening tag not followed by >')
        return this.opened(this.tagName(start + 1, nameEnd), true, i + 2)
      }
      if (i === spaced) this.fail('no whitespace between attributes')
      const attrEnd = this.nameEnd(i)
      if (attrEnd < 0) return -1
      if (attrEnd === i) this.fail('disallowed character in attribute name')
      let v = this.skipSpace(attrEnd)
      if (v >= len) return -1
      if (buf.charCodeAt(v) !== EQ) this.fail('attribute without value')
      v = this.skipSpace(v + 1)
      if (v >= len) return -1
      const q = buf.charCodeAt(v)
      if (q !== QUOT && q !== APOS) this.fail('unquoted attribute value')
      // One pass finds the closing quote and whether the value needs more than a slice.
      let close = v + 1
      let plain = true
      for (; close < len; close++) {
        const ch = buf.charCodeAt(close)
        if (ch === q) break
        if (ch < 0x20 || ch === AMP || ch === LT || ch >= 0xfffe) plain = false
      }
      if (close >= len) return -1
      if (this.isDuplicate(i, attrEnd)) this.fail(`duplicate attribute: ${buf.slice(i, attrEnd)}`)
      this.addSpan(
        i,
        attrEnd,
        v + 1,
        close,
        plain ? undefined : this.attributeValue(buf.slice(v + 1, close))
      )
      i = close + 1
    }
  }

  /**
   * A whole start tag that SIMPLE_TAG matched, buf[start, end): its syntax is already checked, so
   * the name and the attributes' spans are found with a few comparisons and native searches.
   */
  private simpleTag(start: number, end: number): number {
    if (this.seenRoot && this.stack.length === 0) this.fail('documents may contain only one root')
    const buf = this.buf
    const isSelfClosing = buf.charCodeAt(end - 2) === SLASH
    const stop = isSelfClosing ? end - 2 : end - 1
    let nameEnd = start + 2
    while (nameEnd < stop && !isSpace(buf.charCodeAt(nameEnd))) nameEnd++
    this.attributeCount = 0
    this.names = undefined
    let i = nameEnd
    for (;;) {
      while (i < stop && isSpace(buf.charCodeAt(i))) i++
      if (i >= stop) break
      // Names hold no `=` and no space; values are quoted and hold no quote of their own kind.
      const eq = buf.indexOf('=', i)
      let attrEnd = eq
      while (isSpace(buf.charCodeAt(attrEnd - 1))) attrEnd--
      let v = eq + 1
      while (isSpace(buf.charCodeAt(v))) v++
      const close = buf.indexOf(buf[v], v + 1)
      if (this.isDuplicate(i, attrEnd)) this.fail(`duplicate attribute: ${buf.slice(i, attrEnd)}`)
      this.addSpan(i, attrEnd, v + 1, close, undefined)
      i = close + 1
    }
    return this.opened(this.tagName(start + 1, nameEnd), isSelfClosing, end)
  }

  /** Whether the open tag already has an attribute named buf[from, to). */
  private isDuplicate(from: number, to: number): boolean {
    const count = this.attributeCount
    if (count === 0) return false
    if (count >= PAIRWISE_LIMIT) {
      if (!this.names) {
        this.names = new Set()
        for (let k = 0; k < count; k++) this.names.add(this.nameAt(k))
      }
      const name = this.buf.slice(from, to)
      if (this.names.has(name)) return true
      this.names.add(name)
      return false
    }
    const buf = this.buf
    const spans = this.spans
    const length = to - from
    for (let k = 0; k < count; k++) {
      const s = spans[4 * k]
      if (spans[4 * k + 1] - s !== length) continue
      let same = true
      for (let j = 0; j < length; j++) {
        if (buf.charCodeAt(s + j) !== buf.charCodeAt(from + j)) {
          same = false
          break
        }
      }
      if (same) return true
    }
    return false
  }

  private addSpan(
    nameStart: number,
    nameEnd: number,
    valueStart: number,
    valueEnd: number,
    decoded: string | undefined
  ): void {
    const k = this.attributeCount++
    if (4 * k + 4 > this.spans.length) {
      const grown = new Int32Array(this.spans.length * 2)
      grown.set(this.spans)
      this.spans = grown
    }
    this.spans[4 * k] = nameStart
    this.spans[4 * k + 1] = nameEnd
    this.spans[4 * k + 2] = valueStart
    this.spans[4 * k + 3] = valueEnd
    this.decoded[k] = decoded
  }

  /** Whether buf[from, to) is `text`, compared in place. */
  private sameText(from: number, to: number, text: string): boolean {
    if (to - from !== text.length) return false
    const buf = this.buf
    for (let j = 0; j < text.length; j++) {
      if (buf.charCodeAt(from + j) !== text.charCodeAt(j)) return false
    }
    return true
  }

  /**
   * The element name at buf[from, to), reusing the string of a name seen before: a report repeats a
   * handful of names, and a fresh copy of each one for every element is most of what the scanner
   * would allocate.
   */
  private tagName(from: number, to: number): string {
    const seen = this.seenNames
    for (let k = 0; k < seen.length; k++) if (this.sameText(from, to, seen[k])) return seen[k]
    const name = this.buf.slice(from, to)
    if (seen.length < SEEN_NAMES) seen.push(name)
    return name
  }

  private nameAt(k: number): string {
    return this.buf.slice(this.spans[4 * k], this.spans[4 * k + 1])
  }

  private valueAt(k: number): string {
    return this.decoded[k] ?? this.buf.slice(this.spans[4 * k + 2], this.spans[4 * k + 3])
  }

  private current(generation: number): void {
    if (generation !== this.generation)
      throw new Error(
        'an XML tag was read after its handler returned; read attributes in the handler'
      )
  }

  /** The attributes of the tag of `generation` (the newest), as one object. */
  attributesOf(generation: number): Record<string, string> {
    this.current(generation)
    const attributes: Record<string, string> = new Attributes()
    for (let k = 0; k < this.attributeCount; k++) attributes[this.nameAt(k)] = this.valueAt(k)
    return attributes
  }

  /** One attribute of the tag of `generation`, found by comparing names in the buffer. */
  attributeOf(generation: number, name: string): string | undefined {
    this.current(generation)
    const spans = this.spans
    for (let k = 0; k < this.attributeCount; k++) {
      if (this.sameText(spans[4 * k], spans[4 * k + 1], name)) return this.valueAt(k)
    }
    return undefined
  }

  private attributeValue(raw: string): string {
    if (raw.includes('<')) this.fail('disallowed character in attribute value')
    if (BAD_CHAR.test(raw)) this.fail('disallowed character in attribute value')
    return this.decode(raw, true)
  }

  private opened(name: string, isSelfClosing: boolean, next: number): number {
    this.seenRoot = true
    if (!isSelfClosing) this.stack.push(name)
    this.handlers.open(new ScannedTag(this, name, isSelfClosing, ++this.generation))
    // The handler is done with the tag: a later read fails instead of seeing another tag's bytes.
    this.generation++
    if (isSelfClosing) this.handlers.close(name)
    return next
  }

  private closeTag(start: number): number {
    const buf = this.buf
    const nameEnd = this.nameEnd(start + 2)
    if (nameEnd < 0) return -1
    if (nameEnd === start + 2) this.fail('disallowed character in closing tag name')
    const i = this.skipSpace(nameEnd)
    if (i >= buf.length) return -1
    if (buf.charCodeAt(i) !== GT) this.fail('disallowed character in closing tag')
    const top = this.stack.pop()
    if (top === undefined) this.fail(`unmatched closing tag: ${buf.slice(start + 2, nameEnd)}`)
    if (!this.sameText(start + 2, nameEnd, top))
      this.fail(`unexpected close tag ${buf.slice(start + 2, nameEnd)}; expected ${top}`)
    this.handlers.close(top)
    return i + 1
  }

  private instruction(start: number): number {
    const buf = this.buf
    const end = buf.indexOf('?>', start + 2)
    if (end < 0) return -1
    const targetEnd = this.nameEnd(start + 2)
    if (targetEnd === start + 2) this.fail('processing instruction without a target')
    const target = buf.slice(start + 2, Math.min(targetEnd < 0 ? end : targetEnd, end))
    if (target.toLowerCase() === 'xml') {
      if (this.offset + start !== 0)
        this.fail('an XML declaration must be at the start of the document')
      if (!XML_DECL.test(buf.slice(start, end + 2))) this.fail('malformed XML declaration')
      return end + 2
    }
    const after = start + 2 + target.length
    if (after < end && !isSpace(buf.charCodeAt(after)))
      this.fail('processing instruction target must be followed by whitespace')
    if (BAD_CHAR.test(buf.slice(after, end)))
      this.fail('disallowed character in processing instruction')
    return end + 2
  }

  private declaration(start: number): number {
    const buf = this.buf
    const len = buf.length
    if (start + 4 > len) return -1
    if (buf.startsWith('<!--', start)) {
      const end = buf.indexOf('-->', start + 4)
      if (end < 0) return -1
      if (buf.indexOf('--', start + 4) !== end) this.fail('double dash in comment')
      if (BAD_CHAR.test(buf.slice(start + 4, end))) this.fail('disallowed character in comment')
      return end + 3
    }
    if (start + 9 > len) return -1
    if (buf.startsWith('<![CDATA[', start)) {
      if (this.stack.length === 0) this.fail('CDATA outside of root node')
      const end = buf.indexOf(']]>', start + 9)
      if (end < 0) return -1
      const data = buf.slice(start + 9, end)
      if (BAD_CHAR.test(data)) this.fail('disallowed character in CDATA')
      if (this.onText) this.onText(data.includes('\r') ? data.replace(/\r\n?/g, '\n') : data)
      return end + 3
    }
    if (buf.startsWith('<!DOCTYPE', start)) {
      if (this.seenRoot || this.seenDoctype)
        this.fail('doctype can only appear before the root element, once')
      if (!isSpace(buf.charCodeAt(start + 9))) this.fail('whitespace required after DOCTYPE')
      // The end is the first `>` outside quotes and outside the internal subset's brackets.
      let quote = 0
      let subset = false
      for (let i = start + 9; i < len; i++) {
        const c = buf.charCodeAt(i)
        if (quote !== 0) {
          if (c === quote) quote = 0
        } else if (c === QUOT || c === APOS) quote = c
        else if (c === 0x5b) subset = true
        else if (c === RBRACKET) subset = false
        else if (c === GT && !subset) {
          const text = buf.slice(start + 9, i)
          if (BAD_CHAR.test(text)) this.fail('disallowed character in DOCTYPE')
          this.seenDoctype = true
          this.handlers.doctype?.(text)
          return i + 1
        }
      }
      return -1
    }
    this.fail('unexpected markup after "<!"')
  }
}

/** A tag as handlers see it: its attributes are read from the scanner's buffer on demand. */
class ScannedTag implements XmlTag {
  private all: Record<string, string> | undefined

  constructor(
    private readonly scanner: XmlScanner,
    readonly name: string,
    readonly isSelfClosing: boolean,
    private readonly generation: number
  ) {}

  get attributes(): Record<string, string> {
    return (this.all ??= this.scanner.attributesOf(this.generation))
  }

  attribute(name: string): string | undefined {
    if (this.all) return Object.hasOwn(this.all, name) ? this.all[name] : undefined
    return this.scanner.attributeOf(this.generation, name)
  }
}
