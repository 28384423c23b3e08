// dist/ is committed, so it must be exactly what `npm run bundle` makes from the sources in this
// commit. Bundles into a temporary folder and compares every file with dist/, byte for byte.
// Run: node scripts/check-dist.mjs   (test:all runs it once, outside jest)
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

function files(dir, rel = '') {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name
    return statSync(path.join(dir, r)).isDirectory() ? files(dir, r) : [r]
  })
}

const out = mkdtempSync(path.join(tmpdir(), 'flow-check-dist-'))
try {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle.mjs')], {
    cwd: root,
    env: { ...process.env, FLOW_DIST_DIR: out },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const committed = new Set(files(path.join(root, 'dist')))
  const fresh = new Set(files(out))
  const problems = [
    ...[...fresh].filter((f) => !committed.has(f)).map((f) => `dist/${f} is missing`),
    ...[...committed].filter((f) => !fresh.has(f)).map((f) => `dist/${f} is no longer built`),
    ...[...committed]
      .filter(
        (f) =>
          fresh.has(f) &&
          !readFileSync(path.join(out, f)).equals(readFileSync(path.join(root, 'dist', f)))
      )
      .map((f) => `dist/${f} differs`)
  ]
  if (problems.length > 0) {
    for (const p of problems.sort()) console.error(`check-dist: ${p}`)
    console.error(
      'check-dist: dist/ is not what the sources build; run `npm run bundle` and commit dist/'
    )
    process.exit(1)
  }
  console.log(`check-dist: dist/ matches a fresh bundle (${committed.size} files)`)
} finally {
  rmSync(out, { recursive: true, force: true })
}
