import { readdirSync, statSync, type Dirent } from 'node:fs'
import path from 'node:path'
import picomatch from 'picomatch'
import { resolveInWorkspace } from './safe-path.js'

const SKIP_DIRS = new Set(['.git', 'node_modules'])

export function isGlob(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob
}

/**
 * Files under the workspace matching a repo-relative glob (or one plain path), as sorted
 * forward-slash relative paths. Walks only below the pattern's static base, skips .git and
 * node_modules, never follows symbolic links, and refuses patterns that leave the workspace.
 */
export function globFiles(root: string, pattern: string, limit = 100_000): string[] {
  const normalised = pattern.replace(/\\/g, '/').replace(/^\.\//, '')
  const scan = picomatch.scan(normalised)
  const baseRel = scan.isGlob ? scan.base : path.posix.dirname(normalised)
  const base = resolveInWorkspace(root, baseRel === '' ? '.' : baseRel, 'evidence path')
  const realRoot = resolveInWorkspace(root, '.', 'workspace')
  if (!scan.isGlob) {
    const file = resolveInWorkspace(root, normalised, 'path')
    const rel = path.relative(realRoot, file).split(path.sep).join('/')
    return exists(file) ? [rel] : []
  }
  const match = picomatch(normalised, { dot: false })
  const found: string[] = []
  const stack = [base]
  while (stack.length > 0 && found.length < limit) {
    const dir = stack.pop() as string
    let entries: Dirent[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      continue
    }
    for (const e of entries) {
      const full = path.join(dir, e.name)
      const rel = path.relative(realRoot, full).split(path.sep).join('/')
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) stack.push(full)
      } else if (e.isFile() && match(rel)) {
        found.push(rel)
      }
    }
  }
  return found.sort()
}

function exists(file: string): boolean {
  try {
    return statSync(file).isFile()
  } catch {
    return false
  }
}
