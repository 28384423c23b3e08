import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  API_FILE_LIMIT,
  changedLinesOf,
  changeFromGit,
  changeFromPullRequest,
  changeMetrics,
  lineRanges,
  parseGitDiff,
  parsePatch,
  resolveCommit,
  type PullRequestFileEntry
} from '../../shared/change/index.js'
import { ConfigurationError } from '../../shared/errors.js'

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd }
  })
}

function lines(n: number, prefix = 'line'): string {
  return Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n'
}

/** A repository with a base commit and a head commit made from two file maps (null deletes). */
function repo(
  baseFiles: Record<string, string>,
  headFiles: Record<string, string | null>,
  renames: Array<[string, string]> = []
) {
  const root = mkdtempSync(path.join(tmpdir(), 'change-'))
  git(root, 'init', '-q', '-b', 'main')
  git(root, 'config', 'user.email', 'dev@example.com')
  git(root, 'config', 'user.name', 'Dev')
  const put = (files: Record<string, string | null>) => {
    for (const [rel, text] of Object.entries(files)) {
      const abs = path.join(root, rel)
      if (text === null) rmSync(abs)
      else {
        mkdirSync(path.dirname(abs), { recursive: true })
        writeFileSync(abs, text)
      }
    }
  }
  put(baseFiles)
  git(root, 'add', '-A')
  git(root, 'commit', '-q', '-m', 'base')
  const base = git(root, 'rev-parse', 'HEAD').trim()
  for (const [from, to] of renames) git(root, 'mv', from, to)
  put(headFiles)
  git(root, 'add', '-A')
  git(root, 'commit', '-q', '-m', 'head')
  const head = git(root, 'rev-parse', 'HEAD').trim()
  return { root, base, head }
}

describe('hunk parsing', () => {
  it('pairs removed and added lines of a block: modified first, the rest added', () => {
    const p = parsePatch(
      [
        '@@ -10,3 +10,4 @@ fn',
        ' keep',
        '-old a',
        '-old b',
        '+new a',
        '+new b',
        '+new c',
        ' keep'
      ].join('\n')
    )
    expect(p).toEqual({ added: [11, 12, 13], modified: [11, 12], deleted: [11, 12] })
  })

  it('counts a deletion-only hunk', () => {
    expect(parsePatch('@@ -5,2 +4,0 @@\n-x\n-y')).toEqual({
      added: [],
      modified: [],
      deleted: [5, 6]
    })
  })

  it('stops at a hunk cut short instead of reading the next header as lines', () => {
    const files = parseGitDiff(
      [
        'diff --git a/a.ts b/a.ts',
        '--- a/a.ts',
        '+++ b/a.ts',
        '@@ -1,0 +1,5 @@',
        '+one',
        'diff --git a/b.ts b/b.ts',
        '--- a/b.ts',
        '+++ b/b.ts',
        '@@ -3 +3 @@',
        '-x',
        '+y'
      ].join('\n')
    )
    expect(files.map((f) => [f.path, f.added])).toEqual([
      ['a.ts', [1]],
      ['b.ts', [3]]
    ])
  })

  it('formats line ranges', () => {
    expect(lineRanges([20, 12, 13, 14])).toBe('12-14, 20')
  })
})

describe('the change from git', () => {
  it('follows renames, counts deletions, and reads names with spaces, globs and UTF-8 literally', async () => {
    const { root, base, head } = repo(
      {
        'src/old.ts': lines(30),
        'src/gone.ts': lines(7),
        'src/keep.ts': lines(10),
        'docs/a [1]*.md': 'x\n',
        'src/é.ts': 'a\n'
      },
      {
        'src/new.ts': lines(30).replace('line 15\n', 'line fifteen\n'),
        'src/gone.ts': null,
        'src/keep.ts': lines(10).replace('line 3\nline 4\n', ''),
        'docs/a [1]*.md': 'y\n',
        'src/é.ts': 'a\nb\n'
      },
      [['src/old.ts', 'src/new.ts']]
    )
    const change = await changeFromGit(root, { base, head })
    const byPath = new Map(change.files.map((f) => [f.path, f]))
    // The rename is one change with one modified line, not 30 deleted and 30 added.
    expect(byPath.get('src/new.ts')).toMatchObject({
      status: 'renamed',
      previousPath: 'src/old.ts',
      added: [15],
      modified: [15],
      deleted: [15],
      additions: 1,
      deletions: 1
    })
    expect(byPath.get('src/gone.ts')).toMatchObject({
      status: 'deleted',
      additions: 0,
      deletions: 7
    })
    expect(byPath.get('src/keep.ts')).toMatchObject({
      status: 'modified',
      added: [],
      deleted: [3, 4]
    })
    expect(byPath.get('docs/a [1]*.md')).toMatchObject({ added: [1], modified: [1] })
    expect(byPath.get('src/é.ts')).toMatchObject({ added: [2], modified: [] })
    expect(changeMetrics(change)).toEqual(
      new Map([
        ['changes.files', 5],
        ['changes.lines', 1 + 1 + 7 + 2 + 1 + 1 + 1],
        ['changes.lines_added', 3],
        ['changes.lines_deleted', 11],
        ['changes.tests_touched', 0]
      ])
    )
    // Deleted files have no new lines; the changed-lines map has only lines that exist at the head.
    expect([...changedLinesOf(change).keys()].sort()).toEqual([
      'docs/a [1]*.md',
      'src/new.ts',
      'src/é.ts'
    ])
    // Literal pathspecs: "*" and "[1]" in a path do not match other files.
    const only = await changeFromGit(root, { base, head }, { paths: ['docs/a [1]*.md'] })
    expect(only.files.map((f) => f.path)).toEqual(['docs/a [1]*.md'])
  })

  it('counts test files touched by the conventions of the common runners', () => {
    const change = {
      source: 'git' as const,
      description: 'x',
      notes: [],
      files: [
        'src/a.ts',
        'src/a.test.ts',
        'pkg/x_test.go',
        'tests/test_api.py',
        'src/test/java/FooTest.java',
        '__tests__/b.ts',
        'lib/spec_helper.rb'
      ].map((p) => ({
        path: p,
        status: 'modified' as const,
        added: [1],
        modified: [],
        deleted: [],
        additions: 1,
        deletions: 0
      }))
    }
    expect(changeMetrics(change).get('changes.tests_touched')).toBe(5)
  })

  it('names a ref that is not a commit, and never passes it to git as an option', async () => {
    const { root } = repo({ 'a.txt': 'a\n' }, { 'a.txt': 'b\n' })
    await expect(resolveCommit(root, '--output=/tmp/x', '--base')).rejects.toThrow(
      /--base "--output=\/tmp\/x" is not a commit/
    )
    await expect(resolveCommit(root, 'no-such-branch', '--base')).rejects.toThrow(
      ConfigurationError
    )
    expect(await resolveCommit(root, 'HEAD~1', '--base')).toMatch(/^[0-9a-f]{40}$/)
  })

  it('says to fetch the history when a commit is missing (a shallow clone)', async () => {
    const { root } = repo({ 'a.txt': 'a\n' }, { 'a.txt': 'b\n' })
    await expect(
      changeFromGit(root, { base: 'f'.repeat(40), head: 'e'.repeat(40) })
    ).rejects.toThrow(/fetch-depth: 0/)
  })
})

describe('the change of a pull request', () => {
  const setup = () =>
    repo(
      { 'src/a.ts': lines(50), 'src/b.ts': lines(5) },
      { 'src/a.ts': lines(50).replace('line 10\n', 'line ten\nline ten b\n'), 'src/b.ts': lines(6) }
    )

  it('takes the lines from the patches when they are whole', async () => {
    const { root, base, head } = setup()
    const entries: PullRequestFileEntry[] = [
      {
        filename: 'src/a.ts',
        status: 'modified',
        additions: 2,
        deletions: 1,
        patch:
          '@@ -8,5 +8,6 @@\n line 8\n line 9\n-line 10\n+line ten\n+line ten b\n line 11\n line 12'
      },
      {
        filename: 'src/b.ts',
        status: 'modified',
        additions: 1,
        deletions: 0,
        patch: '@@ -5,0 +6 @@\n+line 6'
      }
    ]
    const git = async () => {
      throw new Error('git must not be needed')
    }
    const change = await changeFromPullRequest({
      number: 3,
      base,
      head,
      root,
      listFiles: async () => entries,
      git
    })
    expect(change.source).toBe('pull-request')
    expect(change.files.map((f) => [f.path, f.added, f.deleted])).toEqual([
      ['src/a.ts', [10, 11], [10]],
      ['src/b.ts', [6], []]
    ])
    expect(change.notes).toEqual([])
  })

  it('reads a patch GitHub left out, or cut short, from git', async () => {
    const { root, base, head } = setup()
    const entries: PullRequestFileEntry[] = [
      // No patch although lines changed: GitHub found the diff too large.
      { filename: 'src/a.ts', status: 'modified', additions: 2, deletions: 1 },
      // A patch with fewer lines than the counts say: cut short.
      {
        filename: 'src/b.ts',
        status: 'modified',
        additions: 9,
        deletions: 0,
        patch: '@@ -5,0 +6 @@\n+line 6'
      }
    ]
    const change = await changeFromPullRequest({
      number: 3,
      base,
      head,
      root,
      listFiles: async () => entries
    })
    expect(change.files.map((f) => [f.path, f.added, f.deleted])).toEqual([
      ['src/a.ts', [10, 11], [10]],
      ['src/b.ts', [6], []]
    ])
    expect(change.notes.join()).toMatch(
      /left out the patch of src\/a\.ts, src\/b\.ts.*read from git/
    )
  })

  it(`reads a pull request of more than ${API_FILE_LIMIT} files from git`, async () => {
    const { root, base, head } = setup()
    const listed: PullRequestFileEntry[] = [
      {
        filename: 'src/a.ts',
        status: 'modified',
        additions: 2,
        deletions: 1,
        patch: '@@ -10 +10,2 @@\n-line 10\n+line ten\n+line ten b'
      }
    ]
    const change = await changeFromPullRequest({
      number: 3,
      base,
      head,
      changedFiles: 3001,
      root,
      listFiles: async () => listed
    })
    expect(change.source).toBe('git')
    expect(change.files.map((f) => f.path)).toEqual(['src/a.ts', 'src/b.ts'])
    expect(change.notes.join()).toMatch(/3001 files, more than the API lists/)
  })

  it('fails with the reason when git cannot fill in a missing patch', async () => {
    const { root } = setup()
    await expect(
      changeFromPullRequest({
        number: 3,
        base: 'f'.repeat(40),
        head: 'e'.repeat(40),
        root,
        listFiles: async () => [{ filename: 'src/a.ts', additions: 3, deletions: 0 }]
      })
    ).rejects.toThrow(
      /GitHub left out the patch of src\/a\.ts, and git could not fill in: .*fetch-depth: 0/
    )
  })
})
