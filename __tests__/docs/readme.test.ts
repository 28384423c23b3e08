import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { validateGraphFile } from '../../shared/graph/index.js'
import { repoRoot } from '../helpers/run-action.js'
import { workspaceWith } from '../graph/fixtures.js'

const read = (f: string) => readFileSync(path.join(repoRoot, f), 'utf8')

/** Fenced blocks of a language in a markdown text. */
function blocks(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)\\n```', 'g'))].map((m) => m[1])
}

describe('README.md', () => {
  it('includes the current text of every docs page it embeds (node scripts/readme.mjs)', () => {
    expect(() => execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'readme.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow()
  })

  it('its quick start is the two commands the brief promises, and .ci/run calls the same test command', () => {
    const quick = blocks(read('README.md'), 'sh')[0]
    expect(quick).toMatch(/^npm ci && npm run demo/m)
    expect(quick).toMatch(/^npm run test:all/m)
    expect(read('.ci/run')).toMatch(/^npm run test:all$/m)
  })

  it('the graph example is accepted by the schema and the soundness checks except for files it names', () => {
    const example = blocks(read('docs/graph.md'), 'yaml')[1]
    const yaml = `${example}\n  - id: N-release\n    kind: activity\n  - id: N-fix\n    kind: activity\n    next: G-verify\n`
    const r = validateGraphFile(workspaceWith(yaml, { 'requirements/nfr.yml': 'performance:\n  target_p95_latency_ms: 200\n' }), '.process/graph.yaml')
    const unexpected = r.findings.filter((f) => f.severity === 'error' && !['artifact-missing', 'template-missing', 'unreachable'].includes(f.code))
    expect(unexpected).toEqual([])
  })

  it('the CLI example prints what the docs show', () => {
    const shown = blocks(read('docs/cli.md'), 'console')[0].split('\n')
    const command = shown[0].replace(/^\$ node dist\/cli\/index.js /, '').split(' ')
    let out = ''
    try {
      execFileSync(process.execPath, [path.join(repoRoot, 'dist', 'cli', 'index.js'), ...command], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
    } catch (error) {
      out = String((error as { stdout?: string }).stdout)
      expect((error as { status?: number }).status).toBe(1)
    }
    for (const line of shown.slice(1)) {
      const text = line.replace(/ …$/, '').trim()
      if (text) expect(out).toContain(text)
    }
  })
})
