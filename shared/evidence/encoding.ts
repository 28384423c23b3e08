import { EvidenceError } from '../errors.js'
import { printable } from '../safe-path.js'
import { streamBytes, type OpenedEvidence } from './evidence-file.js'
import { HEAD_BYTES } from './head.js'

/** How a text evidence file is encoded, as far as its first bytes tell. */
export interface TextEncoding {
  /** A WHATWG encoding label TextDecoder understands: 'utf-8', 'utf-16le', 'windows-1252'... */
  label: string
  /** Bytes of byte-order mark to skip. */
  bom: number
}

const UTF8: TextEncoding = { label: 'utf-8', bom: 0 }

/**
 * Works out a file's encoding from its byte-order mark, else from an XML declaration's
 * `encoding="..."`, else UTF-8. Windows PowerShell writes UTF-16 with a BOM; other tools write
 * UTF-8 with one. An encoding that cannot be decoded (UTF-32, UTF-16 without a BOM, a declared
 * encoding unknown to the runtime) is refused with a message naming it, rather than read as UTF-8
 * garbage and reported as "no format recognised".
 */
export function sniffEncoding(head: Uint8Array, display: string): TextEncoding {
  const b = head
  if (
    (b[0] === 0x00 && b[1] === 0x00 && b[2] === 0xfe && b[3] === 0xff) ||
    (b[0] === 0xff && b[1] === 0xfe && b[2] === 0x00 && b[3] === 0x00)
  ) {
    throw encodingError(
      display,
      'is UTF-32 (it starts with a UTF-32 byte-order mark), which is not read'
    )
  }
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { label: 'utf-8', bom: 3 }
  if (b[0] === 0xff && b[1] === 0xfe) return { label: 'utf-16le', bom: 2 }
  if (b[0] === 0xfe && b[1] === 0xff) return { label: 'utf-16be', bom: 2 }
  if (b.length >= 2 && ((b[0] === 0x3c && b[1] === 0x00) || (b[0] === 0x00 && b[1] === 0x3c))) {
    throw encodingError(
      display,
      `is UTF-16 ${b[0] === 0 ? 'big' : 'little'}-endian without a byte-order mark, so its byte order cannot be trusted`
    )
  }
  // An XML declaration is ASCII in every ASCII-compatible encoding, so latin1 reads it safely.
  const start = Buffer.from(b.subarray(0, 200)).toString('latin1')
  const declared = /^<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']/.exec(start)?.[1]
  if (declared === undefined) return UTF8
  const name = declared.trim().toLowerCase()
  if (name === 'utf-8' || name === 'utf8' || name === 'us-ascii' || name === 'ascii') return UTF8
  if (name.startsWith('utf-16') || name === 'ucs-2') {
    // Declared UTF-16 but written without a BOM in an ASCII-compatible form: the declaration is wrong.
    throw encodingError(
      display,
      `declares encoding="${printable(declared, 40)}" but has no UTF-16 byte-order mark and is not UTF-16`
    )
  }
  try {
    return { label: new TextDecoder(name).encoding, bom: 0 }
  } catch {
    throw encodingError(
      display,
      `declares encoding="${printable(declared, 40)}", which this runtime cannot decode`
    )
  }
}

function encodingError(display: string, what: string): EvidenceError {
  return new EvidenceError(
    display,
    'unsupported',
    `${what}; re-save the file as UTF-8 (or UTF-16 with a byte-order mark).`
  )
}

/** The first bytes of an opened file, decoded by its encoding, read by position. */
export async function readHeadText(
  opened: OpenedEvidence,
  bytes = HEAD_BYTES
): Promise<{ text: string; encoding: TextEncoding }> {
  const buffer = Buffer.alloc(Math.min(bytes, opened.size))
  const { bytesRead } = await opened.handle.read(buffer, 0, buffer.length, 0)
  const head = buffer.subarray(0, bytesRead)
  const encoding = sniffEncoding(head, opened.display)
  // Not fatal: the head may end in the middle of a character.
  const text = new TextDecoder(encoding.label).decode(head.subarray(encoding.bom))
  return { text, encoding }
}

/**
 * Streams an opened file as text in its encoding (see sniffEncoding), counting bytes so a file
 * that grows past the cap while it is read is still refused. Invalid UTF-8 becomes U+FFFD as
 * before; a UTF-16 file with an odd byte count is malformed. Closes the file when done or on error.
 */
export async function* streamDecoded(
  opened: OpenedEvidence,
  maxBytes: number,
  chunkBytes = 256 * 1024
): AsyncGenerator<string> {
  let decoder: InstanceType<typeof TextDecoder> | undefined
  let skip = 0
  for await (const chunk of streamBytes(opened, maxBytes, chunkBytes)) {
    let data: Uint8Array = chunk
    if (!decoder) {
      const encoding = sniffEncoding(chunk, opened.display)
      decoder = new TextDecoder(encoding.label, { fatal: encoding.label.startsWith('utf-16') })
      skip = encoding.bom
    }
    if (skip > 0) {
      data = chunk.subarray(skip)
      skip = 0
    }
    const text = decodeChunk(decoder, data, opened.display, true)
    if (text) yield text
  }
  if (decoder) {
    const rest = decodeChunk(decoder, new Uint8Array(0), opened.display, false)
    if (rest) yield rest
  }
}

function decodeChunk(
  decoder: InstanceType<typeof TextDecoder>,
  data: Uint8Array,
  display: string,
  more: boolean
): string {
  try {
    return decoder.decode(data, { stream: more })
  } catch {
    throw new EvidenceError(
      display,
      'malformed',
      `is not valid ${decoder.encoding.toUpperCase()} text (an odd byte count or a broken surrogate pair); the file may be cut off.`
    )
  }
}
