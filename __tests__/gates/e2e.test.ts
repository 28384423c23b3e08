import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot, runBundledAction, type ActionRun } from '../helpers/run-action.js'
import { ADR_TEMPLATE, expectValidReport, lcov, repo } from './helpers.js'

const bundle = path.join(repoRoot, 'dist', 'check-gates', 'index.js')

beforeAll(() => {
  // CI bundles first; a local run of only these tests builds the one bundle it needs.
  if (!existsSync(bundle))
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'bundle.mjs'), 'check-gates'], {
      stdio: 'ignore'
    })
}, 180_000)

async function gates(
  files: Record<string, string>,
  inputs: Record<string, string>,
  base = 'shop'
): Promise<ActionRun & { report: Record<string, unknown> }> {
  const workspace = repo(files, base)
  const run = await runBundledAction('check-gates', {
    workspace,
    inputs: { 'upload-report': 'false', ...inputs }
  })
  expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
  const report = run.outputs.report ? JSON.parse(readFileSync(run.outputs.report, 'utf8')) : {}
  if (run.outputs.report) expectValidReport(report)
  return { ...run, report }
}

const waiver = (expires: string) =>
  `waivers:\n  - gate: G-quality\n    requirement: coverage\n    reason: Legacy checkout code, SHOP-12\n    approver: alice\n    expires: ${expires}\n`
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10)

describe('dist/check-gates under Node 24', () => {
  it('passes the shop at staging', async () => {
    const run = await gates({}, { stage: 'staging' })
    expect(process.versions.node.split('.')[0]).toBe('24')
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({ passed: 'true', 'failed-gates': '' })
    expect(run.outputs['summary-path']).toMatch(/check-gates-staging-summary\.md$/)
    expect(readFileSync(run.outputs['summary-path'], 'utf8')).toBe(run.summary)
    expect(run.summary.split('\n')[0]).toBe('## ✅ Gates passed for <code>staging</code>')
    expect(run.summary).toContain('#### ✅ <code>G-quality</code> passed (3 passed)')
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([])
  })

  it('fails the shop at production with actual vs expected and the file', async () => {
    const run = await gates({}, { stage: 'production' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ passed: 'false', 'failed-gates': 'G-quality' })
    expect(run.summary.split('\n')[0]).toBe(
      '## ❌ Gates failed for <code>production</code>: <code>G-quality</code>'
    )
    expect(run.summary).toContain(
      '| <code>G-quality</code> | <code>coverage.lines &gt;= 90</code> | ❌ failed | coverage\\.lines \\(86 %\\) &gt;= 90 does not hold\\. | <code>coverage/lcov.info</code> |'
    )
    expect(run.summary).toContain(
      '| ❌ failed | <code>coverage.lines &gt;= 90</code> | <code>coverage.lines = 86 %</code> | <code>coverage/lcov.info</code> |'
    )
    const error = run.annotations.find(
      (a) => a.level === 'error' && a.props.file === '.process/graph.yaml'
    )
    expect(error?.message).toBe('coverage.lines (86) >= 90 does not hold.')
    expect(Number(error?.props.line)).toBeGreaterThan(0)
    expect(run.stdout).toContain(
      '::error::check-gates: 1 gate(s) failed for stage production: G-quality.'
    )
  })

  it('shows a waived requirement as waived, not passed, and passes', async () => {
    const run = await gates(
      { '.process/waivers.yaml': waiver(inDays(60)) },
      { stage: 'production' }
    )
    expect(run.exitCode).toBe(0)
    expect(run.outputs.passed).toBe('true')
    expect(run.summary).toContain('### Waived (not passed)')
    expect(run.summary).toContain('#### 🟨 <code>G-quality</code> waived')
    expect(run.summary).toContain('🟨 waived | <code>coverage.lines &gt;= 90</code>')
    expect(
      run.annotations.some(
        (a) => a.level === 'notice' && a.props.title === 'Gate G-quality: coverage waived'
      )
    ).toBe(true)
    expect(
      (run.report.totals as { requirements: Record<string, number> }).requirements.waived
    ).toBe(1)
  })

  it('fails on an expired waiver, naming it', async () => {
    const run = await gates(
      { '.process/waivers.yaml': waiver(inDays(-3)) },
      { stage: 'production' }
    )
    expect(run.exitCode).toBe(1)
    expect(run.outputs['failed-gates']).toBe('G-quality,.process/waivers.yaml')
    expect(run.summary).toContain('Waiver for G\\-quality / coverage is expired: expired on')
    const annotation = run.annotations.find(
      (a) => a.props.file === '.process/waivers.yaml' && a.level === 'error'
    )
    expect(annotation?.props.line).toBe('2')
  })

  it('fails an unfilled ADR template', async () => {
    const run = await gates({ 'artifacts/adr/ADR-0007.md': ADR_TEMPLATE }, { stage: 'staging' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs['failed-gates']).toBe('G-release')
    expect(run.summary).toContain('artifacts/adr/ADR\\-0007\\.md still holds template placeholders')
  })

  it('fails on missing evidence, naming the file in the message', async () => {
    const run = await gates(
      {},
      { stage: 'staging', evidence: 'coverage: build/coverage/lcov.info' }
    )
    expect(run.exitCode).toBe(1)
    const error = run.annotations.find(
      (a) => a.level === 'error' && a.props.title === 'Gate G-quality: coverage missing-evidence'
    )
    expect(error?.message).toContain('build/coverage/lcov.info')
    expect(run.summary).toContain('❓ missing-evidence')
    expect(run.summary).toContain('### Evidence that could not be used')
    expect(run.summary).toContain('<code>build/coverage/lcov.info</code>')
  })

  it('fails a ratchet regression against the committed baseline', async () => {
    const run = await gates({ 'coverage/lcov.info': lcov(1000, 850) }, { stage: 'staging' })
    expect(run.exitCode).toBe(1)
    expect(run.summary).toContain(
      'coverage.lines (85 %) &gt;= baseline.coverage.lines (86.2 %) - 0.5 does not hold.'.replace(
        /[().-]/g,
        (c) => `\\${c}`
      )
    )
    const baseline = run.report.baseline as {
      values: Record<string, number>
      candidates: Array<{ metric: string }>
    }
    expect(baseline.values['coverage.lines']).toBe(86.2)
    expect(baseline.candidates.map((c) => c.metric)).toContain('coverage.lines')
  })

  it('evaluates the seed template and reports configuration errors with exit 1 and no stack', async () => {
    const seed = await gates(
      {},
      { stage: 'production', gates: 'G-design, G-verify' },
      'seed-template'
    )
    expect(seed.exitCode).toBe(0)
    expect(seed.outputs.passed).toBe('true')
    const bad = await gates({}, { stage: 'qa' })
    expect(bad.exitCode).toBe(1)
    expect(bad.outputs.passed).toBe('false')
    expect(bad.stdout).toContain(
      '::error::check-gates: The stage "qa" is not one of the graph\'s stages'
    )
  })

  it('warns and keeps the verdict when the artifact upload fails', async () => {
    const run = await gates({}, { stage: 'staging', 'upload-report': 'true' })
    expect(run.exitCode).toBe(0)
    expect(
      run.annotations.some(
        (a) =>
          a.level === 'warning' &&
          a.message.startsWith('Could not upload the report as an artifact')
      )
    ).toBe(true)
  })
})
