import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from '../helpers/run-action.js'

function sources(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`
    if (statSync(path.join(repoRoot, rel)).isDirectory()) return sources(rel)
    return rel.endsWith('.ts') && !rel.endsWith('.d.ts') ? [rel] : []
  })
}

const imports = (file: string) =>
  [
    ...readFileSync(path.join(repoRoot, file), 'utf8').matchAll(
      /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g
    )
  ].map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1])))

describe('the layers in docs/ARCHITECTURE.md hold', () => {
  const code = [...sources('shared'), ...sources('actions'), ...sources('cli')]

  it('shared/ never imports from actions/ or cli/', () => {
    const upward = sources('shared').flatMap((f) =>
      imports(f)
        .filter((i) => i.startsWith('actions/') || i.startsWith('cli/'))
        .map((i) => `${f} -> ${i}`)
    )
    expect(upward).toEqual([])
  })

  it('the gate engine only orchestrates: files reach it through its ports, never from node:fs or git', () => {
    const text = readFileSync(path.join(repoRoot, 'shared/gates/engine.ts'), 'utf8')
    expect(text.match(/from 'node:(fs|fs\/promises|child_process)'/g) ?? []).toEqual([])
  })

  it('no command module imports cli/main.ts back (no import cycle in cli/)', () => {
    const back = sources('cli').filter(
      (f) => f !== 'cli/index.ts' && imports(f).includes('cli/main.js')
    )
    expect(back).toEqual([])
  })

  it('shared/expr is imported only through its index and imports nothing else of the project', () => {
    const around = code
      .filter((f) => !f.startsWith('shared/expr/'))
      .flatMap((f) =>
        imports(f)
          .filter((i) => i.startsWith('shared/expr/') && i !== 'shared/expr/index.js')
          .map((i) => `${f} -> ${i}`)
      )
    expect(around).toEqual([])
    const outward = sources('shared/expr').flatMap((f) =>
      imports(f)
        .filter((i) => !i.startsWith('shared/expr/'))
        .map((i) => `${f} -> ${i}`)
    )
    expect(outward).toEqual([])
  })

  it('every folder and file the map names exists', () => {
    const map = readFileSync(path.join(repoRoot, 'docs', 'ARCHITECTURE.md'), 'utf8')
    const named = [
      ...new Set(
        [
          ...map.matchAll(
            /`((?:shared|actions|cli|schemas|scripts|bench|__tests__|\.github)\/[A-Za-z0-9_./-]*?)`/g
          )
        ].map((m) => m[1])
      )
    ]
      .map((p) => p.replace(/\/$/, ''))
      .filter((p) => !p.includes('<') && !p.includes('*'))
    expect(named.length).toBeGreaterThan(20)
    expect(named.filter((p) => !existsSync(path.join(repoRoot, p)))).toEqual([])
  })
})
