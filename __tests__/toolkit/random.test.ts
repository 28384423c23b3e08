/**
 * randomHex (shared/random.ts): the tokens that keep untrusted text from ending a stop-commands
 * stretch or guessing a heredoc delimiter, and the names of temporary files. They must be the
 * length asked for, hex, and different each time, from the device or from node:crypto.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomHex } from '../../shared/random.js'

describe('randomHex', () => {
  it('gives 2 hex digits per byte from /dev/urandom, different every call', () => {
    const tokens = Array.from({ length: 200 }, () => randomHex(16))
    for (const t of tokens) expect(t).toMatch(/^[0-9a-f]{32}$/)
    expect(new Set(tokens).size).toBe(tokens.length)
    expect(randomHex(4)).toMatch(/^[0-9a-f]{8}$/)
  })

  it('falls back to node:crypto where there is no random device (Windows)', () => {
    const missing = path.join(process.cwd(), 'no-such-device-here')
    const tokens = Array.from({ length: 50 }, () => randomHex(16, missing))
    for (const t of tokens) expect(t).toMatch(/^[0-9a-f]{32}$/)
    expect(new Set(tokens).size).toBe(tokens.length)
  })

  it('never returns zeros when the device gives too few bytes', () => {
    // /dev/null is a character device that reads 0 bytes: crypto is used, not the zeroed buffer.
    expect(randomHex(8, '/dev/null')).not.toBe('0'.repeat(16))
  })

  it('trusts only a character device: a plain file a step wrote is never the source', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flow-random-'))
    const planted = path.join(dir, 'urandom')
    writeFileSync(planted, Buffer.alloc(64, 0x41))
    try {
      const token = randomHex(16, planted)
      expect(token).toMatch(/^[0-9a-f]{32}$/)
      expect(token).not.toBe('41'.repeat(16))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
