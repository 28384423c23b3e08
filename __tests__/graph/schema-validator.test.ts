import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

describe('the precompiled schema validators', () => {
  it('match their schemas (run node scripts/compile-schemas.mjs after editing one)', () => {
    expect(() =>
      execFileSync(
        process.execPath,
        [path.join(root, 'scripts', 'compile-schemas.mjs'), '--check'],
        { stdio: 'pipe' }
      )
    ).not.toThrow()
  })
})
