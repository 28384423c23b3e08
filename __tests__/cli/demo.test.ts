import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { main } from '../../cli/main.js'

/**
 * The demo is the first output a newcomer reads (`npm run demo`). Run in-process from source, so it
 * checks this code, not whatever dist/ was last bundled.
 */
describe('flow demo: output people read', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'flow-demo-'))
  const lines: string[] = []
  const run = main(['demo', '--output', outDir], {
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    now: () => new Date('2026-12-01T12:00:00Z')
  })

  it('exits 0 and counts the warn-level miss as warned, never failed', async () => {
    expect(await run).toBe(0)
    const terminal = lines.join('\n')
    const staging = terminal.slice(
      terminal.indexOf('check-gates --stage staging'),
      terminal.indexOf('check-gates --stage production')
    )
    expect(staging).toContain(
      'gates: 2 passed, 1 warned; requirements: 10 passed, 1 warned, 1 skipped'
    )
    expect(staging).toContain('WARN coverage.branches >= 95\n')
    expect(staging.replaceAll('tests.failed', 'tests.x')).not.toMatch(/FAIL|failed/)
  })

  it('shows numbers with at most two decimals and their unit', async () => {
    await run
    const terminal = lines.join('\n')
    expect(terminal).toContain('coverage.branches (91.67 %) >= 95 does not hold.')
    expect(terminal).toContain('coverage.lines (96.61 %) >= 98 does not hold.')
    expect(terminal).toContain('PASS coverage.lines >= 80  (96.61 %)')
    expect(terminal).toMatch(/perf\.checkout\.p95 \d+(\.\d{1,2})? ms/)
    expect(terminal).not.toMatch(/\d\.\d{3,}/)
  })

  it('writes a summary that opens on what to fix, with passed gates folded away', async () => {
    await run
    const summary = readFileSync(path.join(outDir, 'summary.md'), 'utf8')
    const staging = summary.slice(
      summary.indexOf('Gates passed for <code>staging</code>'),
      summary.indexOf('### Process graph')
    )
    expect(staging).toContain('**Requirements:** 10 passed, 1 warned, 1 skipped')
    expect(staging).toContain(
      '| <code>G-verify</code> | <code>coverage.branches &gt;= 95</code> | ⚠️ warned | coverage\\.branches \\(91\\.67 %\\) &gt;= 95 does not hold\\. |'
    )
    expect(staging.replaceAll('tests.failed', 'tests.x')).not.toMatch(/❌|failed/)
    expect(staging).toContain('<code>coverage.lines = 96.61 %</code>')
    expect(staging).toMatch(
      /<details><summary>✅ 2 gate\(s\) passed: <code>G-design<\/code>, <code>G-release<\/code><\/summary>\n\n#### ✅ <code>G-design<\/code> passed \(3 passed\)/
    )
    // What to fix comes before any gate table; the warned gate is shown open, the passed ones folded.
    expect(staging.indexOf('### What to fix')).toBeLessThan(
      staging.indexOf('#### ⚠️ <code>G-verify</code> warned (6 passed, 1 warned)')
    )
    expect(staging.indexOf('#### ⚠️ <code>G-verify</code>')).toBeLessThan(
      staging.indexOf('<details>')
    )
    expect(summary.split('<details>').length).toBe(summary.split('</details>').length)
    expect(summary).toContain('| <code>coverage.lines</code> | 96.5 % | 96.61 % | higher |')
    expect(summary.replace(/```mermaid[\s\S]*?```/g, '')).not.toMatch(/\d\.\d{3,}/)
    // The raw values stay in the JSON report.
    const report = JSON.parse(
      readFileSync(path.join(outDir, 'flow-report-staging.json'), 'utf8')
    ) as { metrics: Record<string, number> }
    expect(report.metrics['coverage.lines']).toBeCloseTo(96.61016949152543, 10)
  })

  it('draws the diagram legend in one row of the colours in use', async () => {
    await run
    const summary = readFileSync(path.join(outDir, 'summary.md'), 'utf8')
    const legend = /subgraph legend\["Legend"\]\n([\s\S]*?)\n {2}end\n/.exec(summary)?.[1] ?? ''
    expect(legend.split('\n').filter((l) => l.includes(':::')).length).toBeLessThanOrEqual(6)
    expect(legend).toContain(
      '    legend_activity ~~~ legend_decision ~~~ legend_calibrate ~~~ legend_passed ~~~ legend_warned'
    )
  })
})
