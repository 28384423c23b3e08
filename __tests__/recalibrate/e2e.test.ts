import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { runBundledAction } from '../helpers/run-action.js'
import { fixtureRepo, fixtures } from './helpers.js'
import { makeZip } from './zip-helper.js'

/**
 * A stand-in for the GitHub REST API on loopback, so the bundle makes real HTTP requests the way
 * it does on a runner: default branch, runs, artifacts (302 to a blob URL), merged pull requests.
 */
function fakeGitHub(): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = []
  const report = readFileSync(path.join(fixtures, 'history', 'gates-105-1.json'), 'utf8')
  let failedOnce = false
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    requests.push(`${req.method} ${url.pathname}`)
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (url.pathname === '/repos/o/r') return json(200, { default_branch: 'main' })
    if (url.pathname === '/repos/o/r/actions/runs') {
      // One 503 first: the bundle's client retries reads.
      if (!failedOnce) {
        failedOnce = true
        return json(503, { message: 'unavailable' })
      }
      return json(200, {
        total_count: 1,
        workflow_runs: [
          {
            id: 301,
            run_attempt: 1,
            head_sha: 'cd'.repeat(20),
            head_branch: 'main',
            event: 'push',
            head_repository: { full_name: 'o/r' }
          }
        ]
      })
    }
    if (url.pathname === '/repos/o/r/actions/runs/301/artifacts')
      return json(200, {
        total_count: 1,
        artifacts: [
          { id: 31, name: 'flow-report-dev-verify-1-attempt-1', size_in_bytes: 900, expired: false }
        ]
      })
    if (url.pathname === '/repos/o/r/actions/artifacts/31/zip') {
      res.writeHead(302, {
        location: `http://127.0.0.1:${(server.address() as AddressInfo).port}/blob/31.zip`
      })
      return res.end()
    }
    if (url.pathname === '/blob/31.zip') {
      res.writeHead(200, { 'content-type': 'application/zip' })
      return res.end(makeZip([{ name: 'flow-report-dev.json', data: report }]))
    }
    if (url.pathname === '/repos/o/r/pulls') return json(200, [])
    return json(404, { message: 'Not Found' })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        requests
      })
    )
  )
}

describe('dist/recalibrate under Node 24', () => {
  let api: Awaited<ReturnType<typeof fakeGitHub>>
  beforeAll(async () => {
    api = await fakeGitHub()
  })
  afterAll(() => new Promise<void>((resolve) => api.server.close(() => resolve())))

  it('reads artifacts and local history, writes the summary, dashboard and outputs on a dry run', async () => {
    const workspace = fixtureRepo()
    const before = readFileSync(path.join(workspace, '.process/graph.yaml'), 'utf8')
    const run = await runBundledAction('recalibrate', {
      workspace,
      eventName: 'schedule',
      inputs: {
        'history-path': 'history',
        'dry-run': 'true',
        'upload-dashboard': 'false',
        token: 'ghs_e2eTOKENe2eTOKENe2eTOKEN123456'
      },
      env: { GITHUB_API_URL: api.url, GITHUB_REPOSITORY: 'o/r' }
    })
    expect(process.versions.node.split('.')[0]).toBe('24')
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    expect(run.outputs.proposals).toBe('4')
    expect(run.outputs['pull-request']).toBe('')
    expect(run.outputs['flaky-tests']).toBe('1')
    expect(run.summary).toContain('## flow\\-actions recalibration')
    // The artifact holds a copy of a local report: read, and counted once.
    expect(run.stdout).toContain('1 report(s) from 1 artifact(s) of 1 run(s).')
    expect(run.summary).toContain('12 report(s) from 11 run(s)')
    expect(run.summary).toContain('Dry run: nothing was written')
    expect(readFileSync(run.outputs.dashboard, 'utf8')).toContain(
      '<figure class="chart" data-metric="coverage.lines">'
    )
    expect(readFileSync(path.join(workspace, '.process/graph.yaml'), 'utf8')).toBe(before)
    expect(api.requests).toEqual(
      expect.arrayContaining([
        'GET /repos/o/r',
        'GET /repos/o/r/actions/runs',
        'GET /repos/o/r/actions/artifacts/31/zip',
        'GET /blob/31.zip',
        'GET /repos/o/r/pulls'
      ])
    )
    expect(api.requests.filter((r) => r === 'GET /repos/o/r/actions/runs')).toHaveLength(2)
    // The token is registered for masking and never printed otherwise.
    expect(run.stdout.split('\n').filter((l) => l.includes('ghs_e2eTOKEN'))).toEqual([
      '::add-mask::ghs_e2eTOKENe2eTOKENe2eTOKEN123456'
    ])
  })

  it('fails with the action name and no stack trace on a bad input', async () => {
    const run = await runBundledAction('recalibrate', {
      workspace: fixtureRepo(),
      inputs: { 'min-runs': 'many' },
      env: { GITHUB_API_URL: api.url, GITHUB_REPOSITORY: 'o/r' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.annotations[0]).toMatchObject({
      level: 'error',
      message: 'recalibrate: Input "min-runs" must be a whole number from 1 to 500, not "many".'
    })
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
  })
})
