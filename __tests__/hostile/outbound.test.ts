/**
 * Outbound text (issue 12 item 5, trust review F1, F21, F23): a token quoted by evidence reaches
 * no outbound text in any form. Escaping used to run before redaction, so `ghs\_…` (which GitHub
 * renders as the token) slipped into the summary and the PR comment, and the comment and the
 * canary report were never redacted at all. Bidi controls are made visible, zero-width dropped.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { run as runCheckGates } from '../../actions/check-gates/main.js'
import { createRunnerIO, inputEnvName } from '../../shared/action.js'
import { formatAnnotation } from '../../shared/annotations.js'
import {
  escapeCommandData,
  escapeMarkdown,
  inlineCode,
  visibleControls
} from '../../shared/escape.js'
import { createGitHubClient } from '../../shared/github/index.js'
import { redact, registerSecret, secretsFromEnv } from '../../shared/redact.js'
import { parseFileCommands } from '../helpers/run-action.js'
import { runInProcess } from '../canary/support/in-process.js'
import { expectNoSecret, junitWith, shop, workspace } from './support.js'

const API = 'https://api.github.com'
const TOKEN = 'ghs_OUTBOUNDtokenOUTBOUNDtoken0123456789'
/** Not token-shaped: only its registration (a credential-named env variable) can catch it. */
const PASSWORD = 'hunter2-hunter2.secret_value'

describe('redaction matches the escaped forms of a secret', () => {
  it('redacts a token and a registered value raw, markdown-, HTML-, command- and JSON-escaped', () => {
    const forms = [
      TOKEN,
      TOKEN.replace(/_/g, '\\_'),
      PASSWORD,
      PASSWORD.replace(/([-._])/g, '\\$1'),
      escapeCommandData(PASSWORD),
      JSON.stringify(`x-api-key ${PASSWORD}`)
    ]
    for (const form of forms)
      expectNoSecret(
        [redact(`before ${form} after`, [PASSWORD])],
        form.startsWith('ghs') ? TOKEN : PASSWORD
      )
    expect(redact('x\\-api\\-key hunter2\\-hunter2\\.secret\\_value', [PASSWORD])).toBe(
      'x\\-api\\-key ***'
    )
    expect(redact(`Authorization: token ${TOKEN}`)).toBe('Authorization: token ***')
    expect(redact('Bearer abcdefghijklmnopqrstuvwxyz0123')).toBe('Bearer ***')
    expect(redact('Bearer abcdefghij\\-klmnopqrstuvwxyz0123')).toBe('Bearer ***')
  })

  it('escapeMarkdown and inlineCode redact before escaping (and before truncating half a token)', () => {
    registerSecret(PASSWORD)
    const long = `${'x'.repeat(480)} ${PASSWORD}`
    for (const text of [
      escapeMarkdown(`login failed: ${PASSWORD}`),
      escapeMarkdown(long),
      inlineCode(`key ${PASSWORD}`),
      escapeMarkdown(`t ${TOKEN}`)
    ]) {
      expectNoSecret([text], PASSWORD)
      expectNoSecret([text], TOKEN)
      expect(text).not.toContain('hunter2')
    }
    expect(escapeMarkdown(`t ${TOKEN}`)).toContain('\\*\\*\\*')
  })

  it('takes credential-named environment variables, not paths or addresses beside them', () => {
    expect(
      secretsFromEnv({
        PLATFORM_TOKEN: 'plat-SECRET-0001',
        DEPLOY_PASSWORD: PASSWORD,
        SSH_AUTH_SOCK: '/tmp/ssh-XXXX/agent.1',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x.example/t',
        INPUT_AUTHOR: 'alice smith',
        SHORT_TOKEN: 'abc'
      }).sort()
    ).toEqual([PASSWORD, 'plat-SECRET-0001'].sort())
  })
})

describe('bidi and zero-width characters in untrusted text (F23)', () => {
  const name = 'login \u202etxt.exe\u202c ok\u200b\u2066 see\u200d\ufeff\u2060 \u061c\u200e\u200f'
  it('are shown as code points (bidi) or dropped (zero-width) in markdown, code spans, annotations and outputs', () => {
    const outputs = [
      escapeMarkdown(name),
      inlineCode(name),
      formatAnnotation({ level: 'error', title: name, message: name })
    ]
    for (const out of outputs) {
      expect(out).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200b\u200e\u200f\u061c\ufeff\u2060]/)
      // Markdown escapes the + (`U\+202E`): what matters is what the page shows.
      expect(out.replace(/\\/g, '')).toContain('[U+202E]')
      expect(out.replace(/\\/g, '')).toContain('[U+2066]')
    }
    expect(visibleControls(name)).toBe(
      'login [U+202E]txt.exe[U+202C] ok[U+2066] see [U+061C][U+200E][U+200F]'
    )
    // The zero-width joiner that escapeMarkdown itself puts after @ to stop mentions stays.
    expect(escapeMarkdown('@octocat')).toBe('@\u200doctocat')
  })

  it('issue references are broken like mentions, HTML entities are left whole', () => {
    expect(escapeMarkdown("see org/repo#12 and #3, it's #x")).toBe(
      'see org/repo\\#\u200d12 and \\#\u200d3, it&\\#39;s \\#x'
    )
    const secret = 'pass#1234-word'
    expect(redact(escapeMarkdown(`pw ${secret}`), [secret])).toBe('pw ***')
  })
})

describe('check-gates: a token quoted in a JUnit failure message (F1)', () => {
  beforeAll(() => nock.disableNetConnect())
  afterAll(() => {
    nock.enableNetConnect()
    nock.restore()
  })
  afterEach(() => nock.cleanAll())

  it('appears in no form in the summary, the summary file, the comment sent to the API, the annotations, the outputs or the report', async () => {
    const message = `login failed with token ${TOKEN}; x-api-key ${PASSWORD}; Authorization: token ${TOKEN}`
    const root = shop({
      'reports/junit.xml': junitWith([`uses ${TOKEN}`, `login \u202etxt.exe ${PASSWORD}`], message)
    })
    const temp = mkdtempSync(path.join(tmpdir(), 'outbound-runner-'))
    const files = {
      GITHUB_OUTPUT: path.join(temp, 'output'),
      GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md'),
      GITHUB_EVENT_PATH: path.join(temp, 'event.json')
    }
    writeFileSync(files.GITHUB_OUTPUT, '')
    writeFileSync(files.GITHUB_STEP_SUMMARY, '')
    writeFileSync(
      files.GITHUB_EVENT_PATH,
      JSON.stringify({
        pull_request: {
          number: 7,
          title: 't',
          body: '',
          user: { login: 'carol' },
          labels: [],
          head: { sha: 'abc', repo: { full_name: 'o/r' } },
          base: { sha: 'def', repo: { full_name: 'o/r' } }
        }
      })
    )
    const env: Record<string, string> = {
      ...files,
      GITHUB_WORKSPACE: root,
      RUNNER_TEMP: temp,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '1',
      GITHUB_WORKFLOW: 'CI',
      DEPLOY_PASSWORD: PASSWORD,
      [inputEnvName('stage')]: 'staging',
      [inputEnvName('comment')]: 'true',
      [inputEnvName('upload-report')]: 'false',
      [inputEnvName('token')]: TOKEN,
      // The workspace is no git repository: the policy is read from it, not from the base commit.
      [inputEnvName('policy-source')]: 'head'
    }
    const posted: string[] = []
    nock(API)
      .persist()
      .post(
        /\/repos\/o\/r\/issues\/7\/comments/,
        (b: { body?: unknown }) => (typeof b?.body === 'string' && posted.push(b.body), true)
      )
      .reply(201, { id: 1, html_url: 'https://github.com/o/r/pull/7#issuecomment-1' })
      .get(/\/repos\/o\/r\/issues\/7\/comments/)
      .reply(200, [])
      .get(/.*/)
      .reply(403, { message: 'Resource not accessible by integration' })
    let stdout = ''
    const io = createRunnerIO(env, (t) => (stdout += t))
    const previousExitCode = process.exitCode
    await runCheckGates({
      io,
      now: () => new Date('2026-11-01T12:00:00Z'),
      github: async (token) =>
        createGitHubClient({ token, baseUrl: API, sleep: async () => undefined })
    })
    process.exitCode = previousExitCode

    const outputs = parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8'))
    const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
    const summaryFile = readFileSync(outputs['summary-path'], 'utf8')
    const report = readFileSync(outputs.report, 'utf8')
    expect(outputs.passed).toBe('false')
    expect(posted).toHaveLength(1)
    // The failure really is shown (redacted), so the test would see a leak if there were one.
    expect(summary).toMatch(/login failed with token/)
    expect(posted[0]).toMatch(/login failed with token/)
    expect(stdout).toMatch(/::error [^\n]*login failed with token/)
    expect(report).toContain('login failed with token')
    const annotations = stdout.split('\n').filter((l) => /^::(error|warning|notice)/.test(l))
    expect(annotations.length).toBeGreaterThan(0)
    const everything = [
      summary,
      summaryFile,
      posted[0],
      annotations.join('\n'),
      stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
      JSON.stringify(outputs),
      report
    ]
    expectNoSecret(everything, TOKEN)
    expectNoSecret(everything, PASSWORD)
    for (const text of [summary, posted[0], annotations.join('\n')]) {
      expect(text).not.toContain('\u202e')
      expect(text.replace(/\\/g, '')).toContain('U+202E')
    }
  })
})

describe('canary-rollout: a command that echoes its credential (F21)', () => {
  let server: Server
  let url = ''
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('leaves no trace of it in the rollout report, the summary, the outputs or the log', async () => {
    const secret = 'plat-SECRET-7c1e-0a9b-55d2'
    const ws = workspace({
      'probes.yml': `probes:\n  - name: home\n    url: ${url}/\n    timeout: 1s\n    expect:\n      status: [200]\n`
    })
    const previous = process.env.PLATFORM_TOKEN
    process.env.PLATFORM_TOKEN = secret
    try {
      const r = await runInProcess(ws, {
        steps: '100',
        'step-duration': '1s',
        interval: '500ms',
        'probes-file': 'probes.yml',
        'set-weight-command':
          'set -x; echo "mycli login --user deploy --password $PLATFORM_TOKEN"; echo "escaped: ${PLATFORM_TOKEN//-/\\\\-}"',
        'promote-command': 'echo "promote with $PLATFORM_TOKEN"',
        'rollback-command': 'true'
      })
      const reportText = readFileSync(path.join(ws, r.outputs.report), 'utf8')
      // The command ran and its output is in the report, with the credential replaced.
      expect(reportText).toContain('mycli login --user deploy --password ***')
      expectNoSecret([reportText, r.summary, JSON.stringify(r.outputs), r.stdout], secret)
    } finally {
      if (previous === undefined) delete process.env.PLATFORM_TOKEN
      else process.env.PLATFORM_TOKEN = previous
    }
  }, 30_000)
})
