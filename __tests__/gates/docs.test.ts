import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseEvidenceOverrides } from '../../shared/evidence/declarations.js'
import { evaluateGates } from '../../shared/gates/index.js'
import { loadGraph } from '../../shared/graph/index.js'
import { parseYaml } from '../../shared/yaml.js'
import { repoRoot } from '../helpers/run-action.js'
import { expectValidReport, FILLED_ADR, junit, lcov, repo, requirement } from './helpers.js'

const doc = readFileSync(path.join(repoRoot, 'docs', 'check-gates.md'), 'utf8')
const actionYml = parseYaml(
  readFileSync(path.join(repoRoot, 'check-gates', 'action.yml'), 'utf8'),
  'action.yml'
).value as {
  inputs: Record<string, { default?: string; required?: boolean }>
  outputs: Record<string, unknown>
}

/** The fenced block that follows `<!-- example: name -->`. */
function example(name: string): string {
  const m = new RegExp(`<!-- example: ${name} -->\\n+\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``).exec(doc)
  if (!m) throw new Error(`docs/check-gates.md has no example "${name}"`)
  return `${m[1]}\n`
}

function tableNames(heading: string): string[] {
  const section = doc.slice(doc.indexOf(`## ${heading}\n`))
  const table = section.slice(0, section.indexOf('\n\n', section.search(/\| -+ \|/)))
  return [...table.matchAll(/^\| `([a-z-]+)` +\|/gm)].map((m) => m[1])
}

describe('docs/check-gates.md', () => {
  it('documents exactly the inputs and outputs of action.yml', () => {
    expect(tableNames('Inputs')).toEqual(Object.keys(actionYml.inputs))
    expect(tableNames('Outputs')).toEqual(Object.keys(actionYml.outputs))
    expect(actionYml.inputs.stage.required).toBe(true)
    expect(actionYml.inputs.token.default).toBe('${{ github.token }}')
    expect(actionYml.inputs['fail-on'].default).toBe('error')
  })

  it('has a workflow example that uses the action with real inputs and evidence lines', () => {
    const wf = parseYaml(example('workflow'), 'workflow.yml').value as {
      jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }>
    }
    const step = wf.jobs.gates.steps.find((s) => s.uses?.includes('check-gates'))
    expect(step?.uses).toBe('org/flow-actions/check-gates@v1')
    for (const key of Object.keys(step?.with ?? {}))
      expect(Object.keys(actionYml.inputs)).toContain(key)
    expect(
      parseEvidenceOverrides(String(step?.with?.evidence)).map((d) => [d.name, d.paths])
    ).toEqual([
      ['tests', ['reports/junit.xml']],
      ['coverage', ['coverage/lcov.info']]
    ])
  })

  it('evaluates its graph, waiver, baseline and sign-off examples as the text says', async () => {
    const files = {
      '.process/graph.yaml': example('graph'),
      '.process/signoffs.yaml': example('signoffs'),
      '.process/baseline.json': example('baseline'),
      'requirements/nfr.yml':
        'performance:\n  target_p95_latency_ms: 200\nquality:\n  coverage_production: 90\n',
      'reports/junit.xml': junit(40, 0),
      'coverage/lcov.info': lcov(100, 86),
      'artifacts/adr/ADR-0001.md': FILLED_ADR
    }
    const now = new Date('2026-11-01T12:00:00Z')
    const root = repo(files)
    expect(
      loadGraph(root, '.process/graph.yaml').findings.filter((f) => f.severity === 'error')
    ).toEqual([])

    const staging = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'staging',
      now
    })
    expectValidReport(staging.report)
    expect(staging.report.gates?.[0].requirements.map((r) => [r.id, r.status])).toEqual([
      ['tests', 'passed'],
      ['coverage', 'passed'],
      ['coverage_ratchet', 'passed'],
      ['adr', 'passed'],
      ['privacy', 'passed'],
      ['flaky_budget', 'passed']
    ])
    expect(staging.report.values).toMatchObject({ min_coverage: 80 })

    // Production's threshold comes from the imported nfr file: 86 < 90 fails...
    const production = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'production',
      now
    })
    expect(requirement(production.report, 'G-verify', 'coverage')).toMatchObject({
      status: 'failed',
      check: 'coverage.lines >= nfr.quality.coverage_production'
    })
    expect(production.report.verdict).toBe('failed')

    // ...and the documented waiver, scoped to production, holds it open as waived, not passed.
    const waived = repo({ ...files, '.process/waivers.yaml': example('waivers') })
    const withWaiver = await evaluateGates({
      root: waived,
      graphPath: '.process/graph.yaml',
      stage: 'production',
      now
    })
    expectValidReport(withWaiver.report)
    expect(requirement(withWaiver.report, 'G-verify', 'coverage').status).toBe('waived')
    expect(withWaiver.report.gates?.[0].status).toBe('waived')
    expect(withWaiver.report.verdict).toBe('passed')
    expect(withWaiver.report.waivers?.[0]).toMatchObject({
      state: 'active',
      applied: true,
      approver: 'alice'
    })
  })
})
