/**
 * The bundled action (dist/canary-rollout, Node 24) run exactly as the runner runs it, against
 * the fixture service on loopback: dry run, a real rollout, SIGTERM in the middle of a step,
 * and the post step. Build it with `node scripts/bundle.mjs canary-rollout canary-rollout/post`.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runBundledAction } from '../helpers/run-action.js'
import { startService, waitFor, type RunningService } from './support/processes.js'

let service: RunningService

beforeAll(async () => {
  service = await startService('canary', { loadRps: 5 })
})
afterAll(async () => {
  await service?.stop()
})

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'canary-e2e-'))
  writeFileSync(
    path.join(dir, 'probes.yml'),
    `probes:\n  - name: home\n    url: ${service.url}/\n    timeout: 1s\n    expect: { status: [200], body-contains: '"status":"ok"' }\n`
  )
  return dir
}

const commands = (dir: string) => ({
  'set-weight-command': `echo "$CANARY_STEP $CANARY_WEIGHT" >> "${dir}/weights.log"`,
  'promote-command': `echo promoted >> "${dir}/promote.log"`,
  'rollback-command': `date +%s%3N >> "${dir}/rollback.log"`
})

describe('dist/canary-rollout end to end', () => {
  it('dry run: probes and decisions, no platform command', async () => {
    const dir = workspace()
    const r = await runBundledAction('canary-rollout', {
      workspace: dir,
      inputs: {
        steps: '50,100',
        'step-duration': '1s',
        interval: '500ms',
        'probes-file': 'probes.yml',
        'dry-run': 'true',
        ...commands(dir)
      }
    })
    expect(r.stderr).toBe('')
    expect(r.exitCode).toBe(0)
    expect(r.outputs).toMatchObject({
      decision: 'promoted',
      'final-weight': '100',
      'failed-checks': '[]',
      report: 'flow-rollout-report.json'
    })
    expect(r.stdout).toMatch(/set-weight: dry run: not run \(CANARY_WEIGHT=50, CANARY_STEP=1\)/)
    expect(existsSync(path.join(dir, 'weights.log'))).toBe(false)
    expect(existsSync(path.join(dir, 'promote.log'))).toBe(false)
    expect(r.summary).toContain('promoted \\(dry run\\)')
    const report = JSON.parse(readFileSync(path.join(dir, 'flow-rollout-report.json'), 'utf8'))
    expect(report).toMatchObject({
      kind: 'rollout',
      version: 1,
      verdict: 'passed',
      rollout: { dryRun: true, decision: 'promoted' }
    })
    expect(r.state['canary-dry-run']).toBe('true')
  })

  it('a real rollout against the local service is promoted', async () => {
    const dir = workspace()
    const r = await runBundledAction('canary-rollout', {
      workspace: dir,
      inputs: {
        steps: '10,50,100',
        'step-duration': '1s',
        interval: '500ms',
        'probes-file': 'probes.yml',
        environment: 'production',
        ...commands(dir)
      }
    })
    expect(r.exitCode).toBe(0)
    expect(r.outputs.decision).toBe('promoted')
    expect(readFileSync(path.join(dir, 'weights.log'), 'utf8')).toBe('1 10\n2 50\n3 100\n')
    expect(readFileSync(path.join(dir, 'promote.log'), 'utf8')).toBe('promoted\n')
    expect(r.stdout).toMatch(/::group::set-weight: echo/)
    expect(r.state['canary-phase']).toBe('finished')
    const report = JSON.parse(readFileSync(path.join(dir, 'flow-rollout-report.json'), 'utf8'))
    expect(report.run).toMatchObject({ repository: 'octo/example', stage: 'production' })
    expect(report.rollout.appliedWeights.map((w: { weight: number }) => w.weight)).toEqual([
      10, 50, 100
    ])
  })

  it('fails with a configuration error naming the action, never a stack trace', async () => {
    const dir = workspace()
    const r = await runBundledAction('canary-rollout', {
      workspace: dir,
      inputs: { steps: '10,50', 'probes-file': 'probes.yml' }
    })
    expect(r.exitCode).toBe(1)
    expect(r.annotations[0]).toMatchObject({
      level: 'error',
      message: expect.stringMatching(/^canary-rollout: Input "set-weight-command" is required/)
    })
    expect(r.stdout).not.toMatch(/at .*\.js:\d+/)
  })

  // A 10-minute step: only the signal can end this run before jest's timeout, which is the hang bound.
  it('SIGTERM in the middle of a step runs the rollback command and exits non-zero', async () => {
    const dir = workspace()
    let signalledAt = 0
    let exitedAt = 0
    const r = await runBundledAction('canary-rollout', {
      workspace: dir,
      inputs: {
        steps: '25,50,100',
        'step-duration': '10m',
        interval: '500ms',
        'probes-file': 'probes.yml',
        ...commands(dir)
      },
      onSpawn: (child) => {
        child.once('exit', () => (exitedAt = Date.now()))
        void waitFor(
          'step 1',
          async () =>
            existsSync(path.join(dir, 'weights.log')) &&
            readFileSync(path.join(dir, 'weights.log'), 'utf8').includes('1 25')
              ? true
              : undefined,
          20_000,
          50
        ).then(async () => {
          await new Promise((res) => setTimeout(res, 700))
          signalledAt = Date.now()
          child.kill('SIGTERM')
        })
      }
    })
    expect(r.exitCode).not.toBe(0)
    expect(r.outputs.decision).toBe('aborted')
    expect(r.outputs['final-weight']).toBe('0')
    const rolledBackAt = Number(readFileSync(path.join(dir, 'rollback.log'), 'utf8').trim())
    console.log(
      `canary: SIGTERM -> rollback command started after ${rolledBackAt - signalledAt} ms, process exited after ${exitedAt - signalledAt} ms`
    )
    // The rollback ran because of the signal, and the rollout never reached its second step.
    expect(rolledBackAt).toBeGreaterThanOrEqual(signalledAt)
    expect(exitedAt).toBeGreaterThanOrEqual(rolledBackAt)
    expect(readFileSync(path.join(dir, 'weights.log'), 'utf8')).not.toContain('2 50')
    expect(existsSync(path.join(dir, 'promote.log'))).toBe(false)
    expect(r.summary).toMatch(/aborted/)
    expect(r.state['canary-phase']).toBe('finished')
  })

  it('the post step rolls back when the saved state says the rollout did not finish, and only then', async () => {
    const dir = workspace()
    const inputs = { steps: '25,50', ...commands(dir) }
    const done = await runBundledAction('canary-rollout/post', {
      workspace: dir,
      inputs,
      state: { 'canary-phase': 'finished', 'canary-weight': '0' }
    })
    expect(done.exitCode).toBe(0)
    expect(existsSync(path.join(dir, 'rollback.log'))).toBe(false)
    const killed = await runBundledAction('canary-rollout/post', {
      workspace: dir,
      inputs,
      state: { 'canary-phase': 'running', 'canary-weight': '50', 'canary-step': '2' }
    })
    expect(killed.exitCode).toBe(0)
    expect(readFileSync(path.join(dir, 'rollback.log'), 'utf8').trim().split('\n')).toHaveLength(1)
    expect(killed.summary).toMatch(/rolled back by the post step/)
    expect(killed.state['canary-phase']).toBe('finished')
  })

  it('the post step reports a failing rollback loudly', async () => {
    const dir = workspace()
    const r = await runBundledAction('canary-rollout/post', {
      workspace: dir,
      inputs: {
        steps: '25,50',
        'rollback-command': `echo x >> "${dir}/attempts"; exit 1`,
        'rollback-attempts': '2',
        'rollback-backoff': '100ms'
      },
      state: { 'canary-phase': 'rollback-failed', 'canary-weight': '50', 'canary-step': '2' }
    })
    expect(r.exitCode).toBe(1)
    expect(readFileSync(path.join(dir, 'attempts'), 'utf8')).toBe('x\nx\n')
    expect(r.summary).toMatch(/traffic state unknown/)
    expect(r.summary).toMatch(/\*\*50%\*\*/)
    expect(
      r.annotations.some(
        (a) =>
          a.level === 'error' &&
          /Traffic state is unknown; the last weight applied was 50%/.test(a.message)
      )
    ).toBe(true)
  })
})
