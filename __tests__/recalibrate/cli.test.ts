import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { CommandContext } from '../../cli/context.js'
import { RECALIBRATE_HELP, recalibrateCommand } from '../../cli/recalibrate.js'
import { fixtureRepo, NOW } from './helpers.js'

function ctx(root: string, flags: Record<string, string>) {
  const out: string[] = []
  const c: CommandContext = {
    root,
    flags,
    positionals: [],
    now: () => NOW,
    out: (l) => out.push(l),
    err: (l) => out.push(`ERR ${l}`)
  }
  return { c, out }
}

describe('flow recalibrate', () => {
  it('prints the proposals and concerns and changes nothing with --dry-run', async () => {
    const root = fixtureRepo()
    const before = readFileSync(path.join(root, '.process/graph.yaml'), 'utf8')
    const { c, out } = ctx(root, { history: 'history', 'dry-run': 'true' })
    expect(await recalibrateCommand(c)).toBe(0)
    const text = out.join('\n')
    expect(text).toContain(
      'tighten .process/graph.yaml G-verify/pass_rate: tests.pass_rate >= 95 → >= 96'
    )
    expect(text).toContain(
      'tighten .process/baseline.json metrics.coverage.branches: coverage.branches >= 70 → >= 72'
    )
    expect(text).toContain(
      'flaky suite › flaky test on 060606060606: failed in run 106#1, passed in run 106#2'
    )
    expect(text).toContain('Deployments: 2 in 30 days; change failure rate 33.3%')
    expect(text).toContain('Dry run: no repository file was changed.')
    expect(readFileSync(path.join(root, '.process/graph.yaml'), 'utf8')).toBe(before)
    expect(existsSync(path.join(root, '.flow/recalibrate/dashboard.html'))).toBe(true)
  })

  it('writes the proposals without --dry-run, and --json gives the whole result', async () => {
    const root = fixtureRepo()
    const { c, out } = ctx(root, { history: 'history', json: 'true' })
    expect(await recalibrateCommand(c)).toBe(0)
    const result = JSON.parse(out.join('\n'))
    expect(result.proposals).toHaveLength(4)
    expect(result.written.changed.sort()).toEqual([
      '.process/baseline.json',
      '.process/graph.yaml',
      'PROGRESS.md'
    ])
    expect(readFileSync(path.join(root, 'PROGRESS.md'), 'utf8')).toMatch(/^# Progress\n/)
  })

  it('needs --history, and its help says so', async () => {
    await expect(recalibrateCommand(ctx(fixtureRepo(), {}).c)).rejects.toThrow(
      '--history DIR is required'
    )
    expect(RECALIBRATE_HELP).toMatch(/^flow recalibrate --history DIR/)
  })
})
