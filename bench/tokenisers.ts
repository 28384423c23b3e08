/**
 * The XML tokenisers that could sit under the evidence readers (issue 16 item 6), side by side on
 * the same 100k-testcase JUnit file: saxes (what xml-stream.ts used until December 2026),
 * htmlparser2 in xmlMode, sax-wasm (Rust compiled to WebAssembly) and XmlScanner
 * (shared/evidence/xml-scan.ts, what xml-stream.ts uses now). Each streams the file in 256 KiB
 * chunks, as the readers do, and reads every element's name and attributes. Only saxes and
 * XmlScanner refuse malformed XML; htmlparser2 and sax-wasm repair or ignore it, so they could
 * only be adopted behind a second, checking pass.
 * Each runs in its own child process after a warm-up on a small file, interleaved, best of three;
 * the "cold" rows run once without warm-up, as a one-shot action does.
 *
 *   npx tsx bench/tokenisers.ts     prints the table
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { childMain, markBaseline, runChild, type ChildResult } from './child.js'
import type { BenchRow } from './types.js'

const THIS_FILE = fileURLToPath(import.meta.url)
const CHUNK = 256 * 1024

export const TOKENISERS = ['xml-scan', 'saxes', 'htmlparser2', 'sax-wasm'] as const
export type Tokeniser = (typeof TOKENISERS)[number]

/** Streams `file` through one tokeniser; returns the number of elements and the milliseconds. */
async function tokenise(
  which: Tokeniser,
  file: string
): Promise<{ elements: number; attributes: number; ms: number }> {
  let elements = 0
  let attributes = 0
  const text = () =>
    createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK }) as AsyncIterable<string>
  switch (which) {
    case 'xml-scan': {
      const { XmlScanner } = await import('../shared/evidence/xml-scan.js')
      markBaseline()
      const t0 = performance.now()
      const scanner = new XmlScanner({
        open: (tag) => {
          elements++
          attributes += Object.keys(tag.attributes).length
        },
        close: () => undefined
      })
      for await (const chunk of text()) scanner.write(chunk)
      scanner.close()
      return { elements, attributes, ms: performance.now() - t0 }
    }
    case 'saxes': {
      const { SaxesParser } = await import('saxes')
      markBaseline()
      const t0 = performance.now()
      const parser = new SaxesParser({ xmlns: false, position: false })
      parser.on('opentag', (tag) => {
        elements++
        attributes += Object.keys(tag.attributes).length
      })
      parser.on('closetag', () => undefined)
      for await (const chunk of text()) parser.write(chunk)
      parser.close()
      return { elements, attributes, ms: performance.now() - t0 }
    }
    case 'htmlparser2': {
      const { Parser } = await import('htmlparser2')
      markBaseline()
      const t0 = performance.now()
      const parser = new Parser(
        {
          onopentag: (_name, attrs) => {
            elements++
            attributes += Object.keys(attrs).length
          },
          onclosetag: () => undefined
        },
        { xmlMode: true, decodeEntities: true }
      )
      for await (const chunk of text()) parser.write(chunk)
      parser.end()
      return { elements, attributes, ms: performance.now() - t0 }
    }
    case 'sax-wasm': {
      const { SAXParser, SaxEventType } = await import('sax-wasm')
      const wasm = readFileSync(
        createRequire(import.meta.url).resolve('sax-wasm/lib/sax-wasm.wasm')
      )
      const parser = new SAXParser(SaxEventType.OpenTag | SaxEventType.CloseTag)
      await parser.prepareWasm(wasm)
      markBaseline()
      const t0 = performance.now()
      // Its objects live in WebAssembly memory until the next write: read what a reader needs now.
      parser.eventHandler = (type, detail) => {
        if (type !== SaxEventType.OpenTag) return
        const tag = detail as {
          name: string
          attributes: Array<{ name: { value: string }; value: { value: string } }>
        }
        elements++
        const map: Record<string, string> = {}
        for (const a of tag.attributes) map[a.name.value] = a.value.value
        attributes += Object.keys(map).length + (tag.name ? 0 : 1)
      }
      for await (const chunk of createReadStream(file, {
        highWaterMark: CHUNK
      }) as AsyncIterable<Buffer>)
        parser.write(chunk)
      parser.end()
      return { elements, attributes, ms: performance.now() - t0 }
    }
  }
}

async function runTask(task: string, file: string): Promise<number> {
  const which = task.replace(/^tok-/, '') as Tokeniser
  const { elements, attributes, ms } = await tokenise(which, file)
  if (elements === 0 || attributes === 0)
    throw new Error(`${which} saw no element or attribute in ${file}`)
  return ms
}

/**
 * Rows for the tokenisers on `file` (a 100k-testcase JUnit report), warmed up on `warm`:
 * each one's time, and each one's time over XmlScanner's; then one cold run of each.
 */
export function benchTokenisers(file: string, warm: string, label = 'JUnit 100k'): BenchRow[] {
  const best = new Map<Tokeniser, ChildResult>()
  for (let run = 0; run < 3; run++) {
    for (const which of TOKENISERS) {
      const r = runChild(THIS_FILE, `tok-${which}`, file, warm)
      const prev = best.get(which)
      if (!prev || r.ms < prev.ms) best.set(which, r)
    }
  }
  const ours = best.get('xml-scan') as ChildResult
  const rows: BenchRow[] = []
  for (const which of TOKENISERS) {
    const r = best.get(which) as ChildResult
    rows.push({
      name: `${label}: tokenise with ${which} (warm)`,
      value: Math.round(r.ms),
      unit: 'ms',
      bar: 'info',
      ok: true
    })
    if (which !== 'xml-scan') {
      rows.push({
        name: `${label}: ${which} time / xml-scan time (warm)`,
        value: Math.round((r.ms / ours.ms) * 100) / 100,
        unit: 'x',
        bar: 'info (> 1: xml-scan faster)',
        ok: true
      })
    }
  }
  const cold = new Map(
    TOKENISERS.map((which) => [which, runChild(THIS_FILE, `tok-${which}`, file)])
  )
  for (const which of TOKENISERS) {
    rows.push({
      name: `${label}: tokenise with ${which} (cold, one run)`,
      value: Math.round((cold.get(which) as ChildResult).ms),
      unit: 'ms',
      bar: 'info',
      ok: true
    })
  }
  return rows
}

async function main(): Promise<void> {
  if (await childMain(runTask)) return
  const { junitLines, writeLines } = await import('./readers.js')
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-tok-'))
  try {
    const file = path.join(dir, 'junit-100k.xml')
    const warm = path.join(dir, 'junit-2k.xml')
    await writeLines(file, junitLines(100_000))
    await writeLines(warm, junitLines(2_000))
    for (const r of benchTokenisers(file, warm))
      console.log(`${r.name.padEnd(60)} ${String(r.value).padStart(7)} ${r.unit}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await main()
