/**
 * The diagram legend as a reader sees it: rendered by the real mermaid in headless Chromium, its
 * entries share one row and sit above the process, so no edge runs through the legend box (field
 * testing found nine entries stacked in a column as tall as the graph, crossed by an edge).
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { renderMermaid } from '../../shared/diagram/mermaid.js'
import { evaluateGates } from '../../shared/gates/index.js'
import { loadGraph } from '../../shared/graph/index.js'

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

/** Chromium is a system package CI installs (scripts/system-deps.sh); without it this test fails, never skips. */
function chromium(): string {
  for (const name of ['chromium', 'chromium-browser']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim()
  }
  throw new Error(
    'Chromium is not installed: this test renders the diagram headless. Install it with: apt-get update && apt-get install -y chromium'
  )
}

interface Box {
  x: number
  y: number
  width: number
  height: number
}
interface Layout {
  legend: Box
  entries: Box[]
  nodes: Box[]
  edges: Box[]
  error?: string
}

/** Renders mermaid text in a page and returns the laid-out boxes, read back from the DOM. */
function layout(mermaidText: string): Layout {
  const dir = mkdtempSync(path.join(tmpdir(), 'flow-legend-'))
  copyFileSync(
    path.join(repoRoot, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js'),
    path.join(dir, 'mermaid.min.js')
  )
  const measure = `
    const box = (el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height } }
    mermaid.initialize({ startOnLoad: false })
    mermaid.render('d', document.getElementById('src').textContent).then(({ svg }) => {
      document.getElementById('out').innerHTML = svg
      const nodes = [...document.querySelectorAll('#out g.node')]
      const result = {
        legend: box([...document.querySelectorAll('#out g.cluster')].find((c) => c.id.includes('legend')).querySelector('rect')),
        entries: nodes.filter((n) => n.id.includes('legend_')).map(box),
        nodes: nodes.filter((n) => !n.id.includes('legend')).map(box),
        edges: [...document.querySelectorAll('#out .edgePaths path, #out path.flowchart-link')].filter((p) => !p.id.includes('legend')).map(box)
      }
      document.getElementById('result').textContent = JSON.stringify(result)
    }).catch((e) => { document.getElementById('result').textContent = JSON.stringify({ error: String(e) }) })`
  const html = `<!doctype html><html><body style="width:1000px"><pre id="src">${mermaidText.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre><div id="out"></div><pre id="result"></pre><script src="mermaid.min.js"></script><script>${measure}</script></body></html>`
  const file = path.join(dir, 'index.html')
  writeFileSync(file, html)
  const dom = execFileSync(
    chromium(),
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--virtual-time-budget=20000',
      '--window-size=1000,1400',
      '--dump-dom',
      `file://${file}`
    ],
    {
      encoding: 'utf8',
      timeout: 120_000,
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024
    }
  )
  const json = /<pre id="result">([^<]*)<\/pre>/.exec(dom)?.[1]
  if (!json) throw new Error('mermaid did not render the diagram in Chromium')
  return JSON.parse(json.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as Layout
}

describe('the diagram legend in headless Chromium', () => {
  it("takes one row above the example's process, and no edge crosses it", async () => {
    const root = path.join(repoRoot, 'examples')
    const { report } = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'staging',
      now: new Date('2026-12-01T12:00:00Z')
    })
    const { graph } = loadGraph(root, '.process/graph.yaml')
    const result = layout(renderMermaid(graph, report))
    expect(result.error).toBeUndefined()
    // activity, decision, calibrate, gate passed, gate warned: the kinds and colours in use.
    expect(result.entries).toHaveLength(5)
    const rows = new Set(result.entries.map((e) => Math.round(e.y + e.height / 2)))
    expect(rows.size).toBe(1)
    const legendBottom = result.legend.y + result.legend.height
    expect(result.nodes.length).toBe(graph.nodes.length)
    for (const n of result.nodes) expect(n.y).toBeGreaterThanOrEqual(legendBottom)
    for (const e of result.edges) expect(e.y).toBeGreaterThanOrEqual(legendBottom - 1)
  }, 180_000)
})
