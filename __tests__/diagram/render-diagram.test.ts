import { describe, it, expect } from '@jest/globals'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { run } from '../../actions/render-diagram/main.js'
import { loadGraph } from '../../shared/graph/index.js'
import { renderMarkdown, renderMermaid } from '../../shared/diagram/mermaid.js'
import { readFlowReport } from '../../shared/diagram/report-file.js'
import { FakeIO } from './fake-io.js'
import { fixtures, mermaidParse, mermaidParseFiles } from './helpers.js'

/** A fresh workspace with a graph (default: the all-kinds fixture) at .process/graph.yaml. */
function workspace(
  graphFixture = 'all-kinds.graph.yaml',
  files: Record<string, string> = {}
): string {
  const root = mkdtempSync(path.join(tmpdir(), 'render-diagram-'))
  mkdirSync(path.join(root, '.process'))
  copyFileSync(path.join(fixtures, graphFixture), path.join(root, '.process', 'graph.yaml'))
  copyFileSync(path.join(fixtures, 'all-statuses.report.json'), path.join(root, 'flow-report.json'))
  copyFileSync(
    path.join(fixtures, 'seed-template.report.json'),
    path.join(root, 'seed-report.json')
  )
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true })
    writeFileSync(path.join(root, name), text)
  }
  return root
}

async function runWith(root: string, inputs: Record<string, string>): Promise<FakeIO> {
  const io = new FakeIO({
    graph: '.process/graph.yaml',
    check: 'false',
    summary: 'true',
    ...inputs
  })
  await run({ io, workspace: root })
  return io
}

function expected(root: string, reportFile?: string) {
  const { graph } = loadGraph(root, '.process/graph.yaml')
  const report = reportFile ? readFlowReport(root, reportFile).report : undefined
  return { graph, report }
}

describe('render-diagram writes the diagram', () => {
  it('writes a .mmd file that the real mermaid parses, coloured from the report, and sets path', async () => {
    const root = workspace()
    const io = await runWith(root, { output: 'docs/process.mmd', report: 'flow-report.json' })
    expect(io.failure).toBeUndefined()
    const file = path.join(root, 'docs', 'process.mmd')
    expect(io.outputs.path).toBe(file)
    const text = readFileSync(file, 'utf8')
    const { graph, report } = expected(root, 'flow-report.json')
    expect(text).toBe(renderMermaid(graph, report))
    const [parsed] = mermaidParse([{ name: 'written', text }])
    expect(parsed.ok).toBe(true)
    const classes = new Map((parsed.nodes ?? []).map((n) => [n.id, n.classes]))
    expect(classes.get('n_G_design')).toEqual(['passed'])
    expect(classes.get('n_G_verify')).toEqual(['failed'])
    expect(classes.get('n_G_security')).toEqual(['waived'])
    expect(classes.get('n_G_perf')).toEqual(['warned'])
    expect(classes.get('n_G_release')).toEqual(['notEvaluated'])
    expect(classes.get('n_recalibrate')).toEqual(['calibrate'])
    expect(io.log.join('\n')).toContain(
      'Gates in the report but not in the graph (not drawn): G-retired.'
    )
  })

  it('writes markdown for .md, with the title as heading, and the summary holds the same diagram', async () => {
    const root = workspace('seed-template.graph.yaml')
    const io = await runWith(root, {
      output: 'PROCESS.md',
      report: 'seed-report.json',
      title: 'Our process',
      direction: 'LR'
    })
    expect(io.failure).toBeUndefined()
    const text = readFileSync(path.join(root, 'PROCESS.md'), 'utf8')
    const { graph, report } = expected(root, 'seed-report.json')
    expect(text).toBe(renderMarkdown(graph, report, { title: 'Our process', direction: 'LR' }))
    expect(text.startsWith('### Our process\n')).toBe(true)
    expect(text).toContain('```mermaid\nflowchart LR\n')
    expect(io.summary).toBe(text)
    const parsed = mermaidParseFiles([path.join(root, 'PROCESS.md')])
    expect(parsed.status).toBe(0)
  })

  it('writes only the summary without output, and nothing at all with summary false', async () => {
    const root = workspace()
    const io = await runWith(root, {})
    expect(io.failure).toBeUndefined()
    expect(io.outputs.path).toBe('')
    expect(io.summary).toContain('```mermaid\nflowchart TD\n')
    expect(io.summary).toContain('Gates are not coloured: no flow report was given.')
    const quiet = await runWith(root, { summary: 'false', output: 'x.mmd' })
    expect(quiet.summary).toBe('')
    expect(readFileSync(path.join(root, 'x.mmd'), 'utf8').startsWith('flowchart TD\n')).toBe(true)
  })

  it('warns about, and draws, nodes that transitions name but the graph does not define', async () => {
    const root = workspace('seed-maintainpro.graph.yaml')
    const io = await runWith(root, { output: 'graph.mmd' })
    expect(io.failure).toBeUndefined()
    expect(io.warnings.map((w) => w.message)).toContainEqual(
      expect.stringContaining('not defined: requirements')
    )
    expect(io.warnings.map((w) => w.message)).toContainEqual(
      expect.stringContaining('1 schema error(s)')
    )
    expect(readFileSync(path.join(root, 'graph.mmd'), 'utf8')).toContain(
      'n_requirements["requirements (missing)"]'
    )
    expect(io.summary).toContain(
      '**Missing:** 1 node referenced but not defined: <code>requirements</code>'
    )
  })
})

describe('check mode', () => {
  it('passes on a fresh committed file and does not rewrite it', async () => {
    const root = workspace()
    const first = await runWith(root, { output: 'docs/process.md', report: 'flow-report.json' })
    expect(first.failure).toBeUndefined()
    const file = path.join(root, 'docs', 'process.md')
    const before = readFileSync(file, 'utf8')
    const io = await runWith(root, {
      output: 'docs/process.md',
      report: 'flow-report.json',
      check: 'true'
    })
    expect(io.failure).toBeUndefined()
    expect(io.log).toContain('docs/process.md is up to date.')
    expect(io.outputs.path).toBe(file)
    expect(readFileSync(file, 'utf8')).toBe(before)
  })

  it('accepts a CRLF checkout of a fresh file', async () => {
    const root = workspace()
    await runWith(root, { output: 'process.mmd' })
    const file = path.join(root, 'process.mmd')
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n/g, '\r\n'))
    const io = await runWith(root, { output: 'process.mmd', check: 'true' })
    expect(io.failure).toBeUndefined()
  })

  it('fails on a stale committed file with a unified diff in the log, leaving the file alone', async () => {
    const root = workspace()
    await runWith(root, { output: 'process.mmd' })
    const file = path.join(root, 'process.mmd')
    const graphFile = path.join(root, '.process', 'graph.yaml')
    writeFileSync(
      graphFile,
      readFileSync(graphFile, 'utf8').replace('when: "risk <= 2"', 'when: "risk <= 3"')
    )
    const stale = readFileSync(file, 'utf8')
    const io = await runWith(root, { output: 'process.mmd', check: 'true' })
    expect(io.failure).toMatch(
      /^render-diagram: process\.mmd is stale: it differs from the diagram \.process\/graph\.yaml draws now/
    )
    expect(readFileSync(file, 'utf8')).toBe(stale)
    const log = io.log.join('\n')
    expect(log).toContain('--- a/process.mmd\n+++ b/process.mmd\n@@ ')
    expect(log).toContain(
      '\n-  n_choose -->|"risk #lt;= 2"| n_G_design\n+  n_choose -->|"risk #lt;= 3"| n_G_design\n'
    )
    // the diff is fenced from workflow commands
    const stop = io.log.find((l) => l.startsWith('::stop-commands::')) as string
    expect(io.log).toContain(`::${stop.slice('::stop-commands::'.length)}::`)
  })

  it('fails when a report changes the colours of a committed uncoloured diagram', async () => {
    const root = workspace()
    await runWith(root, { output: 'process.md' })
    const io = await runWith(root, {
      output: 'process.md',
      report: 'flow-report.json',
      check: 'true'
    })
    expect(io.failure).toContain('process.md is stale')
    expect(io.log.join('\n')).toContain('+  class n_G_design passed')
  })

  it('fails when the committed file does not exist', async () => {
    const root = workspace()
    const io = await runWith(root, { output: 'docs/missing.mmd', check: 'true' })
    expect(io.failure).toContain('docs/missing.mmd does not exist')
    expect(io.log.join('\n')).toContain('+++ b/docs/missing.mmd')
  })

  it('needs an output to check', async () => {
    const io = await runWith(workspace(), { check: 'true' })
    expect(io.failure).toContain('"check" is true but "output" is empty')
  })
})

describe('bad input', () => {
  it.each([
    [{ output: 'diagram.svg' }, 'must end in .mmd'],
    [{ output: '../outside.mmd' }, 'outside the workspace'],
    [{ output: '/etc/diagram.mmd' }, 'outside the workspace'],
    [{ report: '../flow-report.json' }, 'outside the workspace'],
    [{ report: 'nope.json' }, 'The report file nope.json cannot be read'],
    [{ graph: 'missing.yaml' }, 'missing.yaml'],
    [{ check: 'yes' }, 'Input "check" must be true or false'],
    [{ direction: 'BT' }, 'Input "direction" must be one of TD, LR']
  ])('%j fails with a clear message', async (inputs, message) => {
    const io = await runWith(workspace(), inputs as Record<string, string>)
    expect(io.failure).toContain(message)
    expect(io.failure).toMatch(/^render-diagram: /)
    expect(io.failure).not.toMatch(/\n\s+at /)
  })

  it('refuses a report reached through a symlink out of the workspace', async () => {
    const root = workspace()
    const outside = mkdtempSync(path.join(tmpdir(), 'outside-'))
    writeFileSync(path.join(outside, 'r.json'), '{"version":1,"gates":[]}')
    symlinkSync(path.join(outside, 'r.json'), path.join(root, 'link.json'))
    const io = await runWith(root, { report: 'link.json' })
    expect(io.failure).toContain('symbolic link')
  })

  it.each([
    ['{"version": 1, "gates": [', 'is not valid JSON'],
    ['[]', 'must hold a JSON object'],
    ['{"version": 2, "gates": []}', 'has version 2'],
    ['{"version": 1, "gates": {"G": "passed"}}', '"gates" must be a list'],
    ['{"version": 1, "gates": [{"id": 3, "status": "passed"}]}', 'gates[0] must be an object']
  ])('a report of %s is a configuration error naming the file', async (text, message) => {
    const root = workspace('all-kinds.graph.yaml', { 'bad-report.json': text })
    const io = await runWith(root, { report: 'bad-report.json' })
    expect(io.failure).toContain('bad-report.json')
    expect(io.failure).toContain(message)
  })

  it('ignores __proto__ keys in a report', () => {
    const root = workspace('all-kinds.graph.yaml', {
      'proto.json':
        '{"version":1,"__proto__":{"polluted":true},"gates":[{"id":"G-design","status":"passed","__proto__":{"status":"failed"}}]}'
    })
    const { report } = readFlowReport(root, 'proto.json')
    expect(Object.prototype.hasOwnProperty.call(report, '__proto__')).toBe(false)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(report.gates?.[0].status).toBe('passed')
    expect(Object.getPrototypeOf(report.gates?.[0])).toBe(Object.prototype)
  })

  it('colours hostile report ids and unknown statuses safely', async () => {
    const root = workspace('all-kinds.graph.yaml', {
      'hostile.json': JSON.stringify({
        version: 1,
        gates: [
          { id: 'G-design', status: 'exploded' },
          { id: '"]; click n_plan alert', status: 'passed' }
        ]
      })
    })
    const io = await runWith(root, { report: 'hostile.json', output: 'h.mmd' })
    expect(io.failure).toBeUndefined()
    const text = readFileSync(path.join(root, 'h.mmd'), 'utf8')
    expect(text).not.toContain('click')
    const [parsed] = mermaidParse([{ name: 'h', text }])
    expect(parsed.nodes?.find((n) => n.id === 'n_G_design')?.classes).toEqual(['notEvaluated'])
    expect(io.warnings.map((w) => w.message)).toContainEqual(
      expect.stringContaining('1 gate(s) have a status this version does not know (exploded)')
    )
  })
})
