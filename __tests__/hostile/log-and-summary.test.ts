/**
 * What hostile text can do to the log, the outputs and the job summary: workflow commands inside
 * evidence (never parsed as commands: the harness's parser honours stop-commands as the runner
 * does), newlines and delimiters in outputs (exactly one key each), markdown, HTML and @mentions
 * in test names (escaped, nobody notified), 10,000 failures (summary under 1 MiB with an "N more"
 * line, at most 10 annotations per level), and a secret inside an error message (redacted).
 */
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createRunnerIO } from '../../shared/action.js'
import { parseFileCommands } from '../helpers/run-action.js'
import {
  countByLevel,
  FAKE_TOKEN,
  failureOf,
  junitWith,
  runHostile,
  workspace,
  type HostileRun
} from './support.js'

const repo = (files: Record<string, string>) => workspace(files, 'hostile/repo')

/** Lines of stdout the runner would treat as commands: outside every stop-commands block. */
function commandLines(stdout: string): string[] {
  const out: string[] = []
  let stopped: string | undefined
  for (const line of stdout.split('\n')) {
    if (stopped) {
      if (line === `::${stopped}::`) stopped = undefined
      continue
    }
    const stop = /^::stop-commands::(.+)$/.exec(line)
    if (stop) stopped = stop[1]
    else if (line.startsWith('::')) out.push(line)
  }
  return out
}

const FORGED = [
  '::error file=FORGED.ts,line=1::FORGED-ERROR',
  '::add-mask::FORGED-MASK',
  '::stop-commands::FORGEDTOKEN',
  '::warning::FORGED-AFTER-STOP',
  '::set-output name=passed::true',
  '::FORGEDTOKEN::'
].join('\n')

function expectNothingForged(run: HostileRun): void {
  for (const a of run.annotations) {
    expect(a.props.file).not.toBe('FORGED.ts')
    expect(a.message.startsWith('FORGED')).toBe(false)
  }
  for (const line of commandLines(run.stdout)) {
    expect(line).not.toMatch(
      /^::(add-mask::FORGED|stop-commands::FORGEDTOKEN|set-output|warning::FORGED|FORGEDTOKEN::)/
    )
  }
  expect(run.outputs.passed).not.toBe('true')
}

describe('workflow commands inside evidence text', () => {
  it('check-gates: JUnit test names and failure messages holding ::error, ::add-mask:: and ::stop-commands:: create no command', async () => {
    const run = await runHostile('check-gates', {
      workspace: repo({
        'reports/junit.xml': junitWith([`name\n${FORGED}`], `message\n${FORGED}`)
      }),
      inputs: { stage: 'staging', 'upload-report': 'false' }
    })
    expect(run.exitCode).toBe(1)
    expectNothingForged(run)
    // The real verdict still reaches the log as a command: the forged stop-commands did not swallow it.
    expect(failureOf(run)).toMatch(/^check-gates: 1 gate\(s\) failed for stage staging: G-verify/)
    expect(
      run.annotations.some((a) => a.level === 'error' && a.props.file === '.process/graph.yaml')
    ).toBe(true)
  })

  it('the root verify action: the same evidence creates no command', async () => {
    const run = await runHostile('verify', {
      workspace: repo({
        'reports/junit.xml': junitWith([`name\n${FORGED}`], `message\n${FORGED}`)
      }),
      inputs: { stage: 'staging', 'upload-report': 'false' }
    })
    expect(run.exitCode).toBe(1)
    expectNothingForged(run)
  })

  it('check-gates: a SARIF result message holding workflow commands creates no command', async () => {
    const sarif = {
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'x', rules: [] } },
          results: [
            {
              ruleId: `r\n${FORGED}`,
              level: 'error',
              message: { text: `m\n${FORGED}` },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: `a.ts\n${FORGED}` },
                    region: { startLine: 1 }
                  }
                }
              ]
            }
          ]
        }
      ]
    }
    const run = await runHostile('check-gates', {
      workspace: repo({ 'reports/scan.sarif': JSON.stringify(sarif) }),
      inputs: { stage: 'staging', 'upload-report': 'false' }
    })
    expect(run.exitCode).toBe(1)
    expectNothingForged(run)
  })

  it('mutation-gate: a Stryker mutant replacement and test name holding workflow commands create no command', async () => {
    const report = {
      schemaVersion: '2',
      thresholds: { high: 80, low: 60 },
      files: {
        'src/a.js': {
          language: 'javascript',
          source: 'x\n',
          mutants: [
            {
              id: '1',
              mutatorName: `M\n${FORGED}`,
              replacement: `r\n${FORGED}`,
              status: 'Survived',
              location: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } }
            }
          ]
        }
      }
    }
    const run = await runHostile('mutation-gate', {
      workspace: workspace({ 'reports/mutation/mutation.json': JSON.stringify(report) }),
      inputs: { threshold: '50' }
    })
    expect(run.exitCode).toBe(1)
    expectNothingForged(run)
  })

  it('canary-rollout: a probe name holding a newline and workflow commands creates no command and no second output', async () => {
    const probes = `probes:\n  - name: ${JSON.stringify(`home\nx=y\n${FORGED}`)}\n    url: http://127.0.0.1:9/\n    timeout: 200ms\n`
    const run = await runHostile('canary-rollout', {
      workspace: workspace({ 'probes.yml': probes }),
      inputs: {
        steps: '50,100',
        'step-duration': '1s',
        interval: '300ms',
        'set-weight-command': 'true',
        'promote-command': 'true',
        'rollback-command': 'true',
        'probes-file': 'probes.yml'
      }
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.decision).toBe('rolled-back')
    expectNothingForged(run)
    expect(Object.keys(run.outputs).sort()).toEqual([
      'decision',
      'failed-checks',
      'final-weight',
      'report'
    ])
    expect(JSON.parse(run.outputs['failed-checks'])).toEqual([`home\nx=y\n${FORGED}`])
  })
})

describe('newlines and delimiters in outputs', () => {
  it.each([
    ['a newline and a second key', 'a\nx=y'],
    ['CRLF', 'a\r\nx=y\r\n'],
    ['a guessed delimiter', 'a\nghadelimiter_00000000-0000-0000-0000-000000000000\nx=y'],
    ['a heredoc opener', 'a\nx<<EOF\ny\nEOF']
  ])('the runner I/O writes a value with %s as exactly one key, round-tripped', (_label, value) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'hostile-out-')), 'output')
    writeFileSync(file, '')
    const io = createRunnerIO({ GITHUB_OUTPUT: file, GITHUB_STATE: file }, () => undefined)
    io.setOutput('report', value)
    io.saveState('phase', value)
    const parsed = parseFileCommands(readFileSync(file, 'utf8'))
    expect(Object.keys(parsed).sort()).toEqual(['phase', 'report'])
    expect(parsed.report).toBe(
      value.replace(/\r/g, '').replace(/\n$/, '') === value ? value : parsed.report
    )
    expect(parsed.report.replace(/\r/g, '')).toBe(
      value.replace(/\r/g, '').replace(/\n$/, value.endsWith('\n') ? '\n' : '')
    )
  })

  it('check-gates: a gate named with a newline and "x=y" is refused by the graph schema, never written to failed-gates', async () => {
    const graph = readFileSync(
      path.join(workspace({}, 'hostile/repo'), '.process/graph.yaml'),
      'utf8'
    ).replace(/G-verify/g, '"G-verify\\nx=y"')
    const run = await runHostile('check-gates', {
      workspace: repo({ '.process/graph.yaml': graph }),
      inputs: { stage: 'staging', 'upload-report': 'false' }
    })
    expect(run.exitCode).toBe(1)
    expect(Object.keys(run.outputs)).toEqual(['passed'])
    expect(run.outputs.passed).toBe('false')
  })
})

describe('markdown, HTML and @mentions in test names', () => {
  const names = [
    '@octocat please look',
    '<img src=x onerror=alert(1)>',
    '**bold** [link](https://evil.example) <!-- hidden -->',
    '| a | b |\n## Heading',
    '#123 closes @org/team',
    '<details><summary>x</summary>'
  ]

  it('check-gates escapes them in the summary: no tag, no heading, no table break, nobody mentioned', async () => {
    const run = await runHostile('check-gates', {
      workspace: repo({ 'reports/junit.xml': junitWith(names) }),
      inputs: { stage: 'staging', 'upload-report': 'false' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.summary).not.toMatch(/@octocat|@org\/team/)
    expect(run.summary).toContain('@\u200doctocat')
    // The summary's own <details> (passed gates) may appear; the test name's never does.
    expect(run.summary).not.toMatch(/<img|<!--|<details><summary>x/)
    expect(run.summary).not.toMatch(/^## Heading/m)
    expect(run.summary).not.toContain('](https://evil.example)')
    // Each table row keeps its column count whatever the names hold.
    const rows = run.summary.split('\n').filter((l) => l.startsWith('| '))
    const widths = new Set(rows.map((r) => r.split(/(?<!\\)\|/).length))
    expect(rows.length).toBeGreaterThan(0)
    expect(widths.size).toBeLessThanOrEqual(3)
  })

  it('mutation-gate escapes them in the summary', async () => {
    const report = {
      schemaVersion: '2',
      thresholds: { high: 80, low: 60 },
      files: {
        'src/@octocat.js': {
          language: 'javascript',
          source: 'x\n',
          mutants: names.map((n, i) => ({
            id: String(i),
            mutatorName: n,
            replacement: n,
            status: 'Survived',
            location: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } }
          }))
        }
      }
    }
    const run = await runHostile('mutation-gate', {
      workspace: workspace({ 'reports/mutation/mutation.json': JSON.stringify(report) }),
      inputs: { threshold: '50' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.summary).not.toMatch(/@octocat|@org\/team/)
    expect(run.summary).not.toMatch(/<img|<!--|<details>/)
    expect(run.summary).not.toMatch(/^## Heading/m)
  })
})

describe('10,000 failures against the summary and annotation limits', () => {
  it('check-gates: summary under 1 MiB with an "N more" line, at most 10 annotations per level, every failure in the report', async () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `case ${i} ${'x'.repeat(120)}`)
    const run = await runHostile('check-gates', {
      workspace: repo({ 'reports/junit.xml': junitWith(names, 'm'.repeat(2000)) }),
      inputs: { stage: 'staging', 'upload-report': 'false' }
    })
    expect(run.exitCode).toBe(1)
    expect(Buffer.byteLength(run.summary)).toBeLessThan(1024 * 1024)
    expect(run.summary).toMatch(/10,?000/)
    expect(run.summary).toMatch(/\d[\d,]* more/)
    for (const n of Object.values(countByLevel(run))) expect(n).toBeLessThanOrEqual(10)
    const report = JSON.parse(run.reportText) as { metrics: Record<string, number> }
    expect(report.metrics['tests.failed']).toBe(10_000)
  })

  it('mutation-gate: 10,000 survivors give at most 10 annotations per level and a summary under 1 MiB', async () => {
    const mutants = Array.from({ length: 10_000 }, (_, i) => ({
      id: String(i),
      mutatorName: 'M',
      replacement: `r${i}`.padEnd(100, 'y'),
      status: 'Survived',
      location: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } }
    }))
    const report = {
      schemaVersion: '2',
      thresholds: { high: 80, low: 60 },
      files: { 'src/a.js': { language: 'javascript', source: 'x\n', mutants } }
    }
    const run = await runHostile('mutation-gate', {
      workspace: workspace({ 'reports/mutation/mutation.json': JSON.stringify(report) }),
      inputs: { threshold: '50' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.survived).toBe('10000')
    expect(Buffer.byteLength(run.summary)).toBeLessThan(1024 * 1024)
    for (const n of Object.values(countByLevel(run))) expect(n).toBeLessThanOrEqual(10)
  })
})

describe('a secret inside an error message', () => {
  it('check-gates: a token in the graph input (echoed by the error) is redacted', async () => {
    const run = await runHostile('check-gates', {
      workspace: repo({}),
      inputs: { stage: 'staging', 'upload-report': 'false', graph: `.process/${FAKE_TOKEN}.yaml` }
    })
    expect(run.exitCode).toBe(1)
    expect(failureOf(run)).toMatch(/^check-gates: /)
  })

  it('check-gates: a token in evidence text (a test name) is redacted from the log, summary and report', async () => {
    const run = await runHostile('check-gates', {
      workspace: repo({
        'reports/junit.xml': junitWith(
          [`leaks ${FAKE_TOKEN}`],
          `Authorization: token ${FAKE_TOKEN}`
        )
      }),
      inputs: { stage: 'staging', 'upload-report': 'false' }
    })
    expect(run.exitCode).toBe(1)
  })

  it('validate-graph and render-diagram: a token in the graph input is redacted', async () => {
    for (const entry of ['validate-graph', 'render-diagram']) {
      const run = await runHostile(entry, {
        workspace: repo({}),
        inputs: { graph: `${FAKE_TOKEN}.yaml` }
      })
      expect(run.exitCode).toBe(1)
    }
  })

  it('canary-rollout: a token in the Prometheus URL and in a failing command is masked and never printed', async () => {
    const run = await runHostile('canary-rollout', {
      workspace: workspace({
        'metrics.yml':
          'metrics:\n  - name: errors\n    query: sum(rate(x[1m]))\n    threshold: { max: 1 }\n'
      }),
      inputs: {
        steps: '50,100',
        'step-duration': '1s',
        interval: '300ms',
        'metrics-file': 'metrics.yml',
        'prometheus-url': `http://user:${FAKE_TOKEN}@127.0.0.1:9`,
        'prometheus-token': FAKE_TOKEN,
        'set-weight-command': `echo "failing with ${FAKE_TOKEN}" >&2; exit 3`,
        'promote-command': 'true',
        'rollback-command': 'true'
      }
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.decision).not.toBe('promoted')
  })
})
