import { constants, promises as fsp } from 'node:fs'
import { EvidenceError, errorMessage } from '../errors.js'
import { printable } from '../safe-path.js'
import { streamDecoded } from './encoding.js'
import type { OpenedEvidence } from './evidence-file.js'
import { XmlScanner, XmlSyntaxError, type XmlTag } from './xml-scan.js'

export type { XmlTag }

export const MAX_XML_DEPTH = 256
/**
 * Read size for XML. A decoded 64 KiB chunk is an ordinary young-generation string that dies in
 * the next scavenge; 256 KiB chunks are large objects that wait for a full GC, which cost about
 * 25 MB of peak RSS on a 1M-testcase report (bench/peers.ts measures the whole action).
 */
const XML_CHUNK_BYTES = 64 * 1024

export interface XmlHandlers {
  open(tag: XmlTag, depth: number): void
  close(name: string, depth: number): void
  /** Text and CDATA; only called while `wantText()` (checked after each tag) says so. */
  text?(text: string): void
  wantText?(): boolean
}

/**
 * Streams an XML file through XmlScanner (xml-scan.ts), which checks well-formedness as strictly as
 * saxes, and faster (bench/tokenisers.ts measures both). It never fetches anything and
 * expands only the five predefined entities and character references, so XXE and billion-laughs
 * payloads become "undefined entity" errors. A DOCTYPE naming an external DTD (Cobertura and
 * JaCoCo write one) is accepted and never fetched; a DOCTYPE that declares entities is refused
 * with a clear message. Malformed XML is an error, never repaired. Memory is what the handlers
 * keep plus one chunk.
 */
export async function streamXml(
  opened: OpenedEvidence,
  maxBytes: number,
  handlers: XmlHandlers,
  maxDepth = MAX_XML_DEPTH
): Promise<{ root?: string }> {
  const display = opened.display
  let depth = 0
  let root: string | undefined
  // Text is decoded only while a reader wants it: the whitespace between the 100,000 elements of
  // a big report is then only checked, never copied.
  const onText = handlers.text?.bind(handlers)
  const want = handlers.wantText?.bind(handlers) ?? (() => true)
  const scanner: XmlScanner = new XmlScanner({
    doctype(doctype) {
      if (/<!ENTITY/i.test(doctype)) {
        throw new EvidenceError(
          display,
          'malformed',
          'declares XML entities in its DOCTYPE; entities are never expanded, so the file is refused.'
        )
      }
    },
    open(tag) {
      depth++
      if (depth > maxDepth) {
        throw new EvidenceError(
          display,
          'malformed',
          `nests elements deeper than ${maxDepth} levels.`
        )
      }
      root ??= tag.name
      handlers.open(tag, depth)
      if (onText) scanner.onText = want() ? onText : undefined
    },
    close(name) {
      handlers.close(name, depth)
      depth--
      if (onText) scanner.onText = want() ? onText : undefined
    }
  })
  if (onText) scanner.onText = want() ? onText : undefined
  try {
    for await (const chunk of streamDecoded(opened, maxBytes, XML_CHUNK_BYTES)) scanner.write(chunk)
    scanner.close()
  } catch (error) {
    if (error instanceof EvidenceError) throw error
    if (!(error instanceof XmlSyntaxError)) throw error
    const located = await locateXmlError(opened, maxBytes)
    const message = located?.message ?? errorMessage(error)
    throw new EvidenceError(
      display,
      'malformed',
      `is not well-formed XML (${printable(message, 300)}).`,
      located?.line
    )
  }
  if (root === undefined) throw new EvidenceError(display, 'malformed', 'holds no XML element.')
  return { root }
}

/**
 * Re-parses a file that failed with saxes and position tracking, to name the line and column of
 * the first error (saxes is loaded only then). Opened without following symlinks; any failure
 * here, or saxes accepting what the scanner refused, just means the scanner's message without a line.
 */
async function locateXmlError(
  opened: OpenedEvidence,
  maxBytes: number
): Promise<{ message: string; line?: number } | undefined> {
  try {
    // saxes is CommonJS: in the bundle its exports sit on the default export.
    const saxes = await import('saxes')
    const { SaxesParser } = (saxes as Partial<typeof saxes>).SaxesParser
      ? saxes
      : (saxes as unknown as { default: typeof saxes }).default
    const handle = await fsp.open(
      opened.absolute,
      constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK
    )
    const parser = new SaxesParser({ xmlns: false, position: true })
    try {
      for await (const chunk of streamDecoded({ ...opened, handle }, maxBytes)) parser.write(chunk)
      parser.close()
    } catch (error) {
      if (error instanceof EvidenceError) return undefined
      const m = /^(?:[^:]*:)?(\d+):(\d+): (.*)$/s.exec(errorMessage(error))
      if (m) return { message: `line ${m[1]}, column ${m[2]}: ${m[3]}`, line: Number(m[1]) }
      return { message: errorMessage(error) }
    } finally {
      await handle.close().catch(() => undefined)
    }
  } catch {
    return undefined
  }
  return undefined
}

/** Reads an attribute as a number; undefined when absent or not finite. */
export function numAttr(tag: XmlTag, name: string): number | undefined {
  const raw = tag.attribute(name)
  if (raw === undefined || raw.trim() === '') return undefined
  const n = Number(raw)
  return Number.isFinite(n) ? n : undefined
}

/** Reads a count attribute: absent is undefined; present must be a whole number >= 0. */
export function countAttr(
  tag: XmlTag,
  name: string,
  display: string,
  line?: number
): number | undefined {
  const raw = tag.attribute(name)
  if (raw === undefined || raw.trim() === '') return undefined
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0 || !Number.isInteger(n)) {
    throw new EvidenceError(
      display,
      'malformed',
      `<${tag.name} ${name}="${printable(raw, 40)}">: not a count (a whole number >= 0).`,
      line
    )
  }
  return n
}
