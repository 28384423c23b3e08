/**
 * Files (issue 12 item 6, trust review F6, F19, F20, F22, F25): writes refuse any symlink on the
 * path, so a dangling link committed in the repository cannot send a report outside the
 * workspace; evidence readers refuse FIFOs, sockets and devices at once; git gets literal
 * pathspecs; globs from the graph match in bounded time.
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import picomatch from 'picomatch'
import { run as runCanary } from '../../actions/canary-rollout/main.js'
import { run as runCheckGates } from '../../actions/check-gates/main.js'
import { run as runMutationGate } from '../../actions/mutation-gate/main.js'
import { run as runRenderDiagram } from '../../actions/render-diagram/main.js'
import { run as runValidateGraph } from '../../actions/validate-graph/main.js'
import { main } from '../../cli/main.js'
import { ConfigurationError, EvidenceError } from '../../shared/errors.js'
import { openEvidence } from '../../shared/evidence/evidence-file.js'
import { lastChanged } from '../../shared/evidence/documents/git-age.js'
import { globMatcher, WorkspaceGlob } from '../../shared/glob.js'
import { readReport } from '../../shared/report/read.js'
import { resolveInWorkspace, writeFileInside } from '../../shared/safe-path.js'
import { stampCalibration } from '../../shared/recalibrate/index.js'
import { expandMutatePatterns, parseTargets, stampShard } from '../../shared/mutation/index.js'
import { changeMetrics } from '../../shared/change/metrics.js'
import { fetchHistory } from '../../shared/recalibrate/github.js'
import { FakeIO } from '../diagram/fake-io.js'
import { strykerReport } from '../mutation/helpers.js'
import { listFiles, shop, workspace } from './support.js'

/** A folder outside the workspace that must stay empty, and a dangling link into it. */
function outsideTarget(): { outside: string; target: string } {
  const outside = mkdtempSync(path.join(tmpdir(), 'outside-'))
  return { outside, target: path.join(outside, 'written') }
}

function dangle(ws: string, rel: string, target: string): void {
  mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true })
  symlinkSync(target, path.join(ws, rel))
}

const runnerEnv = (ws: string) => ({
  GITHUB_WORKSPACE: ws,
  RUNNER_TEMP: mkdtempSync(path.join(tmpdir(), 'runner-temp-')),
  GITHUB_EVENT_NAME: 'push'
})

function expectRefused(failure: string | undefined, action: string): void {
  // A ConfigurationError: "<action>: <message>", never "failed unexpectedly" (F25's ENOENT crash).
  expect(failure).toMatch(new RegExp(`^${action}: .*symbolic link`))
  expect(failure).not.toMatch(/unexpectedly|ENOENT/)
  expect(failure).toMatch(/Remove the link/)
}

describe('writeFileInside', () => {
  it('refuses a dangling link as the file, a dangling link as a folder, and a link that points inside', () => {
    const { outside, target } = outsideTarget()
    const ws = workspace({ 'real.json': '{}' })
    dangle(ws, 'report.json', target)
    dangle(ws, 'out', path.join(outside, 'nodir'))
    symlinkSync(path.join(ws, 'real.json'), path.join(ws, 'inside.json'))
    for (const rel of ['report.json', 'out/sub/report.json', 'inside.json']) {
      expect(() => writeFileInside(ws, rel, 'x')).toThrow(ConfigurationError)
      expect(() => writeFileInside(ws, rel, 'x')).toThrow(/symbolic link/)
    }
    expect(listFiles(outside)).toEqual([])
    expect(readFileSync(path.join(ws, 'real.json'), 'utf8')).toBe('{}')
  })

  it('reading: a dangling link is followed by hand, so one leading outside is refused', () => {
    const { outside, target } = outsideTarget()
    const ws = workspace()
    dangle(ws, 'out.json', target)
    dangle(ws, 'in.json', path.join(ws, 'not-yet.json'))
    expect(() => resolveInWorkspace(ws, 'out.json')).toThrow(
      /symbolic link to a place outside the workspace/
    )
    expect(resolveInWorkspace(ws, 'in.json')).toBe(path.join(realpathSync(ws), 'not-yet.json'))
    expect(listFiles(outside)).toEqual([])
  })

  it('recalibrate: a baseline file that is a symlink is refused, not written through', () => {
    const ws = workspace({ 'real.json': '{"version":1,"metrics":{}}' })
    dangle(ws, '.process/baseline.json', path.join(ws, 'elsewhere.json'))
    expect(() => stampCalibration(ws, '.process/baseline.json', '2026-11-01')).toThrow(
      /symbolic link/
    )
    expect(existsSync(path.join(ws, 'elsewhere.json'))).toBe(false)
  })

  it('creates folders, replaces a regular file keeping its mode, and leaves no temporary file', () => {
    const ws = workspace({ 'bin/run.sh': 'old' })
    chmodSync(path.join(ws, 'bin/run.sh'), 0o755)
    writeFileInside(ws, 'a/b/c.txt', 'new')
    writeFileInside(ws, 'bin/run.sh', 'echo hi')
    expect(readFileSync(path.join(ws, 'a/b/c.txt'), 'utf8')).toBe('new')
    expect(readFileSync(path.join(ws, 'bin/run.sh'), 'utf8')).toBe('echo hi')
    expect(statSync(path.join(ws, 'bin/run.sh')).mode & 0o777).toBe(0o755)
    expect(readdirSync(path.join(ws, 'bin'))).toEqual(['run.sh'])
    expect(() => writeFileInside(ws, '../x.txt', 'x')).toThrow(/outside the workspace/)
    expect(() => writeFileInside(ws, 'a', 'x')).toThrow(/not a regular file \(a folder\)/)
  })
})

describe('a committed dangling symlink at a write target: each action refuses (F6, F25)', () => {
  it('check-gates (report, and report through a dangling folder link)', async () => {
    for (const [link, report] of [
      ['flow-report.json', 'flow-report.json'],
      ['out', 'out/sub/flow-report.json']
    ]) {
      const { outside, target } = outsideTarget()
      const ws = shop()
      dangle(ws, link, target)
      const io = new FakeIO({ stage: 'staging', 'upload-report': 'false', report }, runnerEnv(ws))
      await runCheckGates({ io, root: ws })
      expectRefused(io.failure, 'check-gates')
      expect(io.outputs.passed).toBe('false')
      expect(listFiles(outside)).toEqual([])
    }
  })

  it('validate-graph (report)', async () => {
    const { outside, target } = outsideTarget()
    const ws = shop()
    dangle(ws, 'validation.json', target)
    const io = new FakeIO({ report: 'validation.json' }, runnerEnv(ws))
    await runValidateGraph({ io })
    expectRefused(io.failure, 'validate-graph')
    expect(listFiles(outside)).toEqual([])
  })

  it('render-diagram (output)', async () => {
    const { outside, target } = outsideTarget()
    const ws = shop()
    dangle(ws, 'flow-diagram.md', `${target}.md`)
    const io = new FakeIO({ output: 'flow-diagram.md' }, runnerEnv(ws))
    await runRenderDiagram({ io })
    expectRefused(io.failure, 'render-diagram')
    expect(listFiles(outside)).toEqual([])
  })

  it('canary-rollout (report-path), before any platform command runs', async () => {
    const { outside, target } = outsideTarget()
    const ws = workspace({
      'probes.yml': 'probes:\n  - name: home\n    url: http://127.0.0.1:9/\n'
    })
    dangle(ws, 'flow-rollout-report.json', target)
    const io = new FakeIO(
      {
        steps: '100',
        'probes-file': 'probes.yml',
        'set-weight-command': 'touch ran',
        'promote-command': 'touch ran',
        'rollback-command': 'touch ran'
      },
      runnerEnv(ws)
    )
    await runCanary({ io, workspace: ws })
    expectRefused(io.failure, 'canary-rollout')
    expect(existsSync(path.join(ws, 'ran'))).toBe(false)
    expect(listFiles(outside)).toEqual([])
  })

  it('mutation-gate (merged report)', async () => {
    const { outside, target } = outsideTarget()
    const ws = workspace()
    const shard = stampShard(strykerReport([['src/a.js', 1, 'Killed']]), {
      shard: 1,
      of: 1,
      targets: parseTargets('src/a.js')
    })
    mkdirSync(path.join(ws, 'shards'))
    writeFileSync(path.join(ws, 'shards/1.json'), JSON.stringify(shard))
    dangle(ws, 'merged.json', target)
    const io = new FakeIO(
      {
        tool: 'auto',
        merge: 'shards/*.json',
        report: 'merged.json',
        'max-drop': '0',
        'changed-only': 'false',
        incremental: 'false'
      },
      runnerEnv(ws)
    )
    await runMutationGate({ io, workspace: ws })
    expectRefused(io.failure, 'mutation-gate')
    expect(listFiles(outside)).toEqual([])
  })
})

describe('a committed dangling symlink at a write target: each CLI command refuses with exit 2 (F6)', () => {
  async function cli(args: string[]): Promise<{ code: number; text: string }> {
    const lines: string[] = []
    const code = await main(args, {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
      now: () => new Date('2026-11-01T12:00:00Z')
    })
    return { code, text: lines.join('\n') }
  }

  it.each([
    [
      'flow gates --report',
      (ws: string) => ['gates', '--root', ws, '--stage', 'staging', '--report', 'link']
    ],
    [
      'flow gates --summary',
      (ws: string) => ['gates', '--root', ws, '--stage', 'staging', '--summary', 'link']
    ],
    ['flow validate --report', (ws: string) => ['validate', '--root', ws, '--report', 'link']],
    ['flow render --output', (ws: string) => ['render', '--root', ws, '--output', 'link.md']]
  ])('%s through a dangling link: exit 2, nothing outside', async (_name, args) => {
    const { outside, target } = outsideTarget()
    const ws = shop()
    dangle(ws, 'link', target)
    dangle(ws, 'link.md', `${target}.md`)
    const r = await cli(args(ws))
    expect(r.code).toBe(2)
    expect(r.text).toMatch(/symbolic link/)
    expect(r.text).not.toMatch(/ENOENT|unexpected/)
    expect(listFiles(outside)).toEqual([])
  })

  it('flow init: a dangling link at a scaffold file or folder', async () => {
    for (const link of ['.process/graph.yaml', 'docs/templates']) {
      const { outside, target } = outsideTarget()
      const root = mkdtempSync(path.join(tmpdir(), 'flow-init-'))
      execFileSync('git', ['init', '-q', root])
      dangle(root, link, target)
      const r = await cli(['init', '--root', root, '--uses', 'acme/flow-actions@v1'])
      expect(r.code).toBe(2)
      expect(r.text).toMatch(/symbolic link/)
      expect(listFiles(outside)).toEqual([])
      expect(lstatSync(path.join(root, link)).isSymbolicLink()).toBe(true)
    }
  })
})

describe('evidence readers open only regular files (F20)', () => {
  it('a FIFO named as evidence is refused at once, never a hang', async () => {
    const ws = workspace()
    execFileSync('mkfifo', [path.join(ws, 'junit.xml')])
    await expect(openEvidence(ws, 'junit.xml', 1024)).rejects.toThrow(EvidenceError)
    await expect(openEvidence(ws, 'junit.xml', 1024)).rejects.toThrow(
      /named pipe \(FIFO\), not a regular file/
    )
    expect(() => readReport(ws, 'junit.xml')).toThrow(/not a regular file/)
  }, 5_000)

  it('a Unix socket named as evidence is refused', async () => {
    const ws = workspace()
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(path.join(ws, 'report.json'), resolve))
    try {
      await expect(openEvidence(ws, 'report.json', 1024)).rejects.toThrow(
        /socket, not a regular file/
      )
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }, 5_000)

  it('check-gates with a FIFO as its JUnit evidence finishes with the evidence refused', async () => {
    const ws = shop()
    execFileSync('rm', [path.join(ws, 'reports/junit.xml')])
    execFileSync('mkfifo', [path.join(ws, 'reports/junit.xml')])
    const io = new FakeIO({ stage: 'staging', 'upload-report': 'false' }, runnerEnv(ws))
    await runCheckGates({ io, root: ws })
    expect(io.outputs.passed).toBe('false')
    expect(io.summary).toMatch(/named pipe/)
  }, 10_000)
})

describe('git gets literal pathspecs (F22)', () => {
  it('a file named ADR-1*.md gets its own age, not that of a fresh ADR-10.md', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'git-age-'))
    const git = (args: string[], date: string) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: root,
        env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }
      })
    git(['init', '-q'], '2020-01-01T00:00:00Z')
    mkdirSync(path.join(root, 'docs'))
    writeFileSync(path.join(root, 'docs/ADR-1*.md'), 'stale\n')
    git(['add', '-A'], '2020-01-01T00:00:00Z')
    git(['commit', '-qm', 'old'], '2020-01-01T00:00:00Z')
    writeFileSync(path.join(root, 'docs/ADR-10.md'), 'fresh\n')
    git(['add', '-A'], '2026-10-01T00:00:00Z')
    git(['commit', '-qm', 'new'], '2026-10-01T00:00:00Z')
    const stale = await lastChanged(root, 'docs/ADR-1*.md', path.join(root, 'docs/ADR-1*.md'))
    expect(stale.source).toBe('git')
    expect(stale.time.toISOString()).toBe('2020-01-01T00:00:00.000Z')
    const fresh = await lastChanged(root, 'docs/ADR-10.md', path.join(root, 'docs/ADR-10.md'))
    expect(fresh.time.toISOString()).toBe('2026-10-01T00:00:00.000Z')
  })
})

describe('globs from the graph match in bounded time (F19)', () => {
  const names = Array.from({ length: 50 }, (_, i) => `docs/${'a'.repeat(200)}${i}.md`)

  it('*a*a*a*a*a*a*a*a*a*a*a over 50 files with 200-character names returns (picomatch took minutes)', () => {
    const ws = workspace(Object.fromEntries(names.map((n) => [n, 'x'])))
    const pattern = 'docs/*a*a*a*a*a*a*a*a*a*a*a'
    expect(new WorkspaceGlob(ws).match(pattern)).toEqual([])
    expect(new WorkspaceGlob(ws).match(`${pattern}*`)).toHaveLength(50)
    expect(new WorkspaceGlob(ws).match('**/*a*a*a*a*a*a*a*a*a*a*a?.md')).toHaveLength(10)
  }, 10_000)

  it('a pathological pattern that needs picomatch (braces, classes) is refused with a ConfigurationError', () => {
    const ws = workspace({ 'a.md': 'x' })
    expect(() => new WorkspaceGlob(ws).match('{*a,*b}{*a,*b}{*a,*b}x')).toThrow(ConfigurationError)
    expect(() => new WorkspaceGlob(ws).match('[a]*a*a*a*a*a*a')).toThrow(/at most 2 are allowed/)
    expect(new WorkspaceGlob(ws).match('{a,b}.md')).toEqual(['a.md'])
  }, 10_000)

  it('patterns matched by picomatch outside the workspace walk are bounded too: mutation exclusions, test-file patterns, artifact names', async () => {
    const ws = workspace({ 'src/a.ts': 'x' })
    const hostile = '*a*a*a*a*a*a*a*a*a*a*a'
    expect(() => expandMutatePatterns(ws, ['src/*.ts', `!src/${hostile}`])).toThrow(
      /at most 2 are allowed/
    )
    expect(expandMutatePatterns(ws, ['src/*.ts', '!src/b*.ts'])).toEqual(['src/a.ts'])
    const change = {
      description: 'test change',
      notes: [],
      files: [{ path: 'src/a.test.ts', status: 'modified', additions: 1, deletions: 0 }]
    }
    expect(() => changeMetrics(change as never, [`src/${hostile}`])).toThrow(ConfigurationError)
    expect(changeMetrics(change as never, ['src/*.test.ts']).get('changes.tests_touched')).toBe(1)
    const client = { octokit: { request: async () => ({ data: {} }), paginate: async () => [] } }
    await expect(
      fetchHistory(
        client as never,
        {
          owner: 'o',
          repo: 'r',
          branch: 'main',
          patterns: [`flow-report-${hostile}`]
        } as never
      )
    ).rejects.toThrow(/at most 2 are allowed/)
  })

  it('the linear matcher agrees with picomatch on simple patterns (seeded random cases)', () => {
    let seed = 12345
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
    const pick = <T>(xs: T[]) => xs[rand(xs.length)]
    const segPattern = (): string => {
      const seg = Array.from({ length: 1 + rand(4) }, () =>
        pick(['a', 'b', '.', '*', '?', 'ab', '.md'])
      ).join('')
      return seg === '.' || seg === '..' ? '?' : seg
    }
    // Walked paths never hold a "." or ".." segment.
    const segName = (): string => {
      const name = Array.from({ length: 1 + rand(5) }, () =>
        pick(['a', 'b', '.', 'ab', 'md', '.md'])
      ).join('')
      return name === '.' || name === '..' ? 'x' : name
    }
    for (let i = 0; i < 20000; i++) {
      const pattern = Array.from({ length: 1 + rand(3) }, () =>
        rand(5) === 0 ? '**' : segPattern()
      ).join('/')
      const file = Array.from({ length: 1 + rand(3) }, segName).join('/')
      const expected = picomatch(pattern, { dot: true })(file)
      if (globMatcher(pattern)(file) !== expected)
        throw new Error(`${pattern} vs ${file}: picomatch says ${expected}`)
    }
  }, 30_000)
})
