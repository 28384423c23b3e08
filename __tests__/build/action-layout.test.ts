import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { repoRoot } from '../helpers/run-action.js'

// `uses: <owner>/flow-actions/<name>@<ref>` resolves to <name>/action.yml at the top level, as
// actions/cache's restore/ and save/ do; the TypeScript stays in actions/<name>/.
const ACTIONS = [
  'validate-graph',
  'check-gates',
  'mutation-gate',
  'canary-rollout',
  'render-diagram',
  'recalibrate'
]

describe('action layout', () => {
  it.each(ACTIONS)(
    '%s/action.yml sits at the top level and runs a file that exists in dist/',
    (name) => {
      const file = path.join(repoRoot, name, 'action.yml')
      expect(existsSync(file)).toBe(true)
      const runs = (parse(readFileSync(file, 'utf8')) as { runs: Record<string, unknown> }).runs
      const targets: string[] = []
      if (runs.using === 'composite') {
        for (const step of runs.steps as { run?: string }[]) {
          const m = /\$GITHUB_ACTION_PATH\/([^"\s]+)/.exec(step.run ?? '')
          if (m) targets.push(m[1])
        }
      } else {
        expect(runs.using).toBe('node24')
        for (const key of ['pre', 'main', 'post'])
          if (typeof runs[key] === 'string') targets.push(runs[key] as string)
      }
      expect(targets.length).toBeGreaterThan(0)
      for (const t of targets) {
        const resolved = path.resolve(path.dirname(file), t)
        expect({
          t,
          inDist: resolved.startsWith(path.join(repoRoot, 'dist') + path.sep),
          exists: existsSync(resolved)
        }).toEqual({ t, inDist: true, exists: true })
      }
    }
  )

  it('keeps exactly one action.yml per action', () => {
    const tracked = execFileSync(
      'git',
      ['ls-files', '--', ':(glob)**/action.yml', ':(glob)**/action.yaml'],
      { cwd: repoRoot, encoding: 'utf8' }
    )
      .split('\n')
      .filter((f) => f && !f.startsWith('__tests__/') && !f.startsWith('examples/'))
      .sort()
    expect(tracked).toEqual(['action.yml', ...ACTIONS.map((n) => `${n}/action.yml`)].sort())
    for (const name of readdirSync(path.join(repoRoot, 'actions')))
      expect(existsSync(path.join(repoRoot, 'actions', name, 'action.yml'))).toBe(false)
  })

  it('no document, workflow or test refers to the old actions/<name> path', () => {
    let out = ''
    try {
      out = execFileSync(
        'git',
        [
          'grep',
          '-n',
          '-e',
          'flow-actions/actions/',
          '--',
          'README.md',
          'docs',
          'workflows',
          '.github'
        ],
        { cwd: repoRoot, encoding: 'utf8' }
      )
    } catch (e) {
      // git grep exits 1 when nothing matches: the outcome wanted.
      if ((e as { status?: number }).status !== 1) throw e
    }
    expect(out).toBe('')
  })
})
