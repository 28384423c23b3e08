import { describe, expect, it } from '@jest/globals'
import { emitAnnotations } from '../../shared/annotations.js'
import {
  evaluateGates,
  renderGatesSummary,
  renderTerminalReport
} from '../../shared/gates/index.js'
import { renderGatesSummary as renderPlain } from '../../shared/gates/summary.js'
import type { FlowReport, RequirementResult } from '../../shared/report/types.js'
import { parseAnnotations } from '../helpers/run-action.js'
import { expectValidReport, junit, repo } from './helpers.js'

const MiB = 1024 * 1024
const now = new Date('2026-11-01T12:00:00Z')

async function withTests(xml: string) {
  const root = repo({ 'reports/junit.xml': xml }, 'shop')
  const result = await evaluateGates({
    root,
    graphPath: '.process/graph.yaml',
    stage: 'staging',
    now
  })
  expectValidReport(result.report)
  return result
}

describe('the job summary', () => {
  it('stays under 1 MiB with 10,000 failing tests and still says how many failed', async () => {
    const long = 'assertion failed: '.repeat(40)
    const { report, graph } = await withTests(
      junit(5, 10_000, (i) => `checkout handles case ${i} ${'x'.repeat(200)}`, long)
    )
    const summary = renderGatesSummary(report, graph)
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThan(MiB)
    expect(report.metrics?.['tests.failed']).toBe(10_000)
    expect(report.findingsTotal).toBe(10_000)
    expect(summary).toContain('10000 failed test(s)')
    expect(summary).toContain('<code>tests.failed = 10000</code>')
    expect(summary).toMatch(/_\d+ more not shown: the full list is in the report/)
    expect(
      summary.startsWith('## ❌ Gates failed for <code>staging</code>: <code>G-quality</code>')
    ).toBe(true)
    expect(summary).toContain('```mermaid')
  })

  it('cuts 10,000 failing requirements with huge messages to the byte budget with an "N more" line', () => {
    const requirements: RequirementResult[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: `r${i}`,
      type: 'metric',
      severity: 'fail',
      status: 'failed',
      check: `tests.failed == 0 ${'y'.repeat(150)}`,
      actual: { 'tests.failed': i },
      expected: '== 0',
      message: `${'z'.repeat(3000)} ${i}`,
      evidence: ['reports/junit.xml']
    }))
    const report: FlowReport = {
      version: 1,
      kind: 'gates',
      run: {
        time: now.toISOString(),
        tool: { name: 'flow-actions', version: '1.0.0' },
        stage: 'production'
      },
      verdict: 'failed',
      gates: [{ id: 'G-verify', status: 'failed', requirements }],
      totals: {
        gates: { passed: 0, failed: 1, waived: 0, warned: 0, 'not-evaluated': 0, error: 0 },
        requirements: {
          passed: 0,
          failed: 10_000,
          waived: 0,
          'missing-evidence': 0,
          error: 0,
          skipped: 0
        }
      }
    }
    expectValidReport(report)
    for (const maxRows of [50, 100_000]) {
      const summary = renderPlain(report, { maxRows })
      expect(Buffer.byteLength(summary, 'utf8')).toBeLessThan(MiB)
      expect(summary).toContain('**Requirements:** 10000 failed')
      expect(summary).toMatch(/_\d+ more not shown/)
    }
    const comment = renderPlain(report, { limit: 60_000 })
    expect(comment.length).toBeLessThan(65_536)
  })

  it('keeps its structure whatever test names and messages contain, and mentions nobody', async () => {
    const hostile = [
      '| a | b |\n| --- |',
      '<img src=x onerror=alert(1)> </details> <script>x</script>',
      '@octocat please look',
      '::error::forged annotation',
      '::add-mask::hunter2',
      'line one\nline two\r\n## Heading',
      '```\ncode fence',
      '[link](https://evil.example) **bold** _it_ #123'
    ]
    const benign = hostile.map((_, i) => `plain name ${i}`)
    const hostileRun = await withTests(
      junit(2, hostile.length, (i) => hostile[i], hostile.join(' \n '))
    )
    const benignRun = await withTests(junit(2, benign.length, (i) => benign[i], 'plain message'))
    const shape = (s: string) =>
      s
        .split('\n')
        .map((l) =>
          l.startsWith('|')
            ? `row:${l.split(' | ').length}`
            : l.startsWith('#')
              ? l.replace(/[^#].*/, 'h')
              : l.startsWith('```')
                ? l
                : '.'
        )
    const a = renderGatesSummary(hostileRun.report, hostileRun.graph)
    const b = renderGatesSummary(benignRun.report, benignRun.graph)
    expect(shape(a)).toEqual(shape(b))
    expect(a).not.toMatch(/<img|<script/)
    // The only details blocks are the summary's own (passed gates), each closed once.
    expect(a.split('</details>').length).toBe(b.split('</details>').length)
    expect(a.split('<details>').length).toBe(a.split('</details>').length)
    expect(a).not.toMatch(/@octocat/)
    expect(a).toContain('@\u200doctocat')
    expect(a.split('\n').some((l) => l.startsWith('::'))).toBe(false)

    // Annotations: exactly one workflow command per annotation, none forged from the text.
    const lines: string[] = []
    emitAnnotations(hostileRun.annotations, (l) => lines.push(l))
    const parsed = parseAnnotations(lines.join('\n'))
    expect(parsed).toHaveLength(lines.filter((l) => l.startsWith('::')).length)
    expect(parsed.filter((p) => p.message.startsWith('forged'))).toEqual([])
    expect(lines.every((l) => !l.includes('\n'))).toBe(true)
    // The terminal report keeps every name on its own line.
    const text = renderTerminalReport(hostileRun.report)
    expect(text.split('\n').some((l) => l.startsWith('::') || l.startsWith('## Heading'))).toBe(
      false
    )
  })

  it('lists waived items and waivers expiring within 14 days', async () => {
    const root = repo(
      {
        '.process/waivers.yaml':
          'waivers:\n  - gate: G-quality\n    requirement: coverage\n    reason: "Legacy <b>code</b> @team"\n    approver: alice\n    expires: 2026-11-10\n'
      },
      'shop'
    )
    const { report } = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'production',
      now
    })
    const summary = renderGatesSummary(report)
    expect(summary).toContain('### Waived (not passed)')
    expect(summary).toContain('Legacy &lt;b&gt;code&lt;/b&gt; @\u200dteam')
    expect(summary).toContain('### Waivers expiring within 14 days')
    expect(summary).toMatch(
      /\| <code>G-quality<\/code> \| <code>coverage<\/code> \| 2026\\-11\\-10 \| 9 \| alice \|/
    )
    expect(summary).toContain('🟨 <code>G-quality</code> waived')
  })

  it('the terminal report has no ANSI codes unless asked', async () => {
    const { report } = await withTests(junit(2, 1))
    expect(renderTerminalReport(report)).not.toContain('\u001b[')
    expect(renderTerminalReport(report, { color: true })).toContain('\u001b[31mFAIL\u001b[0m')
    expect(renderTerminalReport(report)).toMatch(/^FAIL gates failed for stage staging\n/)
  })
})
