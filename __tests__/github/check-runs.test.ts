import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import type { Annotation } from '../../shared/annotations.js'
import {
  ANNOTATIONS_PER_REQUEST,
  createCheckRun,
  fitCheckText,
  MAX_CHECK_TEXT
} from '../../shared/github/check-runs.js'
import { redact } from '../../shared/redact.js'
import { api, testClient } from './helpers.js'

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})
afterEach(() => nock.cleanAll())

const TOKEN = 'ghs_checkRunTokenCheckRunToken0123456789'
const failing = (n: number): Annotation[] =>
  Array.from({ length: n }, (_, i) => ({
    level: 'error' as const,
    title: `test ${i} failed`,
    message: `expected ${i} to equal ${i + 1} (${TOKEN})`,
    file: `src/file${i % 7}.test.ts`,
    line: i + 1
  }))
const params = (annotations: Annotation[]) => ({
  owner: 'o',
  repo: 'r',
  headSha: 'a'.repeat(40),
  name: 'flow-actions gates (staging)',
  conclusion: 'failure' as const,
  title: '1 gate failed',
  summary: `## Gates\n\nG-quality failed; token ${TOKEN}`,
  annotations,
  redact: (t: string) => redact(t, [TOKEN])
})

describe('check runs', () => {
  it('creates one check run and sends 120 annotations in three requests of at most 50', async () => {
    const sent: number[] = []
    const bodies: string[] = []
    api()
      .post(
        '/repos/o/r/check-runs',
        (b: {
          head_sha: string
          status: string
          conclusion: string
          output: { annotations: unknown[] }
        }) => {
          bodies.push(JSON.stringify(b))
          sent.push(b.output.annotations.length)
          return (
            b.head_sha === 'a'.repeat(40) && b.status === 'completed' && b.conclusion === 'failure'
          )
        }
      )
      .reply(201, { id: 99, html_url: 'https://github.com/o/r/runs/99' })
    api()
      .patch('/repos/o/r/check-runs/99', (b: { output: { annotations: unknown[] } }) => {
        bodies.push(JSON.stringify(b))
        sent.push(b.output.annotations.length)
        return true
      })
      .times(2)
      .reply(200, { id: 99 })
    const r = await createCheckRun(testClient().client, params(failing(120)))
    expect(r).toEqual({
      created: true,
      id: 99,
      url: 'https://github.com/o/r/runs/99',
      annotations: 120,
      requests: 3
    })
    expect(sent).toEqual([50, 50, 20])
    expect(Math.max(...sent)).toBeLessThanOrEqual(ANNOTATIONS_PER_REQUEST)
    expect(nock.isDone()).toBe(true)
    // Every text sent is redacted.
    expect(bodies.join('\n')).not.toContain(TOKEN)
    expect(bodies.join('\n')).not.toContain('checkRunToken')
  })

  it('a 403 from a fork token creates nothing and reports why, so the caller can warn once and keep its verdict', async () => {
    api()
      .post('/repos/o/r/check-runs')
      .reply(403, { message: 'Resource not accessible by integration' })
    const r = await createCheckRun(testClient().client, params(failing(3)))
    expect(r.created).toBe(false)
    if (!r.created) expect(r.reason).toMatch(/read-only|403/)
    expect(nock.isDone()).toBe(true)
  })

  it('other failures are errors, not silent', async () => {
    api().post('/repos/o/r/check-runs').reply(422, { message: 'Invalid request' })
    await expect(createCheckRun(testClient().client, params([]))).rejects.toThrow()
  })

  it('cuts the summary to the 65,535-character limit and says so', () => {
    const long = 'x'.repeat(MAX_CHECK_TEXT + 10)
    const fitted = fitCheckText(long)
    expect(fitted.length).toBeLessThanOrEqual(MAX_CHECK_TEXT)
    expect(fitted).toContain('cut to fit the Checks API limit')
    expect(fitCheckText('short')).toBe('short')
  })
})
