#!/usr/bin/env node
// Parses mermaid texts with the real `mermaid` package under Node, using jsdom for the browser
// globals mermaid expects (DOMPurify needs a window). Prints one JSON array with a result per input:
//   [{ "input": "<path or index>", "ok": true, "type": "flowchart-v2" }, { "input": …, "ok": false, "error": "…" }]
//
// Usage:
//   node scripts/mermaid-parse.mjs file1.mmd file2.md …    (a .md file: every ```mermaid block is parsed)
//   echo '["flowchart TD\n a --> b", "xychart-beta\n …"]' | node scripts/mermaid-parse.mjs
//   echo '[{"name": "x", "text": "flowchart TD …"}]' | node scripts/mermaid-parse.mjs
// For flowcharts the result also carries what mermaid understood, with labels decoded as the
// renderer shows them (entity codes resolved, <br> as a newline), so tests can check that escaped
// text came through intact and that no label injected a node or an edge:
//   "nodes": [{ "id", "label", "shape", "classes" }], "edges": [{ "from", "to", "label" }],
//   "subgraphs": [{ "id", "label", "nodes" }]
// Exit code: 0 when every input parsed, 1 when one did not, 2 on a usage error.
import { readFileSync } from 'node:fs'
import { JSDOM } from 'jsdom'

const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true })
const g = globalThis
for (const key of [
  'window',
  'document',
  'navigator',
  'Element',
  'HTMLElement',
  'SVGElement',
  'Node',
  'DocumentFragment',
  'DOMParser',
  'MutationObserver'
]) {
  if (!(key in g) || g[key] === undefined) {
    try {
      Object.defineProperty(g, key, {
        value: key === 'window' ? dom.window : dom.window[key],
        configurable: true,
        writable: true
      })
    } catch {
      /* some globals (navigator in Node 21+) are read-only getters: keep Node's */
    }
  }
}

// mermaid logs parse errors to the console on its own; keep stdout for the JSON result only.
const quiet = () => undefined
console.log = quiet
console.info = quiet
console.warn = quiet
console.debug = quiet
console.error = quiet

const { default: mermaid } = await import('mermaid')
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' })

/**
 * Label text as the rendered diagram shows it. mermaid encodes `#name;` / `#123;` entity codes as
 * private markers before parsing and turns them into HTML entities when it renders; a textarea
 * decodes entities without interpreting any markup.
 */
const decoder = dom.window.document.createElement('textarea')
function displayText(text) {
  if (typeof text !== 'string') return text
  const html = text
    .replace(/ﬂ°°/g, '&#')
    .replace(/ﬂ°/g, '&')
    .replace(/¶ß/g, ';')
    .replace(/<br\s*\/?>/gi, '\n')
  decoder.innerHTML = html
  return decoder.value
}

async function flowchartStructure(text) {
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text)
  const db = diagram.db
  return {
    nodes: [...db.getVertices().values()].map((v) => ({
      id: v.id,
      label: displayText(v.text),
      shape: v.type,
      classes: v.classes
    })),
    edges: db.getEdges().map((e) => ({ from: e.start, to: e.end, label: displayText(e.text) })),
    subgraphs: db
      .getSubGraphs()
      .map((g) => ({ id: g.id, label: displayText(g.title), nodes: g.nodes }))
  }
}

/** Every ```mermaid fenced block in a markdown text. */
function mermaidBlocks(markdown) {
  const blocks = []
  const re = /^```mermaid[ \t]*\n([\s\S]*?)^```[ \t]*$/gm
  let m
  while ((m = re.exec(markdown)) !== null) blocks.push(m[1])
  return blocks
}

async function readStdin() {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

const inputs = []
const args = process.argv.slice(2)
if (args.length > 0) {
  for (const file of args) {
    const text = readFileSync(file, 'utf8')
    if (/\.(md|markdown)$/i.test(file)) {
      const blocks = mermaidBlocks(text)
      if (blocks.length === 0) inputs.push({ input: file, text: '', missing: true })
      blocks.forEach((block, i) =>
        inputs.push({ input: blocks.length > 1 ? `${file}#${i + 1}` : file, text: block })
      )
    } else {
      inputs.push({ input: file, text })
    }
  }
} else {
  let parsed
  try {
    parsed = JSON.parse(await readStdin())
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: `stdin is not JSON: ${error.message}` })}\n`)
    process.exit(2)
  }
  if (!Array.isArray(parsed)) parsed = [parsed]
  parsed.forEach((item, i) => {
    if (typeof item === 'string') inputs.push({ input: String(i), text: item })
    else if (item && typeof item.text === 'string')
      inputs.push({ input: String(item.name ?? i), text: item.text })
    else inputs.push({ input: String(i), text: '', missing: true })
  })
}

const results = []
for (const { input, text, missing } of inputs) {
  if (missing) {
    results.push({ input, ok: false, error: 'no mermaid text found' })
    continue
  }
  try {
    const res = await mermaid.parse(text)
    // parse returns false only with suppressErrors; otherwise it throws on bad text.
    if (res === false) results.push({ input, ok: false, error: 'mermaid.parse returned false' })
    else if (String(res?.diagramType).startsWith('flowchart')) {
      results.push({ input, ok: true, type: res.diagramType, ...(await flowchartStructure(text)) })
    } else results.push({ input, ok: true, type: res?.diagramType })
  } catch (error) {
    results.push({ input, ok: false, error: String(error?.message ?? error).slice(0, 2000) })
  }
}
process.stdout.write(`${JSON.stringify(results)}\n`)
process.exitCode = results.every((r) => r.ok) ? 0 : 1
