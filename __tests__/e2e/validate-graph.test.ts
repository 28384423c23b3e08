import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { runBundledAction } from '../helpers/run-action.js'
import { ERROR_CASES, fixtures, workspaceWith } from '../graph/fixtures.js'

describe('dist/validate-graph under Node 24', () => {
  it('passes the seed template with warnings and a summary table', async () => {
    const run = await runBundledAction('validate-graph', {
      workspace: path.join(fixtures, 'seed-template')
    })
    expect(process.versions.node.split('.')[0]).toBe('24')
    expect(run.exitCode).toBe(0)
    expect(run.outputs.valid).toBe('true')
    expect(run.outputs.errors).toBe('0')
    expect(Number(run.outputs.warnings)).toBeGreaterThan(0)
    const target = run.annotations.find(
      (a) => a.level === 'warning' && a.message.includes('"target"')
    )
    expect(target?.props.file).toBe('.process/graph.yaml')
    expect(run.summary).toContain('Process graph is valid')
    const report = JSON.parse(readFileSync(run.outputs.report, 'utf8'))
    expect(report.kind).toBe('validation')
    expect(
      report.validation.findings.some(
        (f: { node?: string; message: string }) =>
          f.node === 'G-verify' && f.message.includes('target')
      )
    ).toBe(true)
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
  })

  it('fails the MaintAInPro graph with located errors and no stack trace', async () => {
    const run = await runBundledAction('validate-graph', {
      workspace: path.join(fixtures, 'seed-maintainpro')
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.valid).toBe('false')
    // GitHub shows 10 error annotations per step, and the step's own failure message is one of them.
    expect(run.annotations.filter((a) => a.level === 'error')).toHaveLength(10)
    const errors = run.annotations.filter((a) => a.level === 'error' && a.props.file)
    expect(errors).toHaveLength(9)
    expect(run.stdout).toMatch(/\d+ more error annotation\(s\) not shown/)
    for (const e of errors) expect(e.props.line).toMatch(/^\d+$/)
    const report = JSON.parse(readFileSync(run.outputs.report, 'utf8'))
    const missing = report.validation.findings.find(
      (f: { code: string; node?: string }) =>
        f.code === 'missing-target' && f.node === 'recalibrate'
    )
    expect(missing.message).toContain('"requirements"')
    expect(missing.line).toBeGreaterThan(100)
    expect(run.summary).toContain('recalibrate')
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
  })

  it('strict turns warnings into a failure', async () => {
    const run = await runBundledAction('validate-graph', {
      workspace: path.join(fixtures, 'seed-template'),
      inputs: { strict: 'true' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.valid).toBe('false')
  })

  it('reports a bad input value as a configuration error naming the action', async () => {
    const run = await runBundledAction('validate-graph', {
      workspace: workspaceWith('nodes: []\n'),
      inputs: { strict: 'maybe' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('::error::validate-graph: Input "strict" must be true or false')
  })

  it('prints each finding as an annotation with file, line and col', async () => {
    const run = await runBundledAction('validate-graph', {
      workspace: workspaceWith('nodes:\n  - id: a\n    kind: activity\n    next: nowhere\n')
    })
    expect(run.stdout).toMatch(
      /::error title=validate-graph%3A missing-target,file=\.process\/graph\.yaml,line=4,col=5::node "a" \(next\) points at "nowhere"/
    )
    const report = JSON.parse(readFileSync(run.outputs.report, 'utf8'))
    expect(report.validation.findings[0]).toMatchObject({
      code: 'missing-target',
      line: 4,
      col: 5,
      node: 'a'
    })
  })
})

describe('dist/validate-graph: one fixture per error class', () => {
  it.each(ERROR_CASES)(
    '%s: an ::error annotation at file, line and col, and the finding in the JSON report',
    async (_name, yaml, code) => {
      const run = await runBundledAction('validate-graph', {
        workspace: workspaceWith(yaml, { 'README.md': '# hi\n' })
      })
      expect(run.exitCode).toBe(1)
      const line = run.stdout
        .split('\n')
        .find((l) => l.startsWith(`::error title=validate-graph%3A ${code},`))
      expect(line).toMatch(
        new RegExp(
          `^::error title=validate-graph%3A ${code},file=\\.process/graph\\.yaml,line=\\d+,col=\\d+::.+`
        )
      )
      const report = JSON.parse(readFileSync(run.outputs.report, 'utf8'))
      const finding = report.validation.findings.find((f: { code: string }) => f.code === code)
      expect(finding).toMatchObject({ severity: 'error', file: '.process/graph.yaml' })
      expect(finding.line).toBeGreaterThanOrEqual(1)
      expect(finding.col).toBeGreaterThanOrEqual(1)
    }
  )
})
