import { describe, expect, it } from '@jest/globals'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runBundledAction } from '../helpers/run-action.js'
import { fixtures, mermaidParseFiles } from './helpers.js'

function workspace(graph = 'seed-template.graph.yaml'): string {
  const root = mkdtempSync(path.join(tmpdir(), 'render-diagram-e2e-'))
  mkdirSync(path.join(root, '.process'))
  copyFileSync(path.join(fixtures, graph), path.join(root, '.process', 'graph.yaml'))
  copyFileSync(
    path.join(fixtures, 'seed-template.report.json'),
    path.join(root, 'flow-report.json')
  )
  return root
}

const stackTrace = /\n\s+at .+:\d+:\d+/

describe('dist/render-diagram under Node 24', () => {
  it('writes the coloured seed-template diagram, sets path and fills the summary', async () => {
    const root = workspace()
    const run = await runBundledAction('render-diagram', {
      workspace: root,
      inputs: { output: 'docs/process.md', report: 'flow-report.json' }
    })
    expect(process.versions.node.split('.')[0]).toBe('24')
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    const file = path.join(root, 'docs', 'process.md')
    expect(run.outputs.path).toBe(file)
    const written = readFileSync(file, 'utf8')
    expect(written).toContain('n_G_verify{{"G-verify<br/>failed"}}')
    expect(run.summary).toBe(written)
    expect(mermaidParseFiles([file]).status).toBe(0)
  })

  it('check passes on the fresh file and fails on a stale one with a diff', async () => {
    const root = workspace()
    await runBundledAction('render-diagram', { workspace: root, inputs: { output: 'process.mmd' } })
    const fresh = await runBundledAction('render-diagram', {
      workspace: root,
      inputs: { output: 'process.mmd', check: 'true' }
    })
    expect(fresh.exitCode).toBe(0)
    expect(fresh.stdout).toContain('process.mmd is up to date.')

    writeFileSync(
      path.join(root, 'process.mmd'),
      readFileSync(path.join(root, 'process.mmd'), 'utf8').replace('n_N_fix', 'n_N_old')
    )
    const stale = await runBundledAction('render-diagram', {
      workspace: root,
      inputs: { output: 'process.mmd', check: 'true', summary: 'false' }
    })
    expect(stale.exitCode).toBe(1)
    expect(stale.summary).toBe('')
    expect(stale.stdout).toContain('--- a/process.mmd')
    expect(stale.stdout).toMatch(/^-.*n_N_old/m)
    expect(stale.stdout).toMatch(/^\+.*n_N_fix/m)
    const errors = stale.annotations.filter((a) => a.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toContain('process.mmd is stale')
    expect(stale.stdout + stale.stderr).not.toMatch(stackTrace)
  })

  it('fails cleanly on a bad report, without a stack trace', async () => {
    const root = workspace('seed-maintainpro.graph.yaml')
    writeFileSync(path.join(root, 'flow-report.json'), '{ not json')
    const run = await runBundledAction('render-diagram', {
      workspace: root,
      inputs: { report: 'flow-report.json' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /^render-diagram: The report file flow-report\.json is not valid JSON/
    )
    expect(run.stdout + run.stderr).not.toMatch(stackTrace)
  })

  it('warns about the MaintAInPro phantom node and still draws it', async () => {
    const root = workspace('seed-maintainpro.graph.yaml')
    const run = await runBundledAction('render-diagram', {
      workspace: root,
      inputs: { output: 'g.mmd' }
    })
    expect(run.exitCode).toBe(0)
    expect(
      run.annotations.some(
        (a) => a.level === 'warning' && a.message.includes('not defined: requirements')
      )
    ).toBe(true)
    expect(mermaidParseFiles([path.join(root, 'g.mmd')]).results[0].ok).toBe(true)
  })
})
