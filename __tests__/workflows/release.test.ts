import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { repoRoot, workflows, type Yaml } from './helpers.js'

const release = workflows().find((w) => w.file === '.github/workflows/release.yml')!
const jobs = release.doc.jobs as Record<string, Yaml>

/** The run: script of the named step. */
function script(job: string, name: RegExp): string {
  const step = (jobs[job].steps as Yaml[]).find(
    (s) => typeof s.name === 'string' && name.test(s.name)
  )
  expect(step).toBeDefined()
  return step!.run as string
}

/** Runs a step's script as the runner does (bash -e -o pipefail) in a folder, with env. */
function runStep(run: string, cwd: string, env: Record<string, string>) {
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', run], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 60_000
  })
}

/** A folder with package.json at a version and a CHANGELOG.md. */
function project(version: string, changelog: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'flow-release-'))
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'flow-actions', version }))
  writeFileSync(path.join(dir, 'CHANGELOG.md'), changelog)
  return dir
}

describe('release.yml', () => {
  it('runs on vX.Y.Z tags only, with no permissions at the top', () => {
    expect(release.doc.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } })
    expect(release.doc.permissions).toEqual({})
  })

  it('widens permissions per job: contents: write only to create the release, id-token: write only to publish', () => {
    const perms = Object.fromEntries(Object.entries(jobs).map(([id, job]) => [id, job.permissions]))
    expect(perms).toEqual({
      verify: { contents: 'read' },
      'github-release': { contents: 'write' },
      'npm-publish': { contents: 'read', 'id-token': 'write' }
    })
    expect(jobs['github-release'].needs).toBe('verify')
    expect(jobs['npm-publish'].needs).toBe('github-release')
  })

  it('checks dist/ is current and runs the tests before anything is released', () => {
    const dist = script('verify', /dist\/ is current/)
    expect(dist).toMatch(/npm run bundle/)
    expect(dist).toMatch(/git diff --exit-code --stat dist\//)
    expect(script('verify', /^Test/)).toBe('npm run test:all')
    expect(readFileSync(path.join(repoRoot, '.ci/run'), 'utf8')).toMatch(/^npm run test:all$/m)
  })

  it('publishes with provenance, without lifecycle scripts', () => {
    expect(script('npm-publish', /Publish/)).toBe(
      'npm publish --provenance --access public --ignore-scripts'
    )
  })

  it('refuses a tag that is not package.json version, a missing changelog section and an unreleased one', () => {
    const check = script('verify', /tag is package.json's version/)
    const good = project('1.2.3', '# Changelog\n\n## 1.2.3\n\n- a\n\n## 1.2.2\n\n- b\n')
    expect(runStep(check, good, { TAG: 'v1.2.3' }).status).toBe(0)
    const wrongTag = runStep(check, good, { TAG: 'v1.2.4' })
    expect(wrongTag.status).toBe(1)
    expect(wrongTag.stdout).toContain(
      "::error file=package.json::the tag is v1.2.4 but package.json's version is 1.2.3"
    )
    // 1.2.30 must not pass for 1.2.3, nor 1x2x3 (dots are literal).
    const noSection = runStep(check, project('1.2.3', '## 1.2.30\n\n- a\n\n## 1x2x3\n\n- b\n'), {
      TAG: 'v1.2.3'
    })
    expect(noSection.status).toBe(1)
    expect(noSection.stdout).toContain('CHANGELOG.md has no "## 1.2.3" section')
    const unreleased = runStep(check, project('1.2.3', '## 1.2.3 (unreleased)\n\n- a\n'), {
      TAG: 'v1.2.3'
    })
    expect(unreleased.status).toBe(1)
    expect(unreleased.stdout).toContain('still says unreleased')
  })

  it('takes the release notes from the version section of CHANGELOG.md, and this repository has one for its version', () => {
    const notes = script('github-release', /Release notes/)
    const dir = project(
      '1.2.3',
      '# Changelog\n\n## 1.2.4\n\n- later\n\n## 1.2.3 - 2026-12-01\n\n- first\n- second\n\n## 1.2.2\n\n- earlier\n'
    )
    expect(runStep(notes, dir, { TAG: 'v1.2.3', RUNNER_TEMP: dir }).status).toBe(0)
    expect(readFileSync(path.join(dir, 'notes.md'), 'utf8')).toBe('\n- first\n- second\n\n')
    const empty = runStep(notes, project('1.2.3', '## 1.2.3\n\n## 1.2.2\n\n- x\n'), {
      TAG: 'v1.2.3',
      RUNNER_TEMP: dir
    })
    expect(empty.status).toBe(1)
    expect(empty.stdout).toContain('the "## 1.2.3" section of CHANGELOG.md is empty')

    const own = mkdtempSync(path.join(tmpdir(), 'flow-release-own-'))
    copyFileSync(path.join(repoRoot, 'CHANGELOG.md'), path.join(own, 'CHANGELOG.md'))
    copyFileSync(path.join(repoRoot, 'package.json'), path.join(own, 'package.json'))
    const version = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version
    expect(runStep(notes, own, { TAG: `v${version}`, RUNNER_TEMP: own }).status).toBe(0)
    expect(readFileSync(path.join(own, 'notes.md'), 'utf8')).toContain('- ')
  })

  it('moves the major tag to the released commit through the API, creating it the first time', () => {
    const move = script('github-release', /major tag/)
    // A stand-in gh that records its arguments; the GET of the ref succeeds only when EXISTS=1.
    const bin = mkdtempSync(path.join(tmpdir(), 'flow-release-gh-'))
    writeFileSync(
      path.join(bin, 'gh'),
      '#!/bin/bash\nprintf "%s\\n" "$*" >> "$LOG"\nif [ "$2" != "--method" ] && [ "${EXISTS}" != 1 ]; then exit 1; fi\n',
      { mode: 0o755 }
    )
    const env = (exists: string) => ({
      PATH: `${bin}:${process.env.PATH}`,
      LOG: path.join(bin, `log-${exists}`),
      EXISTS: exists,
      TAG: 'v2.3.4',
      GITHUB_REPOSITORY: 'acme/flow-actions',
      GITHUB_SHA: 'a'.repeat(40)
    })
    expect(runStep(move, bin, env('1')).status).toBe(0)
    expect(readFileSync(path.join(bin, 'log-1'), 'utf8').trim().split('\n')).toEqual([
      'api repos/acme/flow-actions/git/ref/tags/v2',
      `api --method PATCH repos/acme/flow-actions/git/refs/tags/v2 -f sha=${'a'.repeat(40)} -F force=true`
    ])
    expect(runStep(move, bin, env('0')).status).toBe(0)
    expect(readFileSync(path.join(bin, 'log-0'), 'utf8').trim().split('\n')).toEqual([
      'api repos/acme/flow-actions/git/ref/tags/v2',
      `api --method POST repos/acme/flow-actions/git/refs -f ref=refs/tags/v2 -f sha=${'a'.repeat(40)}`
    ])
  })
})
