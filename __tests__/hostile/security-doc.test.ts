/**
 * docs/security.md cannot rot: every rule of the trust model names tests, and every test it names
 * is one that docs/HOSTILE.md names too (whose catalogue test checks that each exists).
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from './support.js'

const flat = (file: string) =>
  readFileSync(path.join(repoRoot, 'docs', file), 'utf8').replace(/\s*\n\s*/g, ' ')
const security = flat('security.md')
const hostile = flat('HOSTILE.md')

/** Parenthesised test references: (`…test.ts`: `name`, `name`; `other.test.ts`: `name`). */
function referencedNames(text: string): string[] {
  const out: string[] = []
  // A reference list ends with a name's closing backtick and the parenthesis (a full stop between).
  for (const group of text.matchAll(/\((`[^`]*?\.test\.ts`:[\s\S]*?`)\.?\)/g)) {
    for (const span of group[1].matchAll(/`([^`]+)`/g))
      if (!span[1].endsWith('.test.ts')) out.push(span[1])
  }
  return out
}

describe('docs/security.md', () => {
  const rules = security.slice(
    security.indexOf('## The rules'),
    security.indexOf('## What runs on each event')
  )

  it('backs each of its rules with tests', () => {
    const each = rules.split(/ \d+\. \*\*/).slice(1)
    expect(each.length).toBeGreaterThanOrEqual(7)
    for (const rule of each)
      expect({ rule: rule.slice(0, 60), names: referencedNames(rule).length > 0 }).toEqual({
        rule: rule.slice(0, 60),
        names: true
      })
  })

  it('names only tests that docs/HOSTILE.md names', () => {
    const names = referencedNames(security)
    expect(names.length).toBeGreaterThan(20)
    for (const name of names)
      expect(hostile.includes(`\`${name}\``) ? name : `not in HOSTILE.md: ${name}`).toBe(name)
  })
})
