import { mkdtempSync, mkdirSync, writeFileSync, cpSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const HERE = path.dirname(fileURLToPath(import.meta.url))
export const FIXTURES = path.resolve(HERE, '../fixtures/evidence')
/** ../shared/compat beside the repository; tests that read it skip when it is absent. */
export const SHARED_COMPAT = path.resolve(HERE, '../../../shared/compat')
export const hasSharedCompat = existsSync(SHARED_COMPAT)

/** A fresh workspace folder with the given files (path -> content). */
export function workspace(files: Record<string, string | Buffer> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), 'evidence-ws-'))
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel)
    mkdirSync(path.dirname(abs), { recursive: true })
    writeFileSync(abs, content)
  }
  return root
}

/** A workspace holding a copy of a fixture folder under `into`. */
export function workspaceWithFixtures(fixtureDir: string, into = 'reports'): string {
  const root = workspace()
  cpSync(path.join(FIXTURES, fixtureDir), path.join(root, into), { recursive: true })
  return root
}

/** Parses the "| file | tests | passed | failed | skipped |" table of a compat README. */
export function parseJUnitTable(
  readme: string
): Array<{ files: string[]; tests: number; passed: number; failed: number; skipped: number }> {
  const rows = []
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    if (cells.length < 7 || !/\.xml/.test(cells[1])) continue
    const files = [...cells[1].matchAll(/([\w.-]+\.xml)/g)].map((m) => m[1])
    const [tests, passed, failed, skipped] = cells.slice(2, 6).map(Number)
    rows.push({ files, tests, passed, failed, skipped })
  }
  return rows
}
