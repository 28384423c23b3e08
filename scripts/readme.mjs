// Fills the README's reference list (`<!-- docs-index … -->` … `<!-- end docs-index -->`) with one
// line per docs/*.md page, titled by the page's first heading. The README stays a short landing
// page; the reference lives in docs/, and a test runs `node scripts/readme.mjs --check` so a page
// added, renamed or retitled never goes missing from the list.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const readmePath = path.join(root, 'README.md')

// Reading order for a newcomer; pages not named here follow alphabetically.
const ORDER = [
  'init.md',
  'graph.md',
  'expressions.md',
  'evidence.md',
  'check-gates.md',
  'validate-graph.md',
  'root-action.md',
  'mutation-gate.md',
  'canary.md',
  'render-diagram.md',
  'recalibrate.md',
  'workflows.md',
  'cli.md',
  'security.md',
  'HOSTILE.md',
  'github-client.md',
  'ARCHITECTURE.md',
  'CONVENTIONS.md'
]

function title(file) {
  const text = readFileSync(path.join(root, 'docs', file), 'utf8')
  const heading = /^#{1,6} +(.+)$/m.exec(text)
  if (!heading) throw new Error(`docs/${file} has no heading to title it in the README`)
  return heading[1].trim()
}

export function docsIndex() {
  const pages = readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md'))
  const rank = (f) => (ORDER.includes(f) ? ORDER.indexOf(f) : ORDER.length)
  pages.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
  return pages.map((f) => `- [${title(f)}](docs/${f})`).join('\n')
}

export function renderReadme(text) {
  const start = /<!-- docs-index[^\n]*-->\n/.exec(text)
  const end = text.indexOf('<!-- end docs-index -->')
  if (!start || end < start.index)
    throw new Error('README.md has no <!-- docs-index --> … <!-- end docs-index --> block')
  const from = start.index + start[0].length
  // Blank lines around the list, as Prettier writes markdown, so the two never disagree.
  return `${text.slice(0, from)}\n${docsIndex()}\n\n${text.slice(end)}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const current = readFileSync(readmePath, 'utf8')
  const next = renderReadme(current)
  if (process.argv.includes('--check')) {
    if (current !== next) {
      console.error('README.md is stale: run node scripts/readme.mjs')
      process.exit(1)
    }
  } else {
    writeFileSync(readmePath, next)
    console.log('README.md updated from docs/')
  }
}
