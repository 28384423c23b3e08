import { beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { repoRoot } from '../helpers/run-action.js'

// The published package, end to end: what `npm pack` puts in the tarball, and that the tarball
// installs offline into a repository that is not this checkout and runs `flow` there.
// It packs dist/cli as it is: run `node scripts/bundle.mjs` first when testing source changes.

/** npm's own variables from the jest run (npm_config_prefix, ...) would point npm at this checkout. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env))
    if (!/^npm_/i.test(k) && k !== 'INIT_CWD') env[k] = v
  return {
    ...env,
    NO_COLOR: '1',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra
  }
}

function run(cmd: string, args: string[], cwd: string, env = cleanEnv()): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 180_000 })
}

interface PackFile {
  path: string
  size: number
}

describe('npm pack', () => {
  let files: PackFile[]
  let size: number

  beforeAll(() => {
    const r = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], repoRoot)
    expect(r.status).toBe(0)
    const [pack] = JSON.parse(r.stdout) as Array<{ files: PackFile[]; size: number }>
    files = pack.files
    size = pack.size
  })

  it('holds the CLI bundle, the schemas and the package files, and no test, fixture or source file', () => {
    const paths = files.map((f) => f.path).sort()
    expect(paths).toContain('dist/cli/index.js')
    expect(paths).toContain('schemas/graph.schema.json')
    expect(paths).toContain('schemas/flow-report.schema.json')
    expect(paths).toContain('package.json')
    expect(paths).toContain('LICENSE')
    // flow init reads the starter callers from the package (one copy, in workflows/).
    expect(paths).toContain('workflows/verify.yml')
    expect(paths).toContain('workflows/recalibrate.yml')
    const unwanted = paths.filter(
      (p) =>
        /(^|\/)(__tests__|test|tests|fixtures|examples|bench|scripts|actions|shared|cli)\//.test(
          p.replace(/^dist\/cli\//, '')
        ) || /\.(test|spec)\.|\.tsx?$|\.map$/.test(p)
    )
    expect(unwanted).toEqual([])
    // Only the CLI's bundle: the actions' bundles are used from the repository, not from npm.
    expect(paths.filter((p) => p.startsWith('dist/') && !p.startsWith('dist/cli/'))).toEqual([])
    // A generous bound that still catches node_modules or dist/ of every action slipping in.
    expect(size).toBeLessThan(1024 * 1024)
  })

  it('declares no runtime dependencies (the bundle carries them) and bins for flow and flow-actions', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'))
    expect(pkg.private).toBeUndefined()
    expect(pkg.dependencies ?? {}).toEqual({})
    expect(pkg.bin).toEqual({ flow: 'dist/cli/index.js', 'flow-actions': 'dist/cli/index.js' })
    expect(
      readFileSync(path.join(repoRoot, 'dist/cli/index.js'), 'utf8').startsWith(
        '#!/usr/bin/env node\n'
      )
    ).toBe(true)
  })
})

describe('the packed CLI in a fresh repository outside the checkout', () => {
  it('installs offline from the tarball; npx flow init and validate pass; gates --stage dev names the missing evidence', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'flow-pack-'))
    expect(path.relative(repoRoot, work).startsWith('..')).toBe(true)
    const packed = run(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', work],
      repoRoot
    )
    expect(packed.status).toBe(0)
    const tarball = path.join(
      work,
      (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0].filename
    )
    expect(existsSync(tarball)).toBe(true)

    const repo = path.join(work, 'repo')
    mkdirSync(repo)
    expect(run('git', ['init', '-q'], repo).status).toBe(0)
    // An empty cache and --offline: anything beyond the tarball itself would fail the install.
    const env = cleanEnv({ npm_config_cache: path.join(work, 'npm-cache') })
    const install = run(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--save-dev', tarball],
      repo,
      env
    )
    expect(install.stderr.replace(/^npm warn EBADENGINE.*\n/gim, '')).not.toMatch(/npm error/i)
    expect(install.status).toBe(0)
    expect(readdirSync(path.join(repo, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual([
      'flow-actions'
    ])

    const npx = (...args: string[]) => run('npx', ['--no', '--', 'flow', ...args], repo, env)
    const init = npx('init')
    expect(init.stderr).toBe('')
    expect(init.status).toBe(0)
    expect(init.stdout).toContain('Wrote 11 file(s).')
    expect(readFileSync(path.join(repo, '.github/workflows/flow-verify.yml'), 'utf8')).toMatch(
      /uses: [\w-]+\/[\w.-]+\/\.github\/workflows\/verify\.yml@v\d+\n/
    )

    const validate = npx('validate')
    expect(validate.stdout).toContain('✓ .process/graph.yaml is valid (0 error(s), 0 warning(s))')
    expect(validate.status).toBe(0)

    const gates = npx('gates', '--stage', 'dev')
    expect(gates.status).toBe(1)
    expect(gates.stdout).toContain('reports/junit.xml: does not exist')
    expect(gates.stdout).toContain('coverage/lcov.info: does not exist')
    expect(gates.stdout + gates.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/)

    // The package's other bin, as `npx flow-actions ...` runs it.
    const version = run('npx', ['--no', '--', 'flow-actions', '--version'], repo, env)
    expect(version.stdout.trim()).toBe(
      JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version
    )
  })
})
