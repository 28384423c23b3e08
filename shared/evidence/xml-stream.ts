import { constants, promises as fsp } from 'node:fs'
import { SaxesParser, type SaxesTagPlain } from 'saxes'
import { EvidenceError, errorMessage } from '../errors.js'
import { printable } from '../safe-path.js'
import { streamDecoded } from './encoding.js'
import type { OpenedEvidence } from './evidence-file.js'

export const MAX_XML_DEPTH = 256

export interface XmlHandlers {
  open(tag: SaxesTagPlain, depth: number): void
  close(name: string, depth: number): void
  /** Text and CDATA; only called while `wantText()` (checked after each tag) says so. */
  text?(text: string): void
  wantText?(): boolean
}

/**
 * Streams an XML file through saxes. Saxes never fetches anything and expands only the five
 * predefined entities and character references, so XXE and billion-laughs payloads become
 * "undefined entity" errors. A DOCTYPE naming an external DTD (Cobertura and JaCoCo write one) is
 * accepted and never fetched; a DOCTYPE that declares entities is refused with a clear message.
 * Malformed XML is an error, never repaired. Memory is what the handlers keep plus one chunk.
 */
export async function streamXml(
  opened: OpenedEvidence,
  maxBytes: number,
  handlers: XmlHandlers,
  maxDepth = MAX_XML_DEPTH
): Promise<{ root?: string }> {
  const display = opened.display
  // Position tracking costs about a quarter of the parse; a broken file is parsed a second time
  // with it on to name the line (see locateXmlError), so the common path runs without it.
  const parser = new SaxesParser({ xmlns: false, position: false })
  let depth = 0
  let root: string | undefined
  let sawRoot = false
  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype)) {
      throw new EvidenceError(display, 'malformed', 'declares XML entities in its DOCTYPE; entities are never expanded, so the file is refused.')
    }
  })
  // Text handlers are attached only while a reader wants text: saxes then skips emitting the
  // whitespace between the 100,000 elements of a big report.
  const onText = handlers.text
  const want = handlers.wantText ?? (() => true)
  let capturing = false
  const syncText = (): void => {
    if (!onText) return
    const w = want()
    if (w === capturing) return
    capturing = w
    if (w) {
      parser.on('text', onText)
      parser.on('cdata', onText)
    } else {
      parser.off('text')
      parser.off('cdata')
    }
  }
  parser.on('opentag', (tag) => {
    depth++
    if (depth > maxDepth) {
      throw new EvidenceError(display, 'malformed', `nests elements deeper than ${maxDepth} levels.`)
    }
    if (!sawRoot) {
      sawRoot = true
      root = tag.name
    }
    handlers.open(tag, depth)
    syncText()
  })
  parser.on('closetag', (tag) => {
    handlers.close(tag.name, depth)
    depth--
    syncText()
  })
  syncText()
  try {
    for await (const chunk of streamDecoded(opened, maxBytes)) parser.write(chunk)
    parser.close()
  } catch (error) {
    if (error instanceof EvidenceError) throw error
    const located = await locateXmlError(opened, maxBytes)
    const message = located?.message ?? errorMessage(error)
    throw new EvidenceError(display, 'malformed', `is not well-formed XML (${printable(message, 300)}).`, located?.line)
  }
  if (!sawRoot) throw new EvidenceError(display, 'malformed', 'holds no XML element.')
  return { root }
}

/**
 * Re-parses a file that failed, with position tracking, to name the line and column of the first
 * error. Opened without following symlinks; any failure here just means no line in the message.
 */
async function locateXmlError(opened: OpenedEvidence, maxBytes: number): Promise<{ message: string; line?: number } | undefined> {
  try {
    const handle = await fsp.open(opened.absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
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
export function numAttr(tag: SaxesTagPlain, name: string): number | undefined {
  const raw = tag.attributes[name]
  if (raw === undefined || raw.trim() === '') return undefined
  const n = Number(raw)
  return Number.isFinite(n) ? n : undefined
}

/** Reads a count attribute: absent is undefined; present must be a whole number >= 0. */
export function countAttr(tag: SaxesTagPlain, name: string, display: string, line?: number): number | undefined {
  const raw = tag.attributes[name]
  if (raw === undefined || raw.trim() === '') return undefined
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0 || !Number.isInteger(n)) {
    throw new EvidenceError(display, 'malformed', `<${tag.name} ${name}="${printable(raw, 40)}">: not a count (a whole number >= 0).`, line)
  }
  return n
}
