import { describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  computeRecalibration,
  parseMargin,
  readHistoryFolder,
  renderDashboard
} from '../../shared/recalibrate/index.js'
import { fixtureRepo, NOW } from './helpers.js'

/** Chromium is a system package CI installs (scripts/system-deps.sh); without it this test fails, never skips. */
function chromium(): string {
  for (const name of ['chromium', 'chromium-browser']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim()
  }
  throw new Error(
    'Chromium is not installed: the dashboard test renders it headless. Install it with: apt-get update && apt-get install -y chromium'
  )
}

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--hide-scrollbars'
]

describe('the HTML dashboard in headless Chromium', () => {
  const root = fixtureRepo()
  const history = readHistoryFolder(root, 'history')
  const result = computeRecalibration({
    root,
    graphPath: '.process/graph.yaml',
    entries: history.entries,
    problems: history.problems,
    now: NOW,
    minRuns: 5,
    margin: parseMargin('1%')
  })
  // A hostile test name must stay text.
  result.flaky.push({
    test: '<script>alert(1)</script><img src=x onerror=alert(2)>',
    sha: 'ff'.repeat(20),
    failedIn: ['a'],
    passedIn: ['b'],
    basis: 'inferred'
  })
  const html = renderDashboard(result)
  const dir = mkdtempSync(path.join(tmpdir(), 'flow-dash-'))
  const file = path.join(dir, 'dashboard.html')
  writeFileSync(file, html)

  it('is self-contained: no script, nothing fetched', () => {
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/\s(src|href)=["']?(https?:)?\/\//i)
    expect(html).toContain("default-src 'none'")
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('renders the charts (DOM dump) and a non-trivial screenshot', () => {
    const bin = chromium()
    const dom = execFileSync(bin, [...FLAGS, '--dump-dom', `file://${file}`], {
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'ignore']
    })
    const charts = [...dom.matchAll(/<figure class="chart" data-metric="([^"]+)">/g)].map(
      (m) => m[1]
    )
    expect(charts).toEqual(
      expect.arrayContaining([
        'coverage.lines',
        'coverage.branches',
        'tests.pass_rate',
        'sarif.errors'
      ])
    )
    expect((dom.match(/<polyline class="series"/g) ?? []).length).toBe(charts.length)
    // DORA's four keys, as the browser laid them out.
    for (const key of [
      'Deployment frequency',
      'Lead time for changes',
      'Change failure rate',
      'Time to restore'
    ])
      expect(dom).toContain(`<td>${key}</td>`)
    // Seven runs of coverage.lines: seven points; the proposal draws old and new thresholds.
    const lines = dom.slice(dom.indexOf('data-metric="coverage.lines"'))
    expect((lines.slice(0, lines.indexOf('</figure>')).match(/<circle /g) ?? []).length).toBe(7)
    expect(lines.slice(0, lines.indexOf('</figure>'))).toContain('class="threshold-new"')
    expect(dom).toContain('class="bar"')
    expect(dom).not.toContain('<img src="x"')

    const png = path.join(dir, 'dashboard.png')
    execFileSync(
      bin,
      [...FLAGS, `--screenshot=${png}`, '--window-size=1280,2400', `file://${file}`],
      { timeout: 60_000, stdio: 'ignore' }
    )
    const buf = readFileSync(png)
    expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
    expect(buf.readUInt32BE(16)).toBe(1280)
    expect(buf.readUInt32BE(20)).toBe(2400)
    // A blank page compresses to a few KiB; charts, text and colours do not.
    expect(statSync(png).size).toBeGreaterThan(30_000)
  })
})
