// Builds every action in ONE esbuild pass with code splitting, so code they share is emitted once,
// in dist/chunks/, and each entry loads only the chunks it imports (as github/codeql-action's
// build.mjs shares one build between its actions). The CLI is built in a second pass with its own
// chunks under dist/cli/, because the npm package ships dist/cli/ alone. Entries are discovered:
//   actions/<name>/index.ts -> dist/<name>/index.js
//   actions/<name>/post.ts  -> dist/<name>/post/index.js
//   cli/index.ts            -> dist/cli/index.js
// Output is deterministic (content-hashed chunk names, no timestamps), so scripts/check-dist.mjs
// can compare a fresh build with the committed dist/ byte for byte. Bundling only transpiles;
// `npm run typecheck` checks types once for the whole project. The tool version is injected from
// package.json here, so reports name the version that was built.
import * as esbuild from 'esbuild'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// FLOW_DIST_DIR writes the bundles elsewhere (scripts/check-dist.mjs compares them with dist/).
const distDir = process.env.FLOW_DIST_DIR
  ? path.resolve(process.env.FLOW_DIST_DIR)
  : path.join(root, 'dist')
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version

function discover() {
  const entryPoints = {}
  for (const name of readdirSync(path.join(root, 'actions')).sort()) {
    for (const [file, out] of [
      ['index.ts', `${name}/index`],
      ['post.ts', `${name}/post/index`]
    ]) {
      const entry = path.join(root, 'actions', name, file)
      if (existsSync(entry)) entryPoints[out] = entry
    }
  }
  return entryPoints
}

// CommonJS dependencies call require() and read __dirname; an ES module has neither, so every
// output file defines them from its own URL.
const banner = [
  "import { createRequire as __flowCreateRequire } from 'node:module';",
  "import { fileURLToPath as __flowFileURLToPath } from 'node:url';",
  'const require = __flowCreateRequire(import.meta.url);',
  'const __filename = __flowFileURLToPath(import.meta.url);',
  "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));"
].join(' ')

const started = Date.now()
rmSync(distDir, { recursive: true, force: true })
mkdirSync(distDir, { recursive: true })
const common = {
  outdir: distDir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: process.env.FLOW_BUNDLE_MINIFY !== '0',
  legalComments: 'none',
  banner: { js: banner },
  define: { FLOW_TOOL_VERSION: JSON.stringify(version) },
  metafile: true,
  logLevel: 'warning'
}
const actions = await esbuild.build({
  ...common,
  entryPoints: discover(),
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]'
})
// The CLI never uploads artifacts or uses the Actions cache (flow verify runs check-gates with
// upload-report off), so those clients, a megabyte and a half with their Azure SDK, stay out of it.
// If a code path ever reached them, the import would fail loudly, never silently pass.
const CLI_EXTERNAL = ['@actions/artifact', '@actions/cache']
// Split like the actions, into dist/cli/chunks/, so what only some commands use (the GitHub
// client and its HTTP stack) loads only when they use it; the npm package ships dist/cli/ whole.
const cliBuild = await esbuild.build({
  ...common,
  entryPoints: { 'cli/index': path.join(root, 'cli', 'index.ts') },
  splitting: true,
  chunkNames: 'cli/chunks/[name]-[hash]',
  external: CLI_EXTERNAL
})
const result = {
  metafile: { outputs: { ...actions.metafile.outputs, ...cliBuild.metafile.outputs } }
}
// The banner is only kept where the code uses what it defines: most chunks are this project's own
// ES modules, and on start-up every createRequire() and fileURLToPath() of 27 chunks costs time.
// A false match only keeps a banner; a chunk that needs it and lost it would fail on first load.
for (const file of Object.keys(result.metafile.outputs)) {
  if (!file.endsWith('.js')) continue
  const absolute = path.resolve(file)
  const text = readFileSync(absolute, 'utf8')
  if (!text.startsWith(banner)) continue
  const body = text.slice(banner.length)
  if (!/\b(require|__filename|__dirname)\b/.test(body))
    writeFileSync(absolute, body.replace(/^\n/, ''))
}
writeFileSync(path.join(distDir, 'package.json'), '{"type":"module"}\n')
const cli = path.join(distDir, 'cli', 'index.js')
writeFileSync(cli, `#!/usr/bin/env node\n${readFileSync(cli, 'utf8')}`)
chmodSync(cli, 0o755)

const outputs = Object.entries(result.metafile.outputs)
// Sizes as written (the banner is gone from most files since esbuild measured them).
const size = (f) => statSync(path.resolve(f)).size
const kib = (n) => `${Math.round(n / 1024)} KiB`
for (const [file, out] of outputs.filter(
  ([, o]) => o.entryPoint && !o.entryPoint.startsWith('node_modules/')
)) {
  // What an entry loads on start: itself and every chunk it imports statically, transitively.
  const seen = new Set()
  const visit = (f) => {
    if (seen.has(f)) return
    seen.add(f)
    for (const imp of result.metafile.outputs[f]?.imports ?? [])
      if (imp.kind === 'import-statement' && !imp.external) visit(imp.path)
  }
  visit(file)
  const loaded = [...seen].reduce((sum, f) => sum + size(f), 0)
  console.log(
    `bundled ${out.entryPoint} -> ${path.relative(root, file)} (${kib(size(file))}, loads ${kib(loaded)} on start)`
  )
}
const total = outputs.reduce((sum, [f]) => sum + size(f), 0)
console.log(`dist: ${outputs.length} files, ${kib(total)}, in ${Date.now() - started} ms`)
