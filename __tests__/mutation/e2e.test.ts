import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { runBundledAction } from '../helpers/run-action.js'
import { validateReport } from '../../shared/report/validate.js'
import { repoRoot, SIXTY_PERCENT, strykerReport, workspace, writeIn } from './helpers.js'

/** dist/mutation-gate under the Node running the tests (Node 24 via npm scripts), as the runner does. */
const bundle = path.join(repoRoot, 'dist', 'mutation-gate', 'index.js')

const MUTANTS = SIXTY_PERCENT
const write = writeIn

describe('dist/mutation-gate end to end', () => {
  beforeAll(() => {
    if (!existsSync(bundle))
      execFileSync(
        process.execPath,
        [path.join(repoRoot, 'scripts', 'bundle.mjs'), 'mutation-gate'],
        { cwd: repoRoot, stdio: 'ignore' }
      )
  }, 180_000)

  it('passes: outputs, summary and a schema-valid report', async () => {
    const root = workspace()
    write(root, 'reports/mutation/mutation.json', JSON.stringify(strykerReport(MUTANTS)))
    const run = await runBundledAction('mutation-gate', {
      workspace: root,
      inputs: { threshold: '60' }
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({
      score: '60',
      killed: '6',
      survived: '3',
      'no-coverage': '1',
      timeout: '0',
      total: '10',
      passed: 'true'
    })
    expect(validateReport(JSON.parse(readFileSync(run.outputs.report, 'utf8')))).toEqual({
      valid: true
    })
    expect(run.summary).toContain('Mutation gate passed')
    expect(run.annotations.filter((a) => a.level === 'warning')).toHaveLength(4)
  })

  it('fails below the threshold with exit code 1', async () => {
    const root = workspace()
    write(root, 'reports/mutation/mutation.json', JSON.stringify(strykerReport(MUTANTS)))
    const run = await runBundledAction('mutation-gate', {
      workspace: root,
      inputs: { threshold: '80' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.passed).toBe('false')
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /Mutation score 60% is below the threshold 80%/
    )
    expect(run.summary).toContain('Mutation gate failed')
  })

  it('fails on a ratchet drop against a baseline file', async () => {
    const root = workspace()
    write(root, 'reports/mutation/mutation.json', JSON.stringify(strykerReport(MUTANTS)))
    write(
      root,
      '.process/baseline.json',
      JSON.stringify({ version: 1, metrics: { 'mutation.score': 65.5 } })
    )
    const run = await runBundledAction('mutation-gate', {
      workspace: root,
      inputs: { baseline: '.process/baseline.json', 'max-drop': '5' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /dropped 5\.5 points below the baseline 65\.5%.*at most 5 allowed/
    )
    const ok = await runBundledAction('mutation-gate', {
      workspace: root,
      inputs: { baseline: '.process/baseline.json', 'max-drop': '6' }
    })
    expect(ok.exitCode).toBe(0)
  })

  it('changed-only on a pull_request event: diffs base...head with git and scores changed lines', async () => {
    const root = workspace()
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: root,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@example.com',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@example.com'
        }
      }).trim()
    git('init', '-q', '-b', 'main')
    const lines = (n: number) =>
      Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n') + '\n'
    write(root, 'src/a.js', lines(5))
    write(root, 'src/b.js', lines(9))
    git('add', '.')
    git('commit', '-q', '-m', 'base')
    const base = git('rev-parse', 'HEAD')
    git('checkout', '-q', '-b', 'feature')
    write(root, 'src/b.js', lines(9) + 'added 10\nadded 11\nadded 12\n')
    git('commit', '-q', '-am', 'change b')
    const head = git('rev-parse', 'HEAD')
    write(root, 'reports/mutation/mutation.json', JSON.stringify(strykerReport(MUTANTS)))
    const run = await runBundledAction('mutation-gate', {
      workspace: root,
      eventName: 'pull_request',
      event: {
        pull_request: { number: 3, base: { sha: base }, head: { sha: head } },
        repository: { default_branch: 'main' }
      },
      inputs: { 'changed-only': 'true', threshold: '50' }
    })
    expect(run.outputs.score).toBe('60')
    expect(run.outputs['changed-score']).toBe('0')
    expect(run.exitCode).toBe(1)
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /Score of mutants on changed lines 0% is below the threshold 50%/
    )
    const warnings = run.annotations.filter((a) => a.level === 'warning')
    expect(warnings.slice(0, 3).map((a) => `${a.props.file}:${a.props.line}`)).toEqual([
      'src/b.js:10',
      'src/b.js:11',
      'src/b.js:12'
    ])
    expect(run.summary).toMatch(/Changed lines: \*\*0%\*\* over 3 mutant/)
  })

  it('changed-only without the base commit (shallow checkout) fails and says to fetch it', async () => {
    const root = workspace()
    execFileSync('git', ['init', '-q'], { cwd: root })
    write(root, 'reports/mutation/mutation.json', JSON.stringify(strykerReport(MUTANTS)))
    const run = await runBundledAction('mutation-gate', {
      workspace: root,
      eventName: 'pull_request',
      event: {
        pull_request: { number: 3, base: { sha: 'a'.repeat(40) }, head: { sha: 'b'.repeat(40) } }
      },
      inputs: { 'changed-only': 'true' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(/fetch-depth: 0/)
  })

  it('merges shard reports from a dot folder (as downloaded artifacts) and gates the result', async () => {
    const root = workspace()
    const first = await (async () => {
      write(
        root,
        'reports/mutation/mutation.json',
        JSON.stringify(strykerReport(MUTANTS.filter(([f]) => f === 'src/a.js')))
      )
      return runBundledAction('mutation-gate', {
        workspace: root,
        inputs: { shard: '{"shard":1,"of":2,"mutate":"src/a.js"}' }
      })
    })()
    expect(first.exitCode).toBe(0)
    write(
      root,
      '.flow-mutation-shards/flow-mutation-shard-1-of-2-1-1/shard-1-of-2.json',
      readFileSync(first.outputs.report, 'utf8')
    )
    const missing = await runBundledAction('mutation-gate', {
      workspace: root,
      inputs: { merge: '.flow-mutation-shards/**/*.json', report: 'reports/merged.json' }
    })
    expect(missing.exitCode).toBe(1)
    expect(missing.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /missing for shard 2 of 2/
    )
    write(
      root,
      'reports/mutation/mutation.json',
      JSON.stringify(strykerReport(MUTANTS.filter(([f]) => f === 'src/b.js')))
    )
    const second = await runBundledAction('mutation-gate', {
      workspace: root,
      inputs: { shard: '2/2' }
    })
    write(
      root,
      '.flow-mutation-shards/flow-mutation-shard-2-of-2-1-1/shard-2-of-2.json',
      readFileSync(second.outputs.report, 'utf8')
    )
    const merged = await runBundledAction('mutation-gate', {
      workspace: root,
      inputs: {
        merge: '.flow-mutation-shards/**/*.json',
        report: 'reports/merged.json',
        threshold: '60'
      }
    })
    expect(merged.exitCode).toBe(0)
    expect(merged.outputs).toMatchObject({ score: '60', total: '10', passed: 'true' })
  })

  it('incremental on a runner without the cache service warns and still gates', async () => {
    const root = workspace()
    write(root, 'reports/mutation/mutation.json', JSON.stringify(strykerReport(MUTANTS)))
    write(root, 'reports/stryker-incremental.json', '{}')
    const run = await runBundledAction('mutation-gate', {
      workspace: root,
      inputs: { incremental: 'true', threshold: '60' }
    })
    expect(run.exitCode).toBe(0)
    expect(
      run.annotations.some((a) => a.level === 'warning' && /incremental: /.test(a.message))
    ).toBe(true)
  })
})
