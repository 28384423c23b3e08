// The registry mirror this project is built against serves only the Linux builds of packages
// that ship one optional package per platform (unrs-resolver, under jest). `npm install` then
// leaves the other platforms out of package-lock.json, and `npm ci` refuses the lock as out of
// sync. This adds each missing optional platform package to the lock with its os/cpu/libc, so
// `npm ci` accepts it and skips them on this platform (and fetches the right one elsewhere).
// Run after `npm install`: node scripts/lock-platform-packages.mjs
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const lockPath = path.join(root, 'package-lock.json')
const lock = JSON.parse(readFileSync(lockPath, 'utf8'))

/** os, cpu and libc of a napi-rs style platform package name (…-linux-x64-gnu). */
function platformOf(name) {
  const triple = name
    .split('/')
    .pop()
    .replace(/^.*?-binding-/, '')
  const [os, arch, abi] = triple.split('-')
  const cpu = {
    arm64: 'arm64',
    x64: 'x64',
    ia32: 'ia32',
    arm: 'arm',
    loong64: 'loong64',
    ppc64: 'ppc64',
    riscv64: 'riscv64',
    s390x: 's390x',
    wasm32: 'wasm32'
  }[arch]
  const out = {
    os: [os === 'wasm32' ? undefined : os].filter(Boolean),
    cpu: cpu ? [cpu] : undefined
  }
  if (os === 'wasm32') return { cpu: ['wasm32'] }
  if (abi && /musl/.test(abi)) out.libc = ['musl']
  else if (abi && /gnu/.test(abi)) out.libc = ['glibc']
  return out
}

let added = 0
for (const [key, entry] of Object.entries(lock.packages)) {
  const optional = entry.optionalDependencies ?? {}
  const base = key === '' ? '' : `${key}/`
  for (const [dep, version] of Object.entries(optional)) {
    if (!/-binding-/.test(dep)) continue
    const candidates = [`${base}node_modules/${dep}`, `node_modules/${dep}`]
    if (candidates.some((c) => lock.packages[c])) continue
    lock.packages[`node_modules/${dep}`] = { version, optional: true, ...platformOf(dep) }
    added++
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0
  )
)
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`added ${added} optional platform package(s) to package-lock.json`)
