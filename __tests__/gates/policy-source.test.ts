import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { run, type CheckGatesDeps } from '../../actions/check-gates/main.js'
import { gatesCommand } from '../../cli/gates.js'
import { createGitHubClient } from '../../shared/github/index.js'
import { FakeIO } from '../diagram/fake-io.js'
import { junit } from './helpers.js'

const API = 'https://api.github.com'
const now = () => new Date('2026-11-01T12:00:00Z')

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})
afterEach(() => nock.cleanAll())

const GRAPH = `version: 1
stages: [dev]
evidence:
  tests: reports/junit.xml
nodes:
  - id: G-tests
    kind: gate
    requires:
      - id: tests
        metric: tests.failed == 0
  - id: G-docs
    kind: gate
    requires:
      - id: readme
        artifact: README.md
`
/** The head's graph without the failing gate. */
const GRAPH_WITHOUT_TESTS =
  GRAPH.slice(0, GRAPH.indexOf('  - id: G-tests')) + GRAPH.slice(GRAPH.indexOf('  - id: G-docs'))
const WAIVER = `waivers:
  - gate: G-tests
    requirement: tests
    reason: flaky upstream service
    approver: cto
    expires: 2026-11-20
`

function git(root: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args],
    { cwd: root, encoding: 'utf8' }
  ).trim()
}

function write(root: string, files: Record<string, string | null>): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(root, rel)
    if (text === null) rmSync(abs, { force: true })
    else {
      mkdirSync(path.dirname(abs), { recursive: true })
      writeFileSync(abs, text)
    }
  }
}

/** A repository with a base commit and a head commit on top of it; the head is checked out. */
function repository(
  base: Record<string, string>,
  head: Record<string, string | null>
): { root: string; baseSha: string; headSha: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'policy-'))
  git(root, 'init', '-q', '-b', 'main')
  // One failing test: only a waiver can make G-tests pass.
  write(root, { 'README.md': '# app\n', 'reports/junit.xml': junit(3, 1), ...base })
  git(root, 'add', '-A')
  git(root, 'commit', '-q', '-m', 'base')
  const baseSha = git(root, 'rev-parse', 'HEAD')
  write(root, head)
  git(root, 'add', '-A')
  git(root, 'commit', '-q', '--allow-empty', '-m', 'head')
  return { root, baseSha, headSha: git(root, 'rev-parse', 'HEAD') }
}

function setup(
  root: string,
  baseSha: string,
  headSha: string,
  inputs: Record<string, string> = {}
) {
  const temp = mkdtempSync(path.join(tmpdir(), 'runner-'))
  const eventPath = path.join(temp, 'event.json')
  writeFileSync(
    eventPath,
    JSON.stringify({
      pull_request: {
        number: 7,
        user: { login: 'mallory' },
        head: { sha: headSha, repo: { full_name: 'mallory/app' } },
        base: { sha: baseSha, repo: { full_name: 'o/r' } }
      }
    })
  )
  const io = new FakeIO(
    {
      stage: 'dev',
      'upload-report': 'false',
      token: 'ghs_TESTtokenTESTtokenTESTtoken1234567',
      ...inputs
    },
    {
      GITHUB_WORKSPACE: root,
      RUNNER_TEMP: temp,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '5',
      GITHUB_WORKFLOW: 'CI',
      GITHUB_EVENT_NAME: 'pull_request'
    }
  )
  const deps: CheckGatesDeps = {
    io,
    now,
    github: async (token) =>
      createGitHubClient({ token, baseUrl: API, sleep: async () => undefined })
  }
  return { io, deps }
}

/** The summary as a reader sees it: markdown escapes and code tags removed. */
function shown(io: FakeIO): string {
  return io.summary.replace(/\\(.)/g, '$1').replace(/<\/?code>/g, '')
}

function report(io: FakeIO): {
  verdict: string
  gates: Array<{
    id: string
    status: string
    requirements: Array<{ id: string; status: string; message: string }>
  }>
} {
  return JSON.parse(readFileSync(io.outputs.report, 'utf8'))
}

describe('policy-source base (the default on pull requests)', () => {
  it('a waiver the head adds for its own failing gate is ignored when its approver (cto) has not approved the head', async () => {
    const { root, baseSha, headSha } = repository(
      { '.process/graph.yaml': GRAPH },
      { '.process/waivers.yaml': WAIVER }
    )
    const { io, deps } = setup(root, baseSha, headSha)
    const reviews = nock(API).get('/repos/o/r/pulls/7/reviews').query(true).reply(200, [])
    await run(deps)
    expect(reviews.isDone()).toBe(true)
    expect(io.outputs.passed).toBe('false')
    const r = report(io)
    expect(r.gates.find((g) => g.id === 'G-tests')?.status).toBe('failed')
    expect(shown(io)).toContain(
      `Policy in force: base commit ${baseSha.slice(0, 7)} (read with git)`
    )
    expect(shown(io)).toContain('proposed, not in force')
    expect(shown(io)).toContain('- .process/waivers.yaml added')
    expect(shown(io)).toMatch(
      /unverified, ignored: waiver G-tests \/ tests by cto \(\.process\/waivers\.yaml:2\): cto has not approved the pull request/
    )
  })

  it('the same waiver on the base is in force: the gate passes as waived, with no API call about it', async () => {
    const { root, baseSha, headSha } = repository(
      { '.process/graph.yaml': GRAPH, '.process/waivers.yaml': WAIVER },
      {}
    )
    const { io, deps } = setup(root, baseSha, headSha)
    await run(deps)
    expect(io.failure).toBeUndefined()
    expect(io.outputs.passed).toBe('true')
    const tests = report(io).gates.find((g) => g.id === 'G-tests')
    expect(tests?.requirements[0].status).toBe('waived')
    expect(shown(io)).toContain('The pull request changes no policy file.')
  })

  it("a head graph that drops the failing gate is reported, and the base graph's gate still applies", async () => {
    const { root, baseSha, headSha } = repository(
      { '.process/graph.yaml': GRAPH },
      { '.process/graph.yaml': GRAPH_WITHOUT_TESTS }
    )
    const { io, deps } = setup(root, baseSha, headSha)
    await run(deps)
    expect(io.outputs.passed).toBe('false')
    expect(io.outputs['failed-gates']).toBe('G-tests')
    expect(shown(io)).toContain('- .process/graph.yaml modified: drops gate G-tests')
  })

  it('a head waiver counts once its approver approved the head commit and has write access', async () => {
    const { root, baseSha, headSha } = repository(
      { '.process/graph.yaml': GRAPH },
      { '.process/waivers.yaml': WAIVER }
    )
    const { io, deps } = setup(root, baseSha, headSha)
    nock(API)
      .get('/repos/o/r/pulls/7/reviews')
      .query(true)
      .reply(200, [
        {
          user: { login: 'cto' },
          state: 'APPROVED',
          commit_id: headSha,
          author_association: 'MEMBER'
        }
      ])
      .get('/repos/o/r/collaborators/cto/permission')
      .reply(200, { permission: 'admin' })
    await run(deps)
    expect(io.outputs.passed).toBe('true')
    expect(report(io).gates.find((g) => g.id === 'G-tests')?.requirements[0].status).toBe('waived')
    expect(shown(io)).toContain('✅ applied: waiver G-tests / tests by cto')
  })

  it('a head sign-off by someone without an approval is ignored: the base sign-off book stays in force', async () => {
    const graph = GRAPH.replace(
      '      - id: readme\n        artifact: README.md\n',
      '      - id: privacy\n        review: privacy.signoff == true\n'
    )
    const { root, baseSha, headSha } = repository(
      { '.process/graph.yaml': graph },
      { '.process/signoffs.yaml': 'privacy: { signoff: true, by: dana, date: 2026-10-30 }\n' }
    )
    const { io, deps } = setup(root, baseSha, headSha)
    nock(API)
      .get('/repos/o/r/pulls/7/reviews')
      .query(true)
      .reply(200, [
        {
          user: { login: 'dana' },
          state: 'APPROVED',
          commit_id: baseSha,
          author_association: 'MEMBER'
        }
      ])
    await run(deps)
    expect(report(io).gates.find((g) => g.id === 'G-docs')?.status).not.toBe('passed')
    expect(shown(io)).toMatch(
      /unverified, ignored: sign-off privacy by dana .*approved \w{7}, not the head/
    )
  })

  it('reads the base through the contents API when the checkout does not hold the base commit', async () => {
    const { root, headSha } = repository({ '.process/graph.yaml': GRAPH }, {})
    const unknownBase = 'f'.repeat(40)
    const b64 = (t: string) => Buffer.from(t).toString('base64')
    nock(API)
      .get('/repos/o/r/contents/.process')
      .query({ ref: unknownBase })
      .reply(200, [
        { type: 'file', path: '.process/graph.yaml' },
        { type: 'file', path: '.process/waivers.yaml' }
      ])
      .get('/repos/o/r/contents/.process%2Fgraph.yaml')
      .query({ ref: unknownBase })
      .reply(200, {
        type: 'file',
        path: '.process/graph.yaml',
        encoding: 'base64',
        content: b64(GRAPH)
      })
      .get('/repos/o/r/contents/.process%2Fwaivers.yaml')
      .query({ ref: unknownBase })
      .reply(200, {
        type: 'file',
        path: '.process/waivers.yaml',
        encoding: 'base64',
        content: b64(WAIVER)
      })
    const { io, deps } = setup(root, unknownBase, headSha)
    await run(deps)
    expect(io.outputs.passed).toBe('true')
    expect(shown(io)).toContain('(read with the contents API)')
    // The workspace has no waivers file: the base's waiver is in force, its removal is proposed.
    expect(shown(io)).toContain('- .process/waivers.yaml deleted')
  })

  it("policy-source head uses the pull request's own files (advisory) and says so", async () => {
    const { root, baseSha, headSha } = repository(
      { '.process/graph.yaml': GRAPH },
      { '.process/graph.yaml': GRAPH_WITHOUT_TESTS }
    )
    const { io, deps } = setup(root, baseSha, headSha, { 'policy-source': 'head' })
    await run(deps)
    expect(io.outputs.passed).toBe('true')
    expect(io.log.join('\n')).toContain('policy-source is head')
  })
})

describe('flow gates --policy-ref', () => {
  it("checks against the ref's policy, lists the head's changes as proposed and ignores an unverifiable waiver", async () => {
    const { root } = repository(
      { '.process/graph.yaml': GRAPH },
      { '.process/graph.yaml': GRAPH_WITHOUT_TESTS, '.process/waivers.yaml': WAIVER }
    )
    const out: string[] = []
    const code = await gatesCommand({
      root,
      flags: { stage: 'dev', 'policy-ref': 'HEAD~1' },
      positionals: [],
      now,
      out: (t: string) => void out.push(t),
      err: () => undefined
    } as never)
    expect(code).toBe(1)
    const text = out.join('\n')
    expect(text).toContain('G-tests')
    expect(text).toContain('.process/graph.yaml modified: drops gate G-tests')
    expect(text).toMatch(/waiver G-tests \/ tests by cto .*unverified, ignored/)
  })

  it('refuses a ref that is not a commit, naming it', async () => {
    const { root } = repository({ '.process/graph.yaml': GRAPH }, {})
    await expect(
      gatesCommand({
        root,
        flags: { stage: 'dev', 'policy-ref': 'no-such-branch' },
        positionals: [],
        now,
        out: () => undefined,
        err: () => undefined
      } as never)
    ).rejects.toThrow(/--policy-ref "no-such-branch" is not a commit/)
  })
})
