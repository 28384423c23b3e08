// Bundles every action entry with ncc into dist/. Entries are discovered, not listed:
//   actions/<name>/index.ts -> dist/<name>/index.js
//   actions/<name>/post.ts  -> dist/<name>/post/index.js
//   cli/index.ts            -> dist/cli/index.js
// Output is deterministic so `npm run bundle && git diff --exit-code dist/` works as check-dist.
// Bundling only transpiles (actions/tsconfig.json, cli/tsconfig.json); `npm run typecheck` checks
// types once for the whole project. Each entry is bundled in its own process (ncc keeps a whole webpack compilation in memory),
// two at a time. `node scripts/bundle.mjs NAME...` rebuilds only those entries.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// FLOW_DIST_DIR writes the bundles elsewhere (the check-dist test compares them with dist/).
const distDir = process.env.FLOW_DIST_DIR ? path.resolve(process.env.FLOW_DIST_DIR) : path.join(root, 'dist')

function discover() {
  const entries = []
  for (const name of readdirSync(path.join(root, 'actions')).sort()) {
    for (const [file, out] of [['index.ts', name], ['post.ts', `${name}/post`]]) {
      const entry = path.join(root, 'actions', name, file)
      if (existsSync(entry)) entries.push({ entry, out })
    }
  }
  entries.push({ entry: path.join(root, 'cli', 'index.ts'), out: 'cli' })
  return entries
}

async function bundleOne(entry, out) {
  const require = createRequire(import.meta.url)
  const ncc = require('@vercel/ncc')
  const started = Date.now()
  const { code, assets } = await ncc(entry, { cache: false, minify: process.env.FLOW_BUNDLE_MINIFY !== '0', sourceMap: false, sourceMapRegister: false, quiet: true, target: 'es2023', transpileOnly: true })
  const dir = path.join(distDir, out)
  rmSync(path.join(dir, 'index.js'), { force: true })
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
  console.log(`bundled ${path.relative(root, entry)} -> ${path.relative(root, dir)}/index.js (${Math.round(code.length / 1024)} KiB, ${Date.now() - started} ms)`)
}

function child(entry, out) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--one', entry, out], { stdio: 'inherit' })
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`bundling ${out} failed (exit ${code})`))))
  })
}

const args = process.argv.slice(2)
if (args[0] === '--one') {
  await bundleOne(args[1], args[2])
} else {
  const all = discover()
  const chosen = args.length > 0 ? all.filter((e) => args.includes(e.out)) : all
  if (args.length > 0 && chosen.length !== args.length) {
    console.error(`unknown entries: ${args.filter((a) => !all.some((e) => e.out === a)).join(', ')}`)
    process.exit(2)
  }
  if (args.length === 0) rmSync(distDir, { recursive: true, force: true })
  const queue = [...chosen]
  const workers = Array.from({ length: Math.min(2, cpus().length, queue.length) }, async () => {
    while (queue.length > 0) {
      const { entry, out } = queue.shift()
      await child(entry, out)
    }
  })
  try {
    await Promise.all(workers)
  } catch (error) {
    console.error(String(error.message ?? error))
    process.exit(1)
  }
}
