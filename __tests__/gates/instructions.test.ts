import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { evaluateGates } from '../../shared/gates/index.js'
import { splitApplyTo } from '../../shared/evidence/documents/instructions.js'
import { validateGraphFile } from '../../shared/graph/index.js'
import { workspaceWith } from '../graph/fixtures.js'
import { expectValidReport, requirement } from './helpers.js'

const now = new Date('2026-11-01T12:00:00Z')
const GLOB = '.github/instructions/*.instructions.md'

function graph(
  requirementYaml = `      - id: instructions\n        instructions: "${GLOB}"\n`
): string {
  return `version: 1
stages: [dev]
nodes:
  - id: write
    kind: activity
    next: G-ai
  - id: G-ai
    kind: gate
    requires:
${requirementYaml}    pass: done
    fail: write
  - id: done
    kind: activity
    end: true
`
}

const SOURCES = {
  'src/app.py': 'print(1)\n',
  'src/web/page.tsx': 'export {}\n',
  'tests/test_app.py': 'def test(): pass\n'
}
const GOOD =
  '---\napplyTo: "src/**/*.py"\ndescription: "Python conventions for the game loop"\n---\n# Python\n\nUse type hints.\n'

async function gate(files: Record<string, string>, requirementYaml?: string) {
  const root = workspaceWith(graph(requirementYaml), { ...SOURCES, ...files })
  const { report } = await evaluateGates({
    root,
    graphPath: '.process/graph.yaml',
    stage: 'dev',
    now
  })
  expectValidReport(report)
  return { report, result: requirement(report, 'G-ai', 'instructions') }
}

describe('instructions: <glob> requirement', () => {
  it('fails on a file without applyTo, naming the file and the field, and passes on a correct one', async () => {
    const broken = await gate({
      '.github/instructions/python.instructions.md':
        '---\ndescription: "Python conventions"\n---\n# Python\n'
    })
    expect(broken.result.status).toBe('failed')
    expect(broken.result.message).toContain(
      '.github/instructions/python.instructions.md: missing applyTo'
    )
    expect(broken.result.evidence).toEqual(['.github/instructions/python.instructions.md'])
    expect(broken.report.verdict).toBe('failed')

    const fixed = await gate({ '.github/instructions/python.instructions.md': GOOD })
    expect(fixed.result).toMatchObject({ status: 'passed', type: 'instructions', check: GLOB })
    expect(fixed.result.message).toBe(
      '1 instruction file(s) valid: .github/instructions/python.instructions.md.'
    )
    expect(fixed.report.verdict).toBe('passed')
  })

  it('names every broken file and field, and leaves the good ones out of the message', async () => {
    const { result } = await gate({
      '.github/instructions/a.instructions.md': GOOD,
      '.github/instructions/b.instructions.md':
        '---\napplyTo: "**/*.rs"\ndescription: "Rust"\n---\n',
      '.github/instructions/c.instructions.md': '---\napplyTo: "src/[a"\ndescription: ""\n---\n',
      '.github/instructions/d.instructions.md':
        '---\napplyTo: "../outside/**"\ndescription: d\n---\n',
      '.github/instructions/e.instructions.md': '# no frontmatter\n'
    })
    expect(result.status).toBe('failed')
    expect(result.message).not.toContain('a.instructions.md')
    expect(result.message).toContain(
      'b.instructions.md: applyTo "**/*.rs" matches no file in the repository'
    )
    expect(result.message).toContain('c.instructions.md: applyTo "src/[a" is not a valid glob')
    expect(result.message).toContain('c.instructions.md: description must be a non-empty string')
    expect(result.message).toMatch(/d\.instructions\.md: applyTo "\.\.\/outside\/\*\*": .*outside/)
    expect(result.message).toContain('e.instructions.md has no YAML frontmatter')
    expect(result.actual).toEqual({ 'instructions.invalid': 4, 'instructions.files': 5 })
    expect(result.evidence.slice(0, 4)).toEqual(
      ['b', 'c', 'd', 'e'].map((x) => `.github/instructions/${x}.instructions.md`)
    )
  })

  it('reads applyTo as Copilot does: a list, or one string with commas outside braces', async () => {
    expect(splitApplyTo('src/**/*.py, tests/**')).toEqual(['src/**/*.py', 'tests/**'])
    expect(splitApplyTo('**/*.{ts,tsx},**/*.py')).toEqual(['**/*.{ts,tsx}', '**/*.py'])
    const list = await gate({
      '.github/instructions/x.instructions.md':
        '---\napplyTo: ["src/**/*.py", "src/web/*.tsx"]\ndescription: d\n---\n'
    })
    expect(list.result.status).toBe('passed')
    const commas = await gate({
      '.github/instructions/x.instructions.md':
        '---\napplyTo: "**/*.{ts,tsx},tests/*.py"\ndescription: d\n---\n'
    })
    expect(commas.result.status).toBe('passed')
    const oneMisses = await gate({
      '.github/instructions/x.instructions.md':
        '---\napplyTo: "src/**/*.py,docs/**"\ndescription: d\n---\n'
    })
    expect(oneMisses.result.message).toBe(
      '.github/instructions/x.instructions.md: applyTo "docs/**" matches no file in the repository; fix the glob or remove it.'
    )
  })

  it('checks .github/copilot-instructions.md when present', async () => {
    const empty = await gate({
      '.github/instructions/x.instructions.md': GOOD,
      '.github/copilot-instructions.md': '\n  \n'
    })
    expect(empty.result.status).toBe('failed')
    expect(empty.result.message).toBe(
      '.github/copilot-instructions.md is empty; write the repository-wide instructions or delete the file.'
    )
    const unclosed = await gate({
      '.github/instructions/x.instructions.md': GOOD,
      '.github/copilot-instructions.md': '---\ntitle: x\n# body\n'
    })
    expect(unclosed.result.status).toBe('failed')
    expect(unclosed.result.message).toContain(
      '.github/copilot-instructions.md: opens YAML frontmatter with --- but never closes it'
    )
    const both = await gate({
      '.github/instructions/x.instructions.md': GOOD,
      '.github/copilot-instructions.md': '# Conventions\n\nPrefer small functions.\n'
    })
    expect(both.result).toMatchObject({
      status: 'passed',
      evidence: ['.github/instructions/x.instructions.md', '.github/copilot-instructions.md']
    })
    // The glob must still match: the repository-wide file alone does not stand in for it.
    const alone = await gate({
      '.github/copilot-instructions.md': '# Conventions\n\nPrefer small functions.\n'
    })
    expect(alone.result.status).toBe('missing-evidence')
  })

  it('checks .github/copilot-instructions.md as the repository-wide file even when the glob names it', async () => {
    const named = await gate(
      { '.github/copilot-instructions.md': '# Conventions\n\nPrefer small functions.\n' },
      '      - id: instructions\n        instructions: ".github/*instructions*.md"\n'
    )
    expect(named.result).toMatchObject({
      status: 'passed',
      evidence: ['.github/copilot-instructions.md']
    })
  })

  it('is missing evidence when no instruction file exists', async () => {
    const { result } = await gate({})
    expect(result.status).toBe('missing-evidence')
    expect(result.message).toContain(`No instruction file matches ${GLOB}`)
  })
})

describe('validate-graph on an instructions requirement', () => {
  const codes = (root: string) =>
    validateGraphFile(root, '.process/graph.yaml').findings.map((f) => [
      f.code,
      f.severity,
      f.message
    ])

  it('accepts a glob that matches instruction files', () => {
    expect(
      validateGraphFile(
        workspaceWith(graph(), { ...SOURCES, '.github/instructions/x.instructions.md': GOOD }),
        '.process/graph.yaml'
      ).findings
    ).toEqual([])
  })

  it.each([
    [
      `      - id: instructions\n        instructions: "${GLOB}"\n`,
      'instructions-missing',
      /instructions "\.github\/instructions\/\*\.instructions\.md" matches no file; add an instruction file/
    ],
    [
      '      - id: instructions\n        instructions: "docs/[x"\n',
      'instructions-glob',
      /"docs\/\[x" is not a valid glob/
    ],
    [
      '      - id: instructions\n        instructions: "../elsewhere/*.md"\n',
      'instructions-glob',
      /outside/
    ],
    ['      - id: instructions\n        instructions: ""\n', 'schema', /instructions/],
    ['      - id: instructions\n        instructions: 3\n', 'schema', /instructions/]
  ])('reports %j as %s', (requirementYaml, code, message) => {
    const findings = codes(workspaceWith(graph(requirementYaml), SOURCES))
    const found = findings.find((f) => f[0] === code)
    expect(found).toBeDefined()
    expect(found![1]).toBe('error')
    expect(found![2]).toMatch(message)
  })

  it('only warns when the requirement applies to later stages', () => {
    const root = workspaceWith(
      graph(`      - id: instructions\n        instructions: "${GLOB}"\n        only: [dev]\n`),
      SOURCES
    )
    expect(
      codes(root)
        .filter((f) => f[0] === 'instructions-missing')
        .map((f) => f[1])
    ).toEqual(['warning'])
  })
})

describe('docs/graph.md, "Instruction files"', () => {
  it('its graph validates and its example file passes the requirement', async () => {
    const doc = readFileSync(
      path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'docs', 'graph.md'),
      'utf8'
    )
    const section = doc.slice(
      doc.indexOf('### Instruction files'),
      doc.indexOf('### What validate-graph checks')
    )
    const yaml = /```yaml\n([\s\S]*?)\n```/.exec(section)![1]
    const markdown = /```markdown\n([\s\S]*?)\n```/.exec(section)![1]
    const root = workspaceWith(yaml, {
      '.github/instructions/python.instructions.md': `${markdown}\n`,
      'src/game/loop.py': 'tick = 1\n'
    })
    expect(validateGraphFile(root, '.process/graph.yaml').findings).toEqual([])
    const { report } = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'dev',
      now
    })
    expect(requirement(report, 'G-ai', 'instructions').status).toBe('passed')
    expect(report.verdict).toBe('passed')
  })
})
