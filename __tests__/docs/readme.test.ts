import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { validateGraphFile } from '../../shared/graph/index.js'
import { repoRoot } from '../helpers/run-action.js'
import { workspaceWith } from '../graph/fixtures.js'

const read = (f: string) => readFileSync(path.join(repoRoot, f), 'utf8')

/** Fenced blocks of a language in a markdown text. */
function blocks(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)\\n```', 'g'))].map(
    (m) => m[1]
  )
}

describe('README.md', () => {
  it('includes the current text of every docs page it embeds (node scripts/readme.mjs)', () => {
    expect(() =>
      execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'readme.mjs'), '--check'], {
        stdio: 'pipe'
      })
    ).not.toThrow()
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
    const r = validateGraphFile(
      workspaceWith(yaml, {
        'requirements/nfr.yml': 'performance:\n  target_p95_latency_ms: 200\n'
      }),
      '.process/graph.yaml'
    )
    const unexpected = r.findings.filter(
      (f) =>
        f.severity === 'error' &&
        !['artifact-missing', 'template-missing', 'unreachable'].includes(f.code)
    )
    expect(unexpected).toEqual([])
  })

  it('is a landing page: at most 400 lines, "Use it in your repository" before line 150, org/ explained', () => {
    const lines = read('README.md').split('\n')
    expect(lines.length).toBeLessThanOrEqual(400)
    const use = lines.findIndex((l) => l === '## Use it in your repository')
    expect(use).toBeGreaterThan(0)
    expect(use + 1).toBeLessThan(150)
    const section = lines.slice(use, use + 12).join('\n')
    expect(section).toMatch(/`org\/` stands for the owner you install flow-actions from/)
    expect(read('README.md')).toMatch(/EBADENGINE[^]*expected and harmless/)
  })

  it('has a short section per action and reusable workflow, each with an example and its docs page', () => {
    const readme = read('README.md')
    const section = (heading: string) => {
      const start = readme.indexOf(`\n### ${heading}`)
      expect({ heading, found: start >= 0 }).toEqual({ heading, found: true })
      const end = readme.indexOf('\n#', start + 5)
      return readme.slice(start, end < 0 ? undefined : end)
    }
    const actions: Array<[string, string, string]> = [
      ['The root action', 'docs/root-action.md', 'org/flow-actions@v1'],
      ['validate-graph', 'docs/validate-graph.md', 'org/flow-actions/validate-graph@v1'],
      ['check-gates', 'docs/check-gates.md', 'org/flow-actions/check-gates@v1'],
      ['mutation-gate', 'docs/mutation-gate.md', 'org/flow-actions/mutation-gate@v1'],
      ['canary-rollout', 'docs/canary.md', 'org/flow-actions/canary-rollout@v1'],
      ['render-diagram', 'docs/render-diagram.md', 'org/flow-actions/render-diagram@v1'],
      ['recalibrate', 'docs/recalibrate.md', 'org/flow-actions/recalibrate@v1']
    ]
    for (const [heading, page, uses] of actions) {
      const text = section(heading)
      expect({
        heading,
        page: text.includes(`](${page})`),
        example: text.includes(`uses: ${uses}`)
      }).toEqual({ heading, page: true, example: true })
    }
    for (const w of readdirSync(path.join(repoRoot, '.github', 'workflows'))) {
      const doc = read(`.github/workflows/${w}`)
      if (!/^\s+workflow_call:/m.test(doc)) continue
      const name = w.replace(/\.ya?ml$/, '')
      expect({ workflow: w, mentioned: readme.includes(`### ${name}:`) }).toEqual({
        workflow: w,
        mentioned: true
      })
    }
  })
})
