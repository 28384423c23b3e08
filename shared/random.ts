import { closeSync, fstatSync, openSync, readSync } from 'node:fs'

/**
 * Random hex from the kernel's CSPRNG. Read from /dev/urandom where there is one, because loading
 * node:crypto costs a short action about a fifth of Node's own start-up (bench/cold-start.ts
 * measures each action against `node -e 0`). Only a character device is trusted: on Windows, or
 * where the path is missing or is a plain file a step could have written, it is
 * crypto.randomBytes, loaded only then.
 */
export function randomHex(bytes: number, device = '/dev/urandom'): string {
  if (process.platform !== 'win32') {
    const buffer = Buffer.alloc(bytes)
    try {
      const fd = openSync(device, 'r')
      try {
        if (fstatSync(fd).isCharacterDevice() && readSync(fd, buffer, 0, bytes, null) === bytes)
          return buffer.toString('hex')
      } finally {
        closeSync(fd)
      }
    } catch {
      // No device here: the crypto module below.
    }
  }
  return process.getBuiltinModule('node:crypto').randomBytes(bytes).toString('hex')
}
