/**
 * Issue 13: each evidence file here passed its gate before the fix (a false pass). Each test runs
 * the gate engine in-process on a small graph and asserts the gate fails and the message names
 * the cause.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { evaluateGates } from '../../shared/gates/index.js'
import type { RequirementResult } from '../../shared/report/types.js'

const now = new Date('2026-11-01T12:00:00Z')

/** A repository whose graph has one gate G with one requirement `check` on `metric`. */
function repo(evidence: string, metric: string, files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'fail-closed-'))
  const graph = `version: 1\nstages: [ci]\nevidence:\n${evidence}\nnodes:\n  - id: build\n    kind: activity\n    next: G\n  - id: G\n    kind: gate\n    requires:\n      - id: check\n        metric: ${metric}\n    pass: done\n    fail: build\n  - id: done\n    kind: activity\n`
  for (const [rel, content] of Object.entries({ '.process/graph.yaml': graph, ...files })) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    writeFileSync(path.join(root, rel), content)
  }
  return root
}

async function gate(
  evidence: string,
  metric: string,
  files: Record<string, string | Buffer>
): Promise<{ verdict: string; req: RequirementResult; text: string }> {
  const root = repo(evidence, metric, files)
  const { report } = await evaluateGates({
    root,
    graphPath: '.process/graph.yaml',
    stage: 'ci',
    now
  })
  const req = report.gates?.[0]?.requirements.find((r) => r.id === 'check') as RequirementResult
  const problems = report.evidence?.problems ?? []
  return {
    verdict: report.verdict,
    req,
    text: `${req.message ?? ''} ${req.detail ?? ''} ${problems.map((p) => p.message).join(' ')}`
  }
}

const sarif = (run: Record<string, unknown>) =>
  JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'scanner' } }, ...run }] })

describe('item 2: a SARIF run that did not complete is failed evidence, not zero findings', () => {
  const metric = 'sarif.errors == 0 && sarif.warnings == 0'
  it.each([
    [
      'executionSuccessful: false',
      { invocations: [{ executionSuccessful: false, exitCode: 2 }], results: [] },
      /executionSuccessful: false \(exit code 2\)/
    ],
    [
      'an error-level tool notification',
      {
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              { level: 'error', message: { text: 'could not parse src/a.js' } }
            ]
          }
        ],
        results: []
      },
      /error-level tool execution notification \("could not parse src\/a\.js"\)/
    ],
    ['results absent', {}, /no "results" array/],
    ['results null', { results: null }, /"results": null/]
  ])('%s fails the gate, naming the file and the run', async (_name, run, reason) => {
    const r = await gate('  sarif: reports/scan.sarif', metric, {
      'reports/scan.sarif': sarif(run)
    })
    expect(r.verdict).toBe('failed')
    expect(r.req.status).toBe('missing-evidence')
    expect(r.text).toContain('reports/scan.sarif')
    expect(r.text).toContain('runs[0] (scanner)')
    expect(r.text).toMatch(reason)
  })

  it('a warning-level notification on a successful run still reads (control)', async () => {
    const run = {
      invocations: [
        {
          executionSuccessful: true,
          toolExecutionNotifications: [{ level: 'warning', message: { text: 'slow' } }]
        }
      ],
      results: []
    }
    const r = await gate('  sarif: reports/scan.sarif', metric, {
      'reports/scan.sarif': sarif(run)
    })
    expect(r.req.status).toBe('passed')
  })
})

describe('item 3: licence expressions are parsed (spdx-expression-parse), not split on OR', () => {
  const bom = (components: unknown[]) =>
    JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components })
  const deny = (list: string) => `  sbom:\n    path: reports/bom.json\n    deny_licenses: [${list}]`
  const cases: Array<[string, unknown]> = [
    [
      '(MIT OR Apache-2.0) AND GPL-3.0-only',
      { name: 'a', licenses: [{ expression: '(MIT OR Apache-2.0) AND GPL-3.0-only' }] }
    ],
    [
      'two entries combined with AND',
      {
        name: 'b',
        licenses: [{ expression: 'MIT OR Apache-2.0' }, { license: { id: 'GPL-3.0-only' } }]
      }
    ],
    ['GPL-3.0-or-later', { name: 'c', licenses: [{ license: { id: 'GPL-3.0-or-later' } }] }],
    ['the deprecated GPL-3.0', { name: 'd', licenses: [{ license: { id: 'GPL-3.0' } }] }],
    ['GPL-3.0+ in lower case', { name: 'e', licenses: [{ expression: 'mit and gpl-3.0+' }] }]
  ]
  it.each(cases)('%s is denied by a deny-list holding GPL-3.0-only', async (_name, component) => {
    const r = await gate(deny('GPL-3.0-only'), 'sbom.licenses.denied == 0', {
      'reports/bom.json': bom([component])
    })
    expect(r.verdict).toBe('failed')
    expect(r.req.status).toBe('failed')
    expect(r.req.actual).toMatchObject({ 'sbom.licenses.denied': 1 })
  })

  it('a deny-list naming the family (GPL-3.0) catches -only and -or-later', async () => {
    const r = await gate(deny('GPL-3.0'), 'sbom.licenses.denied == 0', {
      'reports/bom.json': bom([cases[0][1], cases[2][1]])
    })
    expect(r.req.actual).toMatchObject({ 'sbom.licenses.denied': 2 })
  })

  it('a choice that avoids the denied licence is not denied (control)', async () => {
    const r = await gate(deny('GPL-3.0-only'), 'sbom.licenses.denied == 0', {
      'reports/bom.json': bom([
        { name: 'x', licenses: [{ expression: 'MIT OR GPL-3.0-only' }] },
        { name: 'y', licenses: [{ expression: 'GPL-2.0-or-later OR MIT' }] },
        { name: 'z', licenses: [{ expression: 'AGPL-3.0-only' }] }
      ])
    })
    expect(r.req.status).toBe('passed')
  })
})

describe('item 8: a forced format without its required fields is refused', () => {
  it('format: mutmut-stats on a mocha JSON report fails, naming the missing fields', async () => {
    const mocha = JSON.stringify({
      stats: { suites: 1, tests: 2, passes: 2, failures: 0 },
      tests: [],
      passes: [],
      failures: []
    })
    const r = await gate(
      '  mutation:\n    path: reports/mocha.json\n    format: mutmut-stats',
      'mutation.survived == 0',
      { 'reports/mocha.json': mocha }
    )
    expect(r.verdict).toBe('failed')
    expect(r.req.status).toBe('missing-evidence')
    expect(r.text).toMatch(
      /reports\/mocha\.json: is not mutmut-cicd-stats\.json: it lacks "killed", "survived", "total"/
    )
  })
})

describe('item 9: Cobertura <line number="0"> is not a source line', () => {
  it('a report whose only line is line 0 has no line coverage, so the gate fails', async () => {
    const xml = `<?xml version="1.0"?>\n<coverage line-rate="0" lines-valid="0" lines-covered="0" version="1"><packages><package name="p"><classes><class name="a" filename="src/a.py"><lines><line number="0" hits="1"/></lines></class></classes></package></packages></coverage>`
    const r = await gate('  coverage: reports/cobertura.xml', 'coverage.lines >= 80', {
      'reports/cobertura.xml': xml
    })
    expect(r.verdict).toBe('failed')
    expect(r.req.status).toBe('missing-evidence')
    expect(r.text).toMatch(/coverage\.lines/)
  })
})
