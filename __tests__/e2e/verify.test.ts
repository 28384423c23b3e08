import { describe, expect, it } from '@jest/globals'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { validateReport } from '../../shared/report/validate.js'
import { mermaidParse } from '../diagram/helpers.js'
import { repoRoot, runBundledAction } from '../helpers/run-action.js'
import { workspaceWith } from '../graph/fixtures.js'

/** A private copy of the example repository, so runs can write into it. */
function example(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'flow-example-'))
  cpSync(path.join(repoRoot, 'examples'), dir, { recursive: true })
  return dir
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/)

describe('the root action (dist/verify) under Node 24', () => {
  it('passes the example for staging: valid graph, gates passed, coloured diagram written', async () => {
    const workspace = example()
    const run = await runBundledAction('verify', {
      workspace,
      inputs: { stage: 'staging', 'upload-report': 'false', diagram: 'process.mmd' }
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({
      valid: 'true',
      errors: '0',
      passed: 'true',
      'failed-gates': ''
    })
    const report = JSON.parse(readFileSync(run.outputs.report, 'utf8'))
    expect(validateReport(report)).toEqual({ valid: true })
    expect(report.run.stage).toBe('staging')
    expect(report.verdict).toBe('passed')
    expect(run.summary).toContain('Process graph is valid')
    expect(run.summary).toContain('```mermaid')
    const diagram = readFileSync(run.outputs['diagram-path'], 'utf8')
    expect(diagram).toContain('flowchart')
    expect(mermaidParse([{ name: 'example coloured by staging', text: diagram }])[0].ok).toBe(true)
    noStack(run.stdout)
  })

  it('fails the example for production with reasons a reader can act on', async () => {
    const run = await runBundledAction('verify', {
      workspace: example(),
      inputs: { stage: 'production', 'upload-report': 'false' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.valid).toBe('true')
    expect(run.outputs.passed).toBe('false')
    expect(run.outputs['failed-gates'].split(',').sort()).toEqual(['G-release', 'G-verify'])
    expect(run.summary).toContain('coverage.lines')
    expect(run.summary).toContain('PLAN-0001.md')
    expect(run.summary).toMatch(/approved/)
    const errors = run.annotations.filter((a) => a.level === 'error')
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.length).toBeLessThanOrEqual(10)
    noStack(run.stdout)
  })

  it('stops before the gates when the graph is not valid, and says so', async () => {
    const run = await runBundledAction('verify', {
      workspace: workspaceWith('nodes:\n  - id: a\n    kind: activity\n    next: nowhere\n'),
      inputs: { stage: 'dev', 'upload-report': 'false' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.valid).toBe('false')
    expect(run.outputs.passed).toBe('false')
    expect(run.outputs.report).toBeUndefined()
    expect(run.summary).toContain('Gates were not evaluated')
    expect(run.stdout).toMatch(
      /::error title=validate-graph%3A missing-target,file=\.process\/graph\.yaml,line=4,col=5::/
    )
  })

  it('feeds a real Stryker report to check-gates as mutation.* metrics', async () => {
    const workspace = example()
    cpSync(
      path.join(
        repoRoot,
        '__tests__',
        'fixtures',
        'evidence',
        'compat-mutation',
        'simple-example_mutation-report.json'
      ),
      path.join(workspace, 'reports', 'mutation.json')
    )
    const graph = readFileSync(path.join(workspace, '.process', 'graph.yaml'), 'utf8')
      .replace(
        '  perf: reports/perf.json\n',
        '  perf: reports/perf.json\n  mutation: reports/mutation.json\n'
      )
      .replace(
        '      - id: latency\n',
        '      - id: mutants\n        metric: mutation.score >= 99.9\n      - id: latency\n'
      )
    writeFileSync(path.join(workspace, '.process', 'graph.yaml'), graph)
    const run = await runBundledAction('check-gates', {
      workspace,
      inputs: { stage: 'staging', 'upload-report': 'false' }
    })
    const report = JSON.parse(readFileSync(run.outputs.report, 'utf8'))
    const { calculateMetrics } = await import('mutation-testing-metrics')
    const expected = calculateMetrics(
      JSON.parse(readFileSync(path.join(workspace, 'reports', 'mutation.json'), 'utf8')).files
    ).metrics.mutationScore
    expect(report.metrics['mutation.score']).toBeCloseTo(expected, 6)
    const mutants = report.gates
      .find((g: { id: string }) => g.id === 'G-verify')
      .requirements.find((r: { id: string }) => r.id === 'mutants')
    expect(mutants.status).toBe(expected >= 99.9 ? 'passed' : 'failed')
    expect(run.outputs.passed).toBe(expected >= 99.9 ? 'true' : 'false')
  })
})
