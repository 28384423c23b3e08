/**
 * Faults of the services the actions call: the GitHub API (5xx, ECONNRESET, primary and secondary
 * rate limits, 401, 404, a fork's read-only 403) on check-gates' sticky comment, the artifact
 * service (failure, 409 name clash) on check-gates' report upload, and the cache service on
 * mutation-gate's incremental file. Each degrades safely: the verdict and the summary stand,
 * a warning says what failed, nothing is posted twice, the token is never printed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { run as checkGates, type CheckGatesDeps } from '../../actions/check-gates/main.js'
import { run as mutationGate } from '../../actions/mutation-gate/main.js'
import type { CacheClient } from '../../shared/mutation/incremental.js'
import { createRunnerIO } from '../../shared/action.js'
import { createGitHubClient } from '../../shared/github/index.js'
import { parseAnnotations, parseFileCommands } from '../helpers/run-action.js'
import { FakeIO } from '../diagram/fake-io.js'
import { FAKE_TOKEN, junitWith, workspace } from './support.js'

const API = 'https://api.github.com'
const COMMENTS = '/repos/o/r/issues/7/comments'

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})
afterEach(() => nock.cleanAll())

function setup(inputs: Record<string, string>, files: Record<string, string> = {}, fork = false) {
  const root = workspace(files, 'hostile/repo')
  const temp = mkdtempSync(path.join(tmpdir(), 'hostile-runner-'))
  const eventPath = path.join(temp, 'event.json')
  writeFileSync(
    eventPath,
    JSON.stringify({
      pull_request: {
        number: 7,
        title: 't',
        body: '',
        user: { login: 'carol' },
        labels: [],
        head: { sha: 'abc', repo: { full_name: fork ? 'mallory/r' : 'o/r' } },
        base: { repo: { full_name: 'o/r' } }
      }
    })
  )
  const io = new FakeIO(
    // The workspace's own policy: these tests are about the API; the base policy has its own tests.
    {
      'upload-report': 'false',
      token: FAKE_TOKEN,
      comment: 'true',
      stage: 'staging',
      'policy-source': 'head',
      ...inputs
    },
    {
      GITHUB_WORKSPACE: root,
      RUNNER_TEMP: temp,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '9',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'gates',
      GITHUB_WORKFLOW: 'CI',
      GITHUB_EVENT_NAME: 'pull_request'
    }
  )
  const sleeps: number[] = []
  const deps: CheckGatesDeps = {
    io,
    now: () => new Date('2026-11-01T12:00:00Z'),
    github: async (token) =>
      createGitHubClient({
        token,
        baseUrl: API,
        sleep: async (ms) => void sleeps.push(ms),
        maxWaitSeconds: 120
      })
  }
  return { io, deps, sleeps }
}

/** What every fault must leave: the verdict from the evidence, the summary, no token anywhere. */
function expectVerdictStands(io: FakeIO, passed: boolean): void {
  expect(io.outputs.passed).toBe(String(passed))
  expect(io.summary).toContain(passed ? 'Gates passed' : 'Gates failed')
  if (passed) expect(io.failure).toBeUndefined()
  const all = JSON.stringify([io.log, io.warnings, io.summary, io.outputs, io.failure ?? ''])
  expect(all).not.toContain(FAKE_TOKEN)
  expect(all).not.toMatch(/\n\s+at .+:\d+:\d+/)
}

const created = { id: 1, html_url: 'https://github.com/o/r/pull/7#issuecomment-1' }
const user403 = () =>
  nock(API).get('/user').reply(403, { message: 'Resource not accessible by integration' })

describe('GitHub API faults on the sticky comment (check-gates)', () => {
  it('5xx on reading the comments: retried with backoff, then the comment is posted once', async () => {
    const { io, deps, sleeps } = setup({})
    user403()
    nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(502, 'bad gateway')
      .get(COMMENTS)
      .query(true)
      .reply(503, { message: 'unavailable' })
      .get(COMMENTS)
      .query(true)
      .reply(200, [])
    const post = nock(API).post(COMMENTS).once().reply(201, created)
    await checkGates(deps)
    expect(post.isDone()).toBe(true)
    expect(sleeps.length).toBeGreaterThanOrEqual(2)
    expect(io.warnings).toEqual([])
    expectVerdictStands(io, true)
  })

  it('ECONNRESET on reading the comments: retried, then posted', async () => {
    const { io, deps } = setup({})
    user403()
    nock(API)
      .get(COMMENTS)
      .query(true)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .get(COMMENTS)
      .query(true)
      .reply(200, [])
    nock(API).post(COMMENTS).reply(201, created)
    await checkGates(deps)
    expect(io.log.join('\n')).toContain('Pull request comment created')
    expectVerdictStands(io, true)
  })

  it('5xx that persists: a warning after bounded retries, the verdict (failed) unchanged', async () => {
    const { io, deps, sleeps } = setup({}, { 'reports/junit.xml': junitWith(['breaks']) })
    user403()
    // The change (for changes.* and new-code coverage) reads fine; the comment is what fails.
    nock(API).get('/repos/o/r/pulls/7/files').query(true).reply(200, [])
    nock(API).get(COMMENTS).query(true).times(10).reply(500, { message: 'boom' })
    await checkGates(deps)
    expect(sleeps.length).toBeLessThanOrEqual(5)
    expect(
      io.warnings.some((w) => /comment/i.test(w.message) && /500|server/i.test(w.message))
    ).toBe(true)
    expectVerdictStands(io, false)
    expect(io.failure).toMatch(/G-verify/)
  })

  it('403 primary rate limit with a reset beyond the wait budget: a warning giving the reset time', async () => {
    const { io, deps } = setup({})
    user403()
    const reset = Math.floor(Date.now() / 1000) + 3600
    nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(
        403,
        { message: 'API rate limit exceeded' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }
      )
    await checkGates(deps)
    expect(io.warnings.some((w) => /rate limit/i.test(w.message) && /reset/i.test(w.message))).toBe(
      true
    )
    expectVerdictStands(io, true)
  })

  it('429 secondary rate limit with retry-after: waits as told, then posts once', async () => {
    const { io, deps, sleeps } = setup({})
    user403()
    nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(429, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '7' })
      .get(COMMENTS)
      .query(true)
      .reply(200, [])
    const post = nock(API).post(COMMENTS).once().reply(201, created)
    await checkGates(deps)
    expect(sleeps).toContain(7000)
    expect(post.isDone()).toBe(true)
    expectVerdictStands(io, true)
  })

  it('403 secondary rate limit without retry-after: waits a minute, then posts', async () => {
    const { io, deps, sleeps } = setup({})
    user403()
    nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(403, {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
      })
      .get(COMMENTS)
      .query(true)
      .reply(200, [])
    nock(API).post(COMMENTS).reply(201, created)
    await checkGates(deps)
    expect(sleeps).toContain(60_000)
    expectVerdictStands(io, true)
  })

  it.each([
    [401, 'Bad credentials', /token/i],
    [404, 'Not Found', /not found|404|repository/i]
  ])(
    '%i on the comment: a clear warning, not retried forever, the verdict unchanged',
    async (status, message, says) => {
      const { io, deps, sleeps } = setup({})
      user403()
      nock(API).get(COMMENTS).query(true).times(5).reply(status, { message })
      await checkGates(deps)
      expect(sleeps.length).toBeLessThanOrEqual(3)
      expect(io.warnings.some((w) => says.test(w.message))).toBe(true)
      expectVerdictStands(io, true)
    }
  )

  it('fork pull request: 403 on the comment becomes a warning naming the read-only token, verdict unchanged', async () => {
    const { io, deps } = setup({}, {}, true)
    user403()
    nock(API)
      .get(COMMENTS)
      .query(true)
      .reply(200, [])
      .post(COMMENTS)
      .reply(403, { message: 'Resource not accessible by integration' })
    await checkGates(deps)
    expect(
      io.warnings.some(
        (w) => w.message.includes('fork is read-only') && w.message.includes('verdict is unchanged')
      )
    ).toBe(true)
    expectVerdictStands(io, true)
  })
})

describe('artifact service faults (check-gates report upload)', () => {
  it.each([
    ['a 409 name clash', '(409) Conflict: an artifact with this name already exists'],
    [
      'a service failure',
      'Failed to CreateArtifact: Received non-retryable error: Failed request: (503) Service Unavailable'
    ],
    ['a stalled blob upload', 'Upload progress stalled.']
  ])(
    '%s warns; the verdict, report and summary stand, and the token in the error is redacted',
    async (_label, message) => {
      // The real runner I/O (not a fake), so the redaction of the warning is the product's own.
      const root = workspace({ 'reports/junit.xml': junitWith(['breaks']) }, 'hostile/repo')
      const temp = mkdtempSync(path.join(tmpdir(), 'hostile-runner-'))
      const files = {
        GITHUB_OUTPUT: path.join(temp, 'output'),
        GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md')
      }
      for (const f of Object.values(files)) writeFileSync(f, '')
      let stdout = ''
      const io = createRunnerIO(
        {
          INPUT_STAGE: 'staging',
          'INPUT_UPLOAD-REPORT': 'true',
          INPUT_TOKEN: FAKE_TOKEN,
          GITHUB_WORKSPACE: root,
          RUNNER_TEMP: temp,
          GITHUB_RUN_ID: '9',
          GITHUB_RUN_ATTEMPT: '1',
          GITHUB_JOB: 'gates',
          GITHUB_WORKFLOW: 'CI',
          ...files
        },
        (t) => void (stdout += t)
      )
      const exitCode = process.exitCode
      await checkGates({
        io,
        upload: async () => {
          throw new Error(`${message} (Authorization: token ${FAKE_TOKEN})`)
        }
      })
      process.exitCode = exitCode
      const outputs = parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8'))
      const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
      const warnings = parseAnnotations(stdout).filter((a) => a.level === 'warning')
      expect(
        warnings.some(
          (w) =>
            w.message.includes('Could not upload the report as an artifact') &&
            w.message.includes(message.slice(0, 10))
        )
      ).toBe(true)
      expect(outputs.passed).toBe('false')
      expect(summary).toContain('Gates failed')
      expect(JSON.parse(readFileSync(outputs.report, 'utf8'))).toMatchObject({ verdict: 'failed' })
      for (const text of [stdout, summary, JSON.stringify(outputs)])
        expect(text).not.toContain(FAKE_TOKEN)
      expect(stdout).toContain('token ***')
    }
  )
})

describe('cache service faults (mutation-gate incremental cache)', () => {
  const report = JSON.stringify({
    schemaVersion: '2',
    thresholds: { high: 80, low: 60 },
    files: {
      'src/a.js': {
        language: 'javascript',
        source: 'x\n',
        mutants: [
          {
            id: '1',
            mutatorName: 'M',
            replacement: 'y',
            status: 'Killed',
            location: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } }
          }
        ]
      }
    }
  })
  const failing = (restore: Error, save: Error): CacheClient => ({
    isFeatureAvailable: () => true,
    restoreCache: async () => {
      throw restore
    },
    saveCache: async () => {
      throw save
    }
  })

  it.each([
    [
      'a 5xx',
      new Error('Cache service responded with 503'),
      new Error('Cache service responded with 500')
    ],
    [
      'a timeout',
      Object.assign(new Error('Request timeout: /cache'), { code: 'ETIMEDOUT' }),
      new Error('Request timeout')
    ],
    [
      'a reserve conflict',
      new Error('Cache service responded with 409'),
      Object.assign(
        new Error('Unable to reserve cache with key x, another job may be creating this cache.'),
        { name: 'ReserveCacheError' }
      )
    ]
  ])(
    '%s warns in prepare and evaluate; the score and verdict are those without a cache',
    async (_label, restore, save) => {
      const root = workspace({ 'r.json': report, 'reports/stryker-incremental.json': '{}' })
      const run = async (env: Record<string, string>) => {
        const io = new FakeIO(
          { report: 'r.json', incremental: 'true', threshold: '100' },
          {
            GITHUB_WORKSPACE: root,
            RUNNER_TEMP: mkdtempSync(path.join(tmpdir(), 'hostile-rt-')),
            ...env
          }
        )
        await mutationGate({ io, workspace: root, loadCache: async () => failing(restore, save) })
        return io
      }
      const prep = await run({ FLOW_MUTATION_PHASE: 'prepare' })
      expect(prep.failure).toBeUndefined()
      expect(prep.warnings.map((w) => w.message).join()).toMatch(/restoring the cache failed/)
      const io = await run({})
      expect(io.failure).toBeUndefined()
      expect(io.outputs.score).toBe('100')
      expect(io.outputs.passed).toBe('true')
      expect(io.warnings.map((w) => w.message).join()).toMatch(/saving the cache failed/)
    }
  )
})
