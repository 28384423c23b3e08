import { cpSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export const fixtures = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
  'fixtures',
  'recalibrate'
)

/** A fresh copy of the fixture repository with the fixture history under history/. */
export function fixtureRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'flow-recal-'))
  cpSync(path.join(fixtures, 'repo'), dir, { recursive: true })
  cpSync(path.join(fixtures, 'history'), path.join(dir, 'history'), { recursive: true })
  return dir
}

/** The day the fixture history is read on. */
export const NOW = new Date('2026-03-07T00:00:00Z')
