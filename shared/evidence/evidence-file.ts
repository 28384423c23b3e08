import { constants, promises as fsp } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { StringDecoder } from 'node:string_decoder'
import { ConfigurationError, EvidenceError, errorMessage } from '../errors.js'
import { printable, resolveInWorkspace, workspaceRelative } from '../safe-path.js'

export const DEFAULT_MAX_STREAM_BYTES = 1024 * 1024 * 1024
export const DEFAULT_MAX_JSON_BYTES = 64 * 1024 * 1024

/** An evidence file that passed the workspace, type and size checks, open for reading. */
export interface OpenedEvidence {
  /** Real absolute path. */
  absolute: string
  /** Workspace-relative, forward slashes: the name every message uses. */
  display: string
  size: number
  handle: FileHandle
}

/**
 * Resolves a workspace-relative path and opens it, refusing what must never be read: paths or
 * symlinks leading outside the workspace, directories and devices, empty files and files over the
 * cap. The file is opened with O_NOFOLLOW and checked through the open descriptor, so a file
 * swapped for a symlink between the check and the read is still refused. O_NONBLOCK keeps open()
 * from waiting forever for a writer on a named pipe; the descriptor check then refuses the pipe.
 */
export async function openEvidence(
  root: string,
  userPath: string,
  maxBytes: number
): Promise<OpenedEvidence> {
  const shown = printable(userPath)
  let absolute: string
  try {
    absolute = resolveInWorkspace(root, userPath, 'evidence path')
  } catch (error) {
    if (error instanceof ConfigurationError) {
      const outside = /outside the workspace|symbolic link/.test(error.message)
      throw new EvidenceError(shown, outside ? 'outside-workspace' : 'unreadable', error.message)
    }
    throw new EvidenceError(shown, 'unreadable', `cannot be resolved: ${errorMessage(error)}`)
  }
  const display = workspaceRelative(root, absolute)
  let handle: FileHandle
  try {
    handle = await fsp.open(
      absolute,
      constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK
    )
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new EvidenceError(
        display,
        'missing',
        'does not exist; check the path, or that the step producing it ran.'
      )
    }
    if (code === 'ELOOP')
      throw new EvidenceError(
        display,
        'outside-workspace',
        'is a symbolic link; refusing to follow it.'
      )
    // open() on a Unix socket fails with ENXIO: it is not a file either.
    if (code === 'ENXIO')
      throw new EvidenceError(
        display,
        'unreadable',
        'is a socket, not a regular file; name the report file the tool writes.'
      )
    throw new EvidenceError(
      display,
      'unreadable',
      `cannot be opened (${code ?? errorMessage(error)}).`
    )
  }
  try {
    const stat = await handle.stat()
    if (!stat.isFile())
      throw new EvidenceError(
        display,
        'unreadable',
        `is ${fileKind(stat)}, not a regular file; name the report file the tool writes.`
      )
    if (stat.size === 0)
      throw new EvidenceError(
        display,
        'empty',
        'is empty (0 bytes); the tool that writes it may have failed.'
      )
    if (stat.size > maxBytes) {
      throw new EvidenceError(
        display,
        'too-large',
        `is ${stat.size} bytes, over the ${maxBytes}-byte limit for this format.`
      )
    }
    return { absolute, display, size: stat.size, handle }
  } catch (error) {
    await handle.close()
    throw error
  }
}

function fileKind(stat: {
  isDirectory(): boolean
  isFIFO(): boolean
  isSocket(): boolean
  isCharacterDevice(): boolean
  isBlockDevice(): boolean
}): string {
  if (stat.isDirectory()) return 'a folder'
  if (stat.isFIFO()) return 'a named pipe (FIFO)'
  if (stat.isSocket()) return 'a socket'
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device'
  return 'a special file'
}

/** Reads a whole opened file as UTF-8 text (BOM removed), re-checking the cap as bytes arrive. */
export async function readWholeText(opened: OpenedEvidence, maxBytes: number): Promise<string> {
  try {
    const buffer = await opened.handle.readFile()
    if (buffer.length > maxBytes) {
      throw new EvidenceError(
        opened.display,
        'too-large',
        `grew past the ${maxBytes}-byte limit while being read.`
      )
    }
    const text = buffer.toString('utf8')
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  } finally {
    await opened.handle.close()
  }
}

/**
 * An opened file's bytes in chunks, counted so a file that grows past the cap while it is read is
 * still refused. Closes the file when done or on error. Every streaming reader reads through it.
 */
export async function* streamBytes(
  opened: OpenedEvidence,
  maxBytes: number,
  chunkBytes = 256 * 1024
): AsyncGenerator<Buffer> {
  const stream = opened.handle.createReadStream({ highWaterMark: chunkBytes, autoClose: true })
  let bytes = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length
      if (bytes > maxBytes) {
        throw new EvidenceError(
          opened.display,
          'too-large',
          `grew past the ${maxBytes}-byte limit while being read.`
        )
      }
      yield chunk
    }
  } finally {
    stream.destroy()
    await opened.handle.close().catch(() => undefined)
  }
}

/** An opened file as UTF-8 text chunks, a byte-order mark dropped (see streamBytes). */
export async function* streamText(
  opened: OpenedEvidence,
  maxBytes: number,
  chunkBytes = 256 * 1024
): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8')
  let first = true
  for await (const chunk of streamBytes(opened, maxBytes, chunkBytes)) {
    let text = decoder.write(chunk)
    if (text === '') continue
    if (first) {
      first = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      if (text === '') continue
    }
    yield text
  }
  const rest = decoder.end()
  if (rest !== '') yield first && rest.charCodeAt(0) === 0xfeff ? rest.slice(1) : rest
}

/**
 * Runs a reader and turns anything it throws into an EvidenceError naming the file: readers
 * promise callers a single error type, whatever a parser or a hostile file does.
 */
export async function guardReader<T>(display: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (error instanceof EvidenceError) throw error
    if (error instanceof RangeError) {
      throw new EvidenceError(
        display,
        'malformed',
        `is too deeply nested or too large to read (${errorMessage(error)}).`
      )
    }
    throw new EvidenceError(
      display,
      'malformed',
      `could not be read: ${printable(errorMessage(error), 300)}`
    )
  }
}
