/**
 * Issue 13 item 8: with neither a threshold nor a baseline the mutation gate gates nothing. A 0 %
 * report (2 survived, 1 without coverage) used to read "Mutation gate passed" with no word of
 * warning; now the log and the summary say nothing is gated, and the heading never says "passed".
 */
import { describe, expect, it } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { run } from '../../actions/mutation-gate/main.js'
import { fakeIO, strykerReport, workspace } from './helpers.js'

async function gate(inputs: Record<string, string>) {
  const root = workspace()
  mkdirSync(path.join(root, 'reports'), { recursive: true })
  writeFileSync(
    path.join(root, 'reports/mutation.json'),
    JSON.stringify(
      strykerReport([
        ['src/a.js', 1, 'Survived'],
        ['src/a.js', 2, 'Survived'],
        ['src/a.js', 3, 'NoCoverage']
      ])
    )
  )
  const io = fakeIO(
    {
      report: 'reports/mutation.json',
      tool: 'auto',
      'max-drop': '0',
      'changed-only': 'false',
      incremental: 'false',
      ...inputs
    },
    { RUNNER_TEMP: path.join(root, '..', `${path.basename(root)}-temp`) }
  )
  await run({ io, workspace: root, now: () => new Date('2026-09-01T00:00:00Z') })
  return io
}

describe('mutation-gate without threshold or baseline', () => {
  it('warns in the log and the summary that nothing is gated; a 0 % score never reads as a pass', async () => {
    const io = await gate({ threshold: '', baseline: '' })
    expect(io.outputs.score).toBe('0')
    expect(io.warnings.join('\n')).toMatch(
      /Nothing is gated: neither "threshold" nor "baseline" is set, so this gate passes at any score \(this run: 0%\)/
    )
    expect(io.summary).toContain('Mutation gate not gated')
    expect(io.summary).not.toContain('Mutation gate passed')
    expect(io.summary).toMatch(/:warning: \*\*Nothing is gated/)
  })

  it('with a threshold the same report fails, naming the score (control)', async () => {
    const io = await gate({ threshold: '50', baseline: '' })
    expect(io.outputs.passed).toBe('false')
    expect(io.failures.join()).toMatch(/Mutation score 0% is below the threshold 50%/)
    expect(io.warnings.join('\n')).not.toMatch(/Nothing is gated/)
  })
})
