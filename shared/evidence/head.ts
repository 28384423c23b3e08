import type { OpenedEvidence } from './evidence-file.js'

export const HEAD_BYTES = 64 * 1024

/** The first bytes of an opened file as text, read by position so streaming still starts at 0. */
export async function readHead(opened: OpenedEvidence, bytes = HEAD_BYTES): Promise<string> {
  const buffer = Buffer.alloc(Math.min(bytes, opened.size))
  const { bytesRead } = await opened.handle.read(buffer, 0, buffer.length, 0)
  return buffer.subarray(0, bytesRead).toString('utf8')
}
