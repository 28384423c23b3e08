/**
 * Hostile YAML (alias bombs, 10k-deep nesting, duplicate keys, !!js/function, several documents)
 * in every YAML file a user controls, through the bundled actions and the CLI: a clear error
 * naming the file within a second or two, a non-zero exit, no verdict, nothing executed.
 */
import { describe, expect, it } from '@jest/globals'
import { hostileYaml, runCli, runHostile, shop, failureOf, workspace } from './support.js'

const GRAPH_CASES = hostileYaml('nodes')

describe('hostile graph YAML', () => {
  it.each(GRAPH_CASES)(
    'validate-graph refuses %s with a located error',
    async (_label, yaml, message) => {
      const ws = shop({ '.process/graph.yaml': yaml })
      const run = await runHostile('validate-graph', { workspace: ws })
      expect(run.exitCode).toBe(1)
      expect(run.outputs.valid).toBe('false')
      const finding = run.annotations.find(
        (a) => a.level === 'error' && a.props.file === '.process/graph.yaml'
      )
      expect(finding?.message).toMatch(message)
      expect(run.summary).toContain('Process graph is not valid')
      expect(JSON.parse(run.reportText)).toMatchObject({ kind: 'validation' })
    }
  )

  it.each(GRAPH_CASES)(
    'check-gates refuses %s: passed=false, summary written, no verdict',
    async (_label, yaml, message) => {
      const run = await runHostile('check-gates', {
        workspace: shop({ '.process/graph.yaml': yaml }),
        inputs: { stage: 'staging', 'upload-report': 'false' }
      })
      expect(run.exitCode).toBe(1)
      expect(run.outputs.passed).toBe('false')
      expect(failureOf(run)).toMatch(/^check-gates: \.process\/graph\.yaml/)
      expect(failureOf(run)).toMatch(message)
      expect(run.summary).toContain('check-gates could not evaluate the gates')
    }
  )

  it.each(GRAPH_CASES)(
    'the root verify action refuses %s and evaluates no gate',
    async (_label, yaml, message) => {
      const run = await runHostile('verify', {
        workspace: shop({ '.process/graph.yaml': yaml }),
        inputs: { stage: 'staging', 'upload-report': 'false' }
      })
      expect(run.exitCode).toBe(1)
      expect(run.outputs.valid).toBe('false')
      expect(run.outputs.passed).toBe('false')
      expect(run.annotations.some((a) => a.level === 'error' && message.test(a.message))).toBe(true)
      expect(run.summary).toContain('Gates were not evaluated')
    }
  )

  it.each(GRAPH_CASES)(
    'render-diagram refuses %s and writes no diagram',
    async (_label, yaml, message) => {
      const run = await runHostile('render-diagram', {
        workspace: shop({ '.process/graph.yaml': yaml }),
        inputs: { output: 'docs/process.mmd' }
      })
      expect(run.exitCode).toBe(1)
      expect(failureOf(run)).toMatch(/^render-diagram: \.process\/graph\.yaml/)
      expect(failureOf(run)).toMatch(message)
      expect(run.outputs.path).toBeUndefined()
    }
  )

  it.each(GRAPH_CASES)(
    'flow validate, gates and render refuse %s with exit 2 or 1 and the file named',
    (_label, yaml, message) => {
      const ws = shop({ '.process/graph.yaml': yaml })
      for (const args of [['validate'], ['gates', '--stage', 'staging'], ['render']]) {
        const r = runCli(args, ws)
        expect([1, 2]).toContain(r.status)
        expect(r.stdout + r.stderr).toMatch(message)
        expect(r.stdout + r.stderr).toContain('.process/graph.yaml')
      }
    }
  )
})

describe('hostile waivers YAML', () => {
  it.each(hostileYaml('waivers'))(
    'check-gates refuses a waivers file with %s, naming it',
    async (_label, yaml, message) => {
      const run = await runHostile('check-gates', {
        workspace: shop({ '.process/waivers.yaml': yaml }),
        inputs: { stage: 'staging', 'upload-report': 'false' }
      })
      expect(run.exitCode).toBe(1)
      expect(run.outputs.passed).toBe('false')
      const text = run.stdout + run.summary
      expect(text).toContain('.process/waivers.yaml')
      expect(text).toMatch(message)
    }
  )
})

describe('hostile evidence.yaml', () => {
  it.each(hostileYaml('evidence'))(
    'check-gates refuses .process/evidence.yaml with %s, naming it',
    async (_label, yaml, message) => {
      const run = await runHostile('check-gates', {
        workspace: shop({ '.process/evidence.yaml': yaml }),
        inputs: { stage: 'staging', 'upload-report': 'false' }
      })
      expect(run.exitCode).toBe(1)
      expect(run.outputs.passed).toBe('false')
      const text = run.stdout + run.summary
      expect(text).toContain('.process/evidence.yaml')
      expect(text).toMatch(message)
    }
  )
})

describe('hostile canary probe and metric YAML', () => {
  const base = {
    steps: '50,100',
    'set-weight-command': 'true',
    'promote-command': 'true',
    'rollback-command': 'true',
    'dry-run': 'true'
  }
  it.each(hostileYaml('probes'))(
    'canary-rollout refuses a probes file with %s before any step',
    async (_label, yaml, message) => {
      const run = await runHostile('canary-rollout', {
        workspace: workspace({ 'probes.yml': yaml }),
        inputs: { ...base, 'probes-file': 'probes.yml' }
      })
      expect(run.exitCode).toBe(1)
      expect(failureOf(run)).toMatch(/^canary-rollout: .*probes\.yml/)
      expect(failureOf(run)).toMatch(message)
      expect(run.outputs.decision).not.toBe('promoted')
    }
  )

  it.each(hostileYaml('metrics'))(
    'canary-rollout refuses a metrics file with %s before any step',
    async (_label, yaml, message) => {
      const run = await runHostile('canary-rollout', {
        workspace: workspace({ 'metrics.yml': yaml }),
        inputs: { ...base, 'metrics-file': 'metrics.yml', 'prometheus-url': 'http://127.0.0.1:9' }
      })
      expect(run.exitCode).toBe(1)
      expect(failureOf(run)).toMatch(/^canary-rollout: .*metrics\.yml/)
      expect(failureOf(run)).toMatch(message)
      expect(run.outputs.decision).not.toBe('promoted')
    }
  )
})

describe('__proto__, constructor and prototype keys in YAML', () => {
  it.each(['__proto__', 'constructor', 'prototype'])(
    'validate-graph refuses a graph node with a %s key, at its line',
    async (key) => {
      const graph = `version: 1\nstages: [dev]\nnodes:\n  - id: a\n    kind: activity\n    ${key}:\n      polluted: true\n`
      const run = await runHostile('validate-graph', {
        workspace: workspace({ '.process/graph.yaml': graph })
      })
      expect(run.exitCode).toBe(1)
      const finding = run.annotations.find(
        (a) => a.level === 'error' && a.props.file === '.process/graph.yaml'
      )
      expect(finding?.message).toContain(key)
      expect(finding?.props.line).toBe('6')
    }
  )

  it('check-gates refuses a waivers file with a __proto__ key and passes nothing on it', async () => {
    const waivers =
      'waivers:\n  - __proto__:\n      gate: G-quality\n      requirement: coverage\n    reason: r\n    approver: a\n    expires: 2099-01-01\n'
    const run = await runHostile('check-gates', {
      workspace: shop({ '.process/waivers.yaml': waivers }),
      inputs: { stage: 'production', 'upload-report': 'false' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.passed).toBe('false')
    expect(run.stdout + run.summary).toContain('__proto__')
  })

  it('canary-rollout refuses a probes file with a constructor key', async () => {
    const probes =
      'probes:\n  - name: home\n    url: http://127.0.0.1:9/\n    constructor:\n      prototype: { polluted: true }\n'
    const run = await runHostile('canary-rollout', {
      workspace: workspace({ 'probes.yml': probes }),
      inputs: {
        steps: '50,100',
        'set-weight-command': 'true',
        'promote-command': 'true',
        'rollback-command': 'true',
        'dry-run': 'true',
        'probes-file': 'probes.yml'
      }
    })
    expect(run.exitCode).toBe(1)
    expect(failureOf(run)).toContain('constructor')
    expect(run.outputs.decision).not.toBe('promoted')
  })
})
