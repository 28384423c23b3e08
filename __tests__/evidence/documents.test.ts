import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError, EvidenceError } from '../../shared/errors.js'
import {
  checkArtifact,
  checkInstructionFile,
  findPlaceholders,
  loadEvidenceDeclarations,
  parseEvidenceOverrides,
  parseFrontmatter
} from '../../shared/evidence/index.js'
import type { ArtifactRequirement } from '../../shared/graph/model.js'
import { FIXTURES, workspace } from './helpers.js'

const ADR_TEMPLATE = readFileSync(path.join(FIXTURES, 'documents/ADR_TEMPLATE.md'), 'utf8')
const ADR_0001 = readFileSync(path.join(FIXTURES, 'documents/ADR-0001.md'), 'utf8')
const req = (over: Partial<ArtifactRequirement>): ArtifactRequirement => ({
  type: 'artifact',
  id: 'artifact-1',
  severity: 'fail',
  path: 'artifacts/adr/ADR-*.md',
  ...over
})

const FILLED = `---
id: adr-0002
title: "Use Postgres"
status: accepted
date: 2025-03-14
owners: [data]
---

## Context

We need durable storage for orders with transactions across tables and mature tooling.
`

describe('frontmatter and placeholders', () => {
  it('splits frontmatter from the body with the body line', () => {
    const fm = parseFrontmatter(FILLED, 'a.md')
    expect(fm.data).toMatchObject({ id: 'adr-0002', status: 'accepted', date: '2025-03-14' })
    expect(fm.bodyLine).toBe(8)
    expect(fm.body.startsWith('\n## Context')).toBe(true)
    expect(parseFrontmatter('# no frontmatter', 'b.md').data).toBeUndefined()
  })

  it('refuses broken, unclosed or hostile frontmatter as malformed evidence', () => {
    for (const text of [
      '---\na: [\n---\n',
      '---\na: 1\n',
      '---\n- a\n---\n',
      '---\n__proto__: {x: 1}\n---\n',
      '---\na: &a [*a]\nb: !!js/function "x"\n---\n'
    ]) {
      expect(() => parseFrontmatter(text, 'x.md')).toThrow(EvidenceError)
    }
  })

  it('finds the seed template placeholders and ignores ordinary prose', () => {
    expect(
      findPlaceholders(
        'id: adr-XXXX\ndate: YYYY-MM-DD\nperf: benchmark-YYYYMMDD.json\nOn [date] TODO'
      )
    ).toEqual(['XXXX', 'YYYY-MM-DD', 'YYYYMMDD', '[date]', 'TODO'])
    expect(findPlaceholders('Todo lists, TODOS and the XXL size on 2024-01-02, [link](x)')).toEqual(
      []
    )
  })
})

describe('checkArtifact', () => {
  it('fails the seed template ADR-0001, which keeps the template placeholders', async () => {
    const root = workspace({
      'artifacts/adr/ADR_TEMPLATE.md': ADR_TEMPLATE,
      'artifacts/adr/ADR-0001.md': ADR_0001
    })
    const r = await checkArtifact(req({ path: 'artifacts/adr/*.md' }), { root })
    expect(r.status).toBe('failed')
    expect(r.files).toEqual(['artifacts/adr/ADR-0001.md']) // the template is not an artifact
    expect(r.problems).toEqual([
      'artifacts/adr/ADR-0001.md still holds template placeholders: YYYY-MM-DD (in date), YYYYMMDD (in evidence.perf_report); replace them with real values.'
    ])
  })

  it('fails an ADR whose frontmatter is filled but whose body keeps the template text', async () => {
    const body = ADR_TEMPLATE.slice(ADR_TEMPLATE.indexOf('## Context'))
    const root = workspace({
      'artifacts/adr/ADR_TEMPLATE.md': ADR_TEMPLATE,
      'artifacts/adr/ADR-0003.md': FILLED.slice(0, FILLED.indexOf('## Context')) + body
    })
    const r = await checkArtifact(req({}), { root })
    expect(r.status).toBe('failed')
    expect(r.problems).toEqual([
      expect.stringMatching(
        /^artifacts\/adr\/ADR-0003\.md keeps 3 paragraphs of template text from artifacts\/adr\/ADR_TEMPLATE\.md \(first: "Describe the background/
      )
    ])
  })

  it('fails an unchanged copy of the template even without placeholders', async () => {
    const template =
      '---\ntitle: Plan\n---\nDescribe the rollout plan for this service in enough detail to follow.\n'
    const root = workspace({ 'docs/plan.md': template, 'templates/plan.md': template })
    const r = await checkArtifact(req({ path: 'docs/plan.md', template: 'templates/plan.md' }), {
      root
    })
    expect(r.status).toBe('failed')
    expect(r.problems[0]).toMatch(/unchanged copy of the template templates\/plan\.md/)
  })

  it('passes a filled ADR and checks frontmatter rules', async () => {
    const root = workspace({
      'artifacts/adr/ADR_TEMPLATE.md': ADR_TEMPLATE,
      'artifacts/adr/ADR-0002.md': FILLED
    })
    const rules = {
      required: ['id', 'owners'],
      allowed: { status: ['accepted', 'superseded'] },
      dates: ['date']
    }
    expect(await checkArtifact(req({ frontmatter: rules }), { root })).toEqual({
      status: 'passed',
      files: ['artifacts/adr/ADR-0002.md'],
      problems: []
    })
    const bad = FILLED.replace('status: accepted', 'status: proposed')
      .replace('date: 2025-03-14', 'date: 2025-02-30')
      .replace('owners: [data]', 'owners: []')
    const root2 = workspace({ 'artifacts/adr/ADR-0002.md': bad })
    const r = await checkArtifact(req({ frontmatter: rules }), { root: root2 })
    expect(r.status).toBe('failed')
    expect(r.problems).toEqual([
      'artifacts/adr/ADR-0002.md: frontmatter key "owners" is missing or empty; fill it in.',
      'artifacts/adr/ADR-0002.md: frontmatter "status" is "proposed"; allowed: "accepted", "superseded".',
      'artifacts/adr/ADR-0002.md: frontmatter "date" is "2025-02-30", not a real date (YYYY-MM-DD).'
    ])
  })

  it('reports missing artifacts and too few matches', async () => {
    const root = workspace({ 'artifacts/adr/ADR_TEMPLATE.md': ADR_TEMPLATE })
    const r = await checkArtifact(req({}), { root })
    expect(r.status).toBe('missing')
    expect(r.problems[0]).toMatch(/matches 0 documents; at least 1 needed/)
    const r2 = await checkArtifact(req({ path: 'docs/threat-model.md' }), { root })
    expect(r2).toMatchObject({
      status: 'missing',
      problems: [expect.stringMatching(/docs\/threat-model\.md does not exist/)]
    })
    const r3 = await checkArtifact(req({ path: '../../etc/passwd' }), { root })
    expect(r3.status).not.toBe('passed')
  })

  it('judges age from git history', async () => {
    const root = workspace({
      'docs/runbook.md': '# Runbook\n\nRestart the worker with the documented command.\n'
    })
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: root,
        env: {
          ...process.env,
          GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z',
          GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z'
        }
      })
    git('init', '-q')
    git('-c', 'user.email=a@b', '-c', 'user.name=a', 'add', '.')
    git('-c', 'user.email=a@b', '-c', 'user.name=a', 'commit', '-q', '-m', 'x')
    const now = new Date('2020-03-01T00:00:00Z')
    const r = await checkArtifact(req({ path: 'docs/runbook.md', maxAgeDays: 30 }), { root, now })
    expect(r.status).toBe('failed')
    expect(r.ageDays).toBeCloseTo(60, 5)
    expect(r.problems[0]).toMatch(
      /last changed 60 days ago \(git history\), over the 30 days allowed/
    )
    expect(
      (await checkArtifact(req({ path: 'docs/runbook.md', maxAgeDays: 90 }), { root, now })).status
    ).toBe('passed')
  })
})

describe('instruction files (seed 003)', () => {
  it.each([
    ['---\napplyTo: "src/**/*.py"\ndescription: "Player patterns"\n---\n# x\n', []],
    ['---\napplyTo: ["a/**", "b/**"]\ndescription: d\n---\n', []],
    ['---\ndescription: d\n---\n', ['missing applyTo']],
    ['---\napplyTo: 3\ndescription: d\n---\n', ['applyTo is a number']],
    [
      '---\napplyTo: [a, 2]\ndescription: d\n---\n',
      ['applyTo must be a string or a non-empty list']
    ],
    ['---\napplyTo: "**"\ndescription: "  "\n---\n', ['description must be a non-empty string']],
    ['# no frontmatter\n', ['has no YAML frontmatter']]
  ])('%j gives %j', async (text, expected) => {
    const root = workspace({ '.github/instructions/x.instructions.md': text })
    const problems = await checkInstructionFile('.github/instructions/x.instructions.md', { root })
    expect(problems).toHaveLength(expected.length)
    expected.forEach((e, i) => expect(problems[i]).toContain(e))
  })
})

describe('declarations', () => {
  it('loads .process/evidence.yaml in all three forms; the file overrides the graph by name', () => {
    const root = workspace({
      '.process/evidence.yaml':
        'evidence:\n  tests: reports/junit/*.xml\n  coverage: [coverage/lcov.info, "!coverage/old/**"]\n  mutation:\n    paths: [reports/mutation/mutation.json]\n    format: stryker\n    max_age_hours: 24\n'
    })
    const decls = loadEvidenceDeclarations(root, [
      { name: 'tests', paths: ['old.xml'] },
      { name: 'sarif', paths: ['x.sarif'] }
    ])
    expect(decls.map((d) => [d.name, d.paths, d.format, d.maxAgeHours])).toEqual([
      ['sarif', ['x.sarif'], undefined, undefined],
      ['tests', ['reports/junit/*.xml'], undefined, undefined],
      ['coverage', ['coverage/lcov.info', '!coverage/old/**'], undefined, undefined],
      ['mutation', ['reports/mutation/mutation.json'], 'stryker', 24]
    ])
    expect(decls[1].pos?.line).toBe(2)
    expect(
      loadEvidenceDeclarations(workspace(), [{ name: 'tests', paths: ['a.xml'] }])
    ).toHaveLength(1)
  })

  it.each([
    ['evidence:\n  tests: {paths: [a], colour: red}\n', /unknown key "colour"/],
    ['evidence:\n  tests: {format: junit}\n', /needs "paths"/],
    ['evidence:\n  tests: {paths: [a], format: docx}\n', /unknown format "docx"/],
    ['evidence:\n  tests: {paths: [a], max_age_hours: -1}\n', /above 0/],
    ['evidence:\n  "9bad": a\n', /must start with a letter/],
    ['nope: 1\n', /"evidence:" key/],
    ['evidence:\n  a: x\n  a: y\n', /./]
  ])('refuses %j', (yaml, message) => {
    const root = workspace({ '.process/evidence.yaml': yaml })
    expect(() => loadEvidenceDeclarations(root)).toThrow(ConfigurationError)
    expect(() => loadEvidenceDeclarations(root)).toThrow(message)
  })

  it('parses the action input form', () => {
    expect(
      parseEvidenceOverrides(
        '# comment\ntests: reports/*.xml, more/*.xml\n\ncoverage[cobertura]: build/cov.xml\n'
      )
    ).toEqual([
      { name: 'tests', paths: ['reports/*.xml', 'more/*.xml'], format: undefined },
      { name: 'coverage', paths: ['build/cov.xml'], format: 'cobertura' }
    ])
    for (const bad of ['just a path', 'tests:', 'tests: a\ntests: b', 'x[docx]: a'])
      expect(() => parseEvidenceOverrides(bad)).toThrow(ConfigurationError)
  })
})
