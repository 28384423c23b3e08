import { SaxesParser, type SaxesTagPlain } from 'saxes'
import { EvidenceError, errorMessage } from '../errors.js'
import { printable } from '../safe-path.js'
import { streamText, type OpenedEvidence } from './evidence-file.js'

export const MAX_XML_DEPTH = 256

export interface XmlHandlers {
  open(tag: SaxesTagPlain, depth: number): void
  close(name: string, depth: number): void
  /** Text and CDATA; only called while `wantText()` says so (keeps big files cheap). */
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
  const parser = new SaxesParser({ xmlns: false, position: true })
  let depth = 0
  let root: string | undefined
  let sawRoot = false
  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype)) {
      throw new EvidenceError(display, 'malformed', 'declares XML entities in its DOCTYPE; entities are never expanded, so the file is refused.', parser.line)
    }
  })
  parser.on('opentag', (tag) => {
    depth++
    if (depth > maxDepth) {
      throw new EvidenceError(display, 'malformed', `nests elements deeper than ${maxDepth} levels.`, parser.line)
    }
    if (!sawRoot) {
      sawRoot = true
      root = tag.name
    }
    handlers.open(tag, depth)
  })
  parser.on('closetag', (tag) => {
    handlers.close(tag.name, depth)
    depth--
  })
  if (handlers.text) {
    const onText = handlers.text
    const want = handlers.wantText ?? (() => true)
    parser.on('text', (t) => {
      if (want()) onText(t)
    })
    parser.on('cdata', (t) => {
      if (want()) onText(t)
    })
  }
  try {
    for await (const chunk of streamText(opened, maxBytes)) parser.write(chunk)
    parser.close()
  } catch (error) {
    if (error instanceof EvidenceError) throw error
    // saxes messages start with "file:line:col: "; keep our own file name in front.
    const message = errorMessage(error).replace(/^[^:]*:(\d+):(\d+): /, 'line $1, column $2: ')
    throw new EvidenceError(display, 'malformed', `is not well-formed XML (${printable(message, 300)}).`, parser.line)
  }
  if (!sawRoot) throw new EvidenceError(display, 'malformed', 'holds no XML element.')
  return { root }
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
