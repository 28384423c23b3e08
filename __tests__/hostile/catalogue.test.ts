/**
 * docs/HOSTILE.md cannot rot: every test it names exists in the file it names, and every case of
 * DESIGN.md section 7 has a row.
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from './support.js'

const doc = readFileSync(path.join(repoRoot, 'docs', 'HOSTILE.md'), 'utf8')
const rows = doc
  .split('\n')
  .filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| Case '))

/** `file`: `name`, `name`; also `file2`: `name` within one cell. */
function references(cell: string): Array<[string, string]> {
  const refs: Array<[string, string]> = []
  for (const part of cell.split(/;\s*also\s*/)) {
    const m = /^`(__tests__\/[^`]+\.ts)`:\s*(.*)$/.exec(part.trim())
    if (!m) continue
    for (const name of m[2].matchAll(/`([^`]+)`/g)) refs.push([m[1], name[1]])
  }
  return refs
}

describe('docs/HOSTILE.md', () => {
  it('has a row for every case of DESIGN.md section 7', () => {
    const cases = [
      'Injection strings',
      'Newline and delimiter in outputs',
      'Workflow commands',
      '@mentions',
      'alias bomb',
      '`__proto__`',
      'XXE',
      'billion laughs',
      'deep nesting',
      'Malformed XML',
      'zero tests',
      'negative or NaN',
      'SARIF with no runs',
      'hit > found',
      '2 GiB',
      '`..`',
      'Symlinks to /proc/self/environ or RUNNER_TEMP',
      'Zip entries',
      '5xx',
      'ECONNRESET',
      'primary rate limit',
      'secondary rate limit',
      '401 / 404',
      'Fork-PR 403',
      'Artifact service failure and 409',
      'Cache service failure',
      '10k failures',
      'secret inside an error message',
      'SIGINT/SIGTERM'
    ]
    const firstCells = rows.map((r) => r.split(' | ')[0])
    for (const c of cases)
      expect(firstCells.some((cell) => cell.includes(c)) ? c : `missing: ${c}`).toBe(c)
  })

  it('names, for every row, tests that exist in the files it names', () => {
    let count = 0
    for (const row of rows) {
      const cells = row.split(' | ')
      const refs = references(cells[cells.length - 1].replace(/ \|$/, ''))
      expect(refs.length > 0 ? row.slice(0, 40) : `no test named in: ${row.slice(0, 60)}`).toBe(
        row.slice(0, 40)
      )
      for (const [file, name] of refs) {
        const abs = path.join(repoRoot, file)
        expect(existsSync(abs) ? file : `missing file ${file}`).toBe(file)
        const source = readFileSync(abs, 'utf8')
        // The name as written in the source: it('…'), it.each(…)('…'), with quotes of any kind.
        const quoted = [`'${name.replace(/'/g, "\\'")}'`, `"${name}"`, `\`${name}\``]
        expect(quoted.some((q) => source.includes(q)) ? name : `no test "${name}" in ${file}`).toBe(
          name
        )
        count++
      }
    }
    expect(count).toBeGreaterThan(60)
  })

  it('would notice a test that does not exist', () => {
    expect(references('`__tests__/hostile/yaml.test.ts`: `no such test`')).toEqual([
      ['__tests__/hostile/yaml.test.ts', 'no such test']
    ])
    expect(
      readFileSync(path.join(repoRoot, '__tests__/hostile/yaml.test.ts'), 'utf8').includes(
        "'no such test'"
      )
    ).toBe(false)
  })
})
