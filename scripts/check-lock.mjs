// Keeps `npm ci` working when the registry moves. A package that declares a dependency by
// dist-tag ("latest", "next") or by "*" resolves to whatever the registry serves today, so a lock
// written last month stops satisfying it and `npm ci` refuses the lock. Every such dependency must
// be pinned by an `overrides` entry in package.json.
// Run: node scripts/check-lock.mjs [package-lock.json] [package.json]
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// Peer specs are left out: a peer is satisfied by the version something else installs.
const DEPENDENCY_FIELDS = ['dependencies', 'optionalDependencies']

/** True for a spec that names no fixed version range: "", "*", "x", or a dist-tag such as "latest". */
export function isMovingSpec(spec) {
  const s = String(spec).trim()
  return s === '' || /^[*xX]$/.test(s) || /^[A-Za-z][\w.-]*$/.test(s)
}

function overriddenNames(overrides, into = new Set()) {
  for (const [key, value] of Object.entries(overrides ?? {})) {
    // "pkg@range" keys override one range of pkg; the bare name is what the lock declares.
    into.add(key.replace(/(.)@.*$/, '$1'))
    if (value && typeof value === 'object') overriddenNames(value, into)
  }
  return into
}

/** Every dependency in the lock declared by a moving spec and not pinned by an override. */
export function unpinnedDependencies(lock, manifest) {
  const pinned = overriddenNames(manifest.overrides)
  const found = []
  for (const [where, entry] of Object.entries(lock.packages ?? {})) {
    if (where === '') continue // the root's own specs are ours to choose, checked by review
    for (const field of DEPENDENCY_FIELDS) {
      for (const [name, spec] of Object.entries(entry[field] ?? {})) {
        if (isMovingSpec(spec) && !pinned.has(name)) {
          found.push({ name, spec, declaredBy: where.replace(/^.*node_modules\//, '') })
        }
      }
    }
  }
  return found
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  const lockPath = path.resolve(process.argv[2] ?? path.join(root, 'package-lock.json'))
  const manifestPath = path.resolve(
    process.argv[3] ?? path.join(path.dirname(lockPath), 'package.json')
  )
  const found = unpinnedDependencies(
    JSON.parse(readFileSync(lockPath, 'utf8')),
    JSON.parse(readFileSync(manifestPath, 'utf8'))
  )
  for (const f of found) {
    console.error(
      `${lockPath}: ${f.declaredBy} depends on ${f.name}@"${f.spec}", which moves with the registry; pin it with "overrides": { "${f.name}": "<version>" } in ${manifestPath}`
    )
  }
  if (found.length > 0) process.exit(1)
  console.log(
    `${path.basename(lockPath)}: every dependency is declared by a version range or pinned by an override`
  )
}
