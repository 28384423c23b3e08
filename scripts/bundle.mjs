// Bundles every action entry with ncc into dist/. Entries are discovered, not listed:
//   actions/<name>/index.ts -> dist/<name>/index.js
//   actions/<name>/post.ts  -> dist/<name>/post/index.js
//   cli/index.ts            -> dist/cli/index.js
// Output is deterministic so `npm run bundle && git diff --exit-code dist/` works as check-dist.
import { createRequire } from 'node:module'
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import path from 'node:path'

const require = createRequire(import.meta.url)
const ncc = require('@vercel/ncc')
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const only = process.argv.slice(2)

const entries = []
for (const name of readdirSync(path.join(root, 'actions')).sort()) {
  for (const [file, out] of [['index.ts', name], ['post.ts', `${name}/post`]]) {
    const entry = path.join(root, 'actions', name, file)
    if (existsSync(entry)) entries.push({ entry, out })
  }
}
entries.push({ entry: path.join(root, 'cli', 'index.ts'), out: 'cli' })

if (only.length === 0) rmSync(path.join(root, 'dist'), { recursive: true, force: true })
for (const { entry, out } of entries) {
  if (only.length > 0 && !only.includes(out)) continue
  const started = Date.now()
  const { code, assets } = await ncc(entry, {
    cache: false,
    minify: false,
    sourceMap: false,
    sourceMapRegister: false,
    quiet: true,
    // Types are checked once by `npm run typecheck`; bundling only transpiles, so one bad test file
    // elsewhere cannot stop a bundle.
    transpileOnly: true,
    target: 'es2023'
  })
  const dir = path.join(root, 'dist', out)
  if (only.length > 0) rmSync(path.join(dir, 'index.js'), { force: true })
  mkdirSync(dir, { recursive: true })
  const banner = out === 'cli' ? '#!/usr/bin/env node\n' : ''
  writeFileSync(path.join(dir, 'index.js'), banner + code.replace(/^#!.*\n/, ''))
  if (out === 'cli') chmodSync(path.join(dir, 'index.js'), 0o755)
  for (const [name, asset] of Object.entries(assets)) {
    if (name === 'package.json') continue
    const target = path.join(dir, name)
    mkdirSync(path.dirname(target), { recursive: true })
    writeFileSync(target, asset.source)
  }
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n')
  console.log(`bundled ${path.relative(root, entry)} -> dist/${out}/index.js (${Math.round(code.length / 1024)} KiB, ${Date.now() - started} ms)`)
}
