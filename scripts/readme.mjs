// Fills the `<!-- include: docs/NAME.md -->` blocks of README.md from the reference pages in docs/,
// shifting headings so each page sits under the README's own. The pages stay the source; a test
// runs `node scripts/readme.mjs --check` so the README never drifts from them.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const readmePath = path.join(root, 'README.md')

function shiftHeadings(markdown, topLevel) {
  const lines = markdown.replace(/\s+$/, '').split('\n')
  let fence = false
  const levels = []
  for (const line of lines) {
    if (/^(```|~~~)/.test(line)) fence = !fence
    else if (!fence && /^#{1,6} /.test(line)) levels.push(line.indexOf(' '))
  }
  const shift = topLevel - Math.min(...levels, topLevel)
  fence = false
  return lines
    .map((line) => {
      if (/^(```|~~~)/.test(line)) fence = !fence
      if (fence || !/^#{1,6} /.test(line)) return line
      const level = Math.min(6, line.indexOf(' ') + shift)
      return `${'#'.repeat(level)}${line.slice(line.indexOf(' '))}`
    })
    .join('\n')
}

export function renderReadme(text) {
  return text.replace(
    /<!-- include: (docs\/[\w.-]+\.md) level=(\d) -->\n[\s\S]*?<!-- end include -->/g,
    (_m, file, level) =>
      `<!-- include: ${file} level=${level} -->\n<!-- generated from ${file} by scripts/readme.mjs; edit that file -->\n\n${shiftHeadings(readFileSync(path.join(root, file), 'utf8'), Number(level))}\n\n<!-- end include -->`
  )
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
