import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from '../helpers/run-action.js'
// @ts-expect-error: a plain .mjs script with no type declarations
import { isMovingSpec, unpinnedDependencies } from '../../scripts/check-lock.mjs'

type Found = { name: string; spec: string; declaredBy: string }
const check = unpinnedDependencies as (lock: unknown, manifest: unknown) => Found[]
const read = (file: string) =>
  JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8')) as unknown

describe('package-lock.json stays installable when the registry moves', () => {
  it('every dependency declared by dist-tag or "*" is pinned by an override (root and examples/)', () => {
    expect(check(read('package-lock.json'), read('package.json'))).toEqual([])
    expect(check(read('examples/package-lock.json'), read('examples/package.json'))).toEqual([])
  })

  it('fails on a lock with a dist-tag dependency and no override, naming the package', () => {
    const lock = {
      packages: {
        '': { name: 'x', devDependencies: { formatter: '^3.1.0' } },
        'node_modules/formatter': {
          version: '3.1.0',
          dependencies: { jschardet: 'latest', semver: '^7.0.0' }
        },
        'node_modules/jschardet': { version: '4.0.0' }
      }
    }
    expect(check(lock, { devDependencies: { formatter: '^3.1.0' } })).toEqual([
      { name: 'jschardet', spec: 'latest', declaredBy: 'formatter' }
    ])
    expect(check(lock, { overrides: { jschardet: '4.0.0' } })).toEqual([])
    expect(check(lock, { overrides: { formatter: { jschardet: '4.0.0' } } })).toEqual([])
  })

  it('tells moving specs from ranges', () => {
    for (const s of ['latest', 'next', '*', '', 'x', 'beta-2'])
      expect({ s, moving: isMovingSpec(s) }).toEqual({ s, moving: true })
    for (const s of [
      '^1.2.3',
      '~1.0',
      '>=2 <3',
      '1.x',
      'npm:foo@1.0.0',
      'file:../x',
      'https://example.com/x.tgz',
      '1.2.3'
    ]) {
      expect({ s, moving: isMovingSpec(s) }).toEqual({ s, moving: false })
    }
  })
})
