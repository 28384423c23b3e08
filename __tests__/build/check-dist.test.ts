import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { repoRoot } from '../helpers/run-action.js'

function files(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name
    return statSync(path.join(dir, r)).isDirectory() ? files(dir, r) : [r]
  })
}

describe('check-dist', () => {
  it('bundling again reproduces the committed dist/ byte for byte', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'flow-check-dist-'))
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'bundle.mjs')], {
      cwd: repoRoot,
      env: { ...process.env, FLOW_DIST_DIR: out },
      stdio: 'pipe'
    })
    const committed = files(path.join(repoRoot, 'dist')).sort()
    const fresh = files(out).sort()
    expect(fresh).toEqual(committed)
    const differing = committed.filter((f) => !readFileSync(path.join(out, f)).equals(readFileSync(path.join(repoRoot, 'dist', f))))
    expect(differing).toEqual([])
  }, 600_000)
})
