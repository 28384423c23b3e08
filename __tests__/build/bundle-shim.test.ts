/**
 * scripts/bundle.mjs keeps the CommonJS shim (`require`, `__filename`, `__dirname` defined from
 * the file's URL) only in the bundle files that use one of them, so start-up does not pay for a
 * createRequire() per chunk. A file that uses them without the shim would throw on first load.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const dist = path.join(process.cwd(), 'dist')
const SHIM = 'const require = __flowCreateRequire(import.meta.url);'

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? jsFiles(path.join(dir, e.name))
      : e.name.endsWith('.js')
        ? [path.join(dir, e.name)]
        : []
  )
}

describe('the CommonJS shim in dist/', () => {
  const files = jsFiles(dist)

  it('is in every bundle file that uses require, __filename or __dirname', () => {
    const missing = files.filter((f) => {
      const text = readFileSync(f, 'utf8')
      const body = text.includes(SHIM) ? text.slice(text.indexOf(SHIM) + SHIM.length) : text
      return /\b(require|__filename|__dirname)\b/.test(body) && !text.includes(SHIM)
    })
    expect(missing.map((f) => path.relative(dist, f))).toEqual([])
  })

  it('is left out of most of them (the project code is ES modules)', () => {
    const shimmed = files.filter((f) => readFileSync(f, 'utf8').includes(SHIM))
    expect(files.length).toBeGreaterThan(20)
    expect(shimmed.length).toBeLessThan(files.length / 4)
  })
})
