import { describe, expect, it, jest } from '@jest/globals'
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { run } from '../../actions/mutation-gate/main.js'
import { validateReport } from '../../shared/report/validate.js'
import { stampShard, parseTargets, type CacheClient } from '../../shared/mutation/index.js'
import {
  fakeIO,
  fixtures,
  SIXTY_PERCENT,
  strykerReport,
  workspace,
  writeIn,
  type Status
} from './helpers.js'

const write = writeIn
const SIXTY = SIXTY_PERCENT

async function gate(
  root: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  deps: Parameters<typeof run>[0] = {}
) {
  const io = fakeIO(
    { tool: 'auto', 'max-drop': '0', 'changed-only': 'false', incremental: 'false', ...inputs },
    { RUNNER_TEMP: path.join(root, '..', `${path.basename(root)}-temp`), ...env }
  )
  await run({ io, workspace: root, now: () => new Date('2026-09-01T00:00:00Z'), ...deps })
  return io
}

describe('mutation-gate evaluation', () => {
  it('passes at the threshold, writes a schema-valid mutation report, summary and outputs', async () => {
    const root = workspace()
    write(root, 'reports/mutation.json', strykerReport(SIXTY))
    const io = await gate(root, { report: 'reports/mutation.json', threshold: '60' })
    expect(io.failures).toEqual([])
    expect(io.outputs).toMatchObject({
      score: '60',
      killed: '6',
      survived: '3',
      'no-coverage': '1',
      timeout: '0',
      total: '10',
      passed: 'true',
      'changed-score': ''
    })
    const report = JSON.parse(readFileSync(io.outputs.report, 'utf8'))
    expect(validateReport(report)).toEqual({ valid: true })
    expect(report.kind).toBe('mutation')
    expect(report.metrics['mutation.score']).toBe(60)
    expect(report.mutation.files.map((f: { file: string }) => f.file)).toEqual([
      'src/b.js',
      'src/a.js'
    ])
    expect(io.summary).toContain('Mutation gate passed')
    expect(io.summary).toContain('threshold 60%')
    expect(io.summary).toMatch(/<code>src\/b\.js<\/code> \| 50%/)
    expect(io.summary).toContain('### Surviving mutants \\(4\\)')
    expect(io.annotations).toHaveLength(4)
  })

  it('fails below the threshold and says by how much', async () => {
    const root = workspace()
    write(root, 'reports/mutation.json', strykerReport(SIXTY))
    const io = await gate(root, { report: 'reports/mutation.json', threshold: '60.5' })
    expect(io.outputs.passed).toBe('false')
    expect(io.failures.join()).toMatch(/Mutation score 60% is below the threshold 60\.5%/)
  })

  it('ratchet: fails when the score drops more than max-drop below a baseline file', async () => {
    const root = workspace()
    write(root, 'reports/mutation.json', strykerReport(SIXTY))
    write(root, '.process/baseline.json', { version: 1, metrics: { 'mutation.score': 63 } })
    const ok = await gate(root, {
      report: 'reports/mutation.json',
      baseline: '.process/baseline.json',
      'max-drop': '3'
    })
    expect(ok.failures).toEqual([])
    const bad = await gate(root, {
      report: 'reports/mutation.json',
      baseline: '.process/baseline.json',
      'max-drop': '2.5'
    })
    expect(bad.failures.join()).toMatch(
      /dropped 3 points below the baseline 63%.*at most 2\.5 allowed/
    )
    // An earlier run's mutation report works as the baseline too.
    const earlier = JSON.parse(readFileSync(ok.outputs.report, 'utf8'))
    write(root, 'baseline/mutation-report.json', {
      ...earlier,
      metrics: { ...earlier.metrics, 'mutation.score': 70 }
    })
    const fromReport = await gate(root, {
      report: 'reports/mutation.json',
      baseline: 'baseline/mutation-report.json'
    })
    expect(fromReport.failures.join()).toMatch(/dropped 10 points below the baseline 70%/)
    // So does a Stryker report.
    write(
      root,
      'baseline/stryker.json',
      strykerReport(SIXTY.map(([f, l]) => [f, l, 'Killed'] as [string, number, Status]))
    )
    const fromStryker = await gate(root, {
      report: 'reports/mutation.json',
      baseline: 'baseline/stryker.json',
      'max-drop': '39'
    })
    expect(fromStryker.failures.join()).toMatch(/dropped 40 points below the baseline 100%/)
  })

  it('ratchet: a missing baseline file fails instead of passing', async () => {
    const root = workspace()
    write(root, 'reports/mutation.json', strykerReport(SIXTY))
    const io = await gate(root, { report: 'reports/mutation.json', baseline: 'nope.json' })
    expect(io.outputs.passed).toBe('false')
    expect(io.failures.join()).toMatch(
      /baseline nope\.json cannot be used: the file does not exist/
    )
  })

  it('changed-only: scores mutants on changed lines, lists them first, gates them', async () => {
    const root = workspace()
    write(root, 'reports/mutation.json', strykerReport(SIXTY))
    const event = path.join(root, '..', `${path.basename(root)}-event.json`)
    const base = 'a'.repeat(40)
    const head = 'b'.repeat(40)
    writeFileSync(
      event,
      JSON.stringify({ pull_request: { number: 7, base: { sha: base }, head: { sha: head } } })
    )
    const git = jest.fn(async (args: string[]) => {
      expect(args).toContain(`${base}...${head}`)
      return 'diff --git a/src/b.js b/src/b.js\n--- a/src/b.js\n+++ b/src/b.js\n@@ -9,0 +10,3 @@\n+x\n+y\n+z\n'
    })
    const io = await gate(
      root,
      { report: 'reports/mutation.json', threshold: '50', 'changed-only': 'true' },
      { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event },
      { git }
    )
    // Lines 10-12 of b.js: 2 survived + 1 no coverage, nothing detected.
    expect(io.outputs['changed-score']).toBe('0')
    expect(io.outputs.score).toBe('60')
    expect(io.failures.join()).toMatch(
      /Score of mutants on changed lines 0% is below the threshold 50%/
    )
    expect(
      io.annotations.slice(0, 3).every((a) => a.file === 'src/b.js' && (a.line ?? 0) >= 10)
    ).toBe(true)
    expect(io.annotations[0].message).toMatch(/on a line this pull request changed/)
    expect(io.summary).toMatch(/Changed lines: \*\*0%\*\* over 3 mutant/)
  })

  it('changed-only on a push event gates the whole score and says so', async () => {
    const root = workspace()
    write(root, 'reports/mutation.json', strykerReport(SIXTY))
    const io = await gate(
      root,
      { report: 'reports/mutation.json', threshold: '50', 'changed-only': 'true' },
      { GITHUB_EVENT_NAME: 'push' }
    )
    expect(io.failures).toEqual([])
    expect(io.outputs['changed-score']).toBe('')
    expect(io.summary).toMatch(/this is a push event: the whole score is gated/)
  })

  it('caps annotations at 10 while the summary lists every survivor', async () => {
    const root = workspace()
    const many = Array.from(
      { length: 25 },
      (_, i) => ['src/c.js', i + 1, 'Survived'] as [string, number, Status]
    )
    write(root, 'reports/mutation.json', strykerReport([...many, ['src/c.js', 40, 'Killed']]))
    const io = await gate(root, { report: 'reports/mutation.json' })
    expect(io.annotations).toHaveLength(10)
    expect(io.summary.match(/<code>src\/c\.js:\d+:3<\/code>/g)).toHaveLength(25)
    expect(io.lines.join('\n')).toMatch(/15 more surviving mutant\(s\) are not annotated/)
  })

  it('escapes report text in the summary (replacement with markdown, HTML and a mention)', async () => {
    const root = workspace()
    const r = strykerReport([
      ['src/a.js', 1, 'Survived'],
      ['src/a.js', 2, 'Killed']
    ])
    r.files['src/a.js'].mutants[0].replacement = '<img src=x onerror=alert(1)> | @octocat `x`'
    write(root, 'reports/mutation.json', r)
    const io = await gate(root, { report: 'reports/mutation.json' })
    expect(io.summary).not.toContain('<img')
    expect(io.summary).toContain('&lt;img')
    expect(io.summary).not.toContain('@octocat')
  })
})

describe('bad inputs each fail with a clear error', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['invalid JSON', 'invalid.json', /invalid\.json: is not valid JSON/],
    [
      'a schema violation',
      'schema-violation.json',
      /schema-violation\.json: is not a valid mutation-testing report \(at \/files\/src~1a\.js\/mutants\/0\/status/
    ],
    [
      'zero valid mutants',
      'no-valid-mutants.json',
      /None of the 2 mutants is valid .*the mutation score is undefined, so the gate fails/
    ]
  ]
  it.each(cases)('%s', async (_name, file, message) => {
    const root = workspace([path.join(fixtures, 'bad'), 'bad'])
    const io = await gate(root, { report: `bad/${file}`, threshold: '0' })
    expect(io.failed).toBe(true)
    expect(io.outputs.passed).toBe('false')
    expect(io.failures.join('\n')).toMatch(message)
    expect(io.summary).toMatch(/failed/)
  })

  it('a report path outside the workspace', async () => {
    const root = workspace()
    const io = await gate(root, { report: '../../etc/passwd' })
    expect(io.failures.join()).toMatch(/outside the workspace/)
    expect(io.outputs.passed).toBe('false')
  })

  it('a report symlinked to a file outside the workspace', async () => {
    const root = workspace()
    symlinkSync('/etc/hostname', path.join(root, 'link.json'))
    const io = await gate(root, { report: 'link.json' })
    expect(io.failures.join()).toMatch(/symbolic link/)
  })

  it('a report that does not exist', async () => {
    const root = workspace()
    const io = await gate(root, { report: 'reports/none.json' })
    expect(io.failures.join()).toMatch(/reports\/none\.json: does not exist/)
  })

  function shardFile(
    root: string,
    rel: string,
    shard: number,
    of: number,
    mutate: string,
    mutants: Array<[string, number, Status]>
  ): void {
    write(
      root,
      rel,
      stampShard(strykerReport(mutants), { shard, of, targets: parseTargets(mutate) })
    )
  }

  it('a shard report missing', async () => {
    const root = workspace()
    shardFile(root, 'shards/mutation-shard-1/shard.json', 1, 3, 'src/a.js', [
      ['src/a.js', 1, 'Killed']
    ])
    shardFile(root, 'shards/mutation-shard-3/shard.json', 3, 3, 'src/c.js', [
      ['src/c.js', 1, 'Killed']
    ])
    const io = await gate(root, { merge: 'shards/**/*.json', report: '' })
    expect(io.failures.join()).toMatch(/Shard report missing for shard 2 of 3 \(found 1, 3\)/)
    expect(io.outputs.passed).toBe('false')
  })

  it('two shards covering the same file', async () => {
    const root = workspace()
    shardFile(root, 'shards/1.json', 1, 2, 'src/a.js', [['src/a.js', 1, 'Killed']])
    shardFile(root, 'shards/2.json', 2, 2, 'src/a.js:1-20,src/b.js', [['src/b.js', 1, 'Killed']])
    const io = await gate(root, { merge: 'shards/*.json', report: '' })
    expect(io.failures.join()).toMatch(
      /shards 1 and 2 both cover src\/a\.js \(src\/a\.js in shard 1, src\/a\.js:1-20 in shard 2\)/
    )
  })

  it('two shards reporting the same mutants (no targets recorded)', async () => {
    const root = workspace()
    shardFile(root, 'shards/1.json', 1, 2, '', [['src/a.js', 1, 'Killed']])
    shardFile(root, 'shards/2.json', 2, 2, '', [['src/a.js', 1, 'Killed']])
    const io = await gate(root, { merge: 'shards/*.json', report: '' })
    expect(io.failures.join()).toMatch(
      /shards 1 and 2 both report the ConditionalExpression mutant at src\/a\.js:1:3/
    )
  })

  it('a shard reporting mutants outside its targets', async () => {
    const root = workspace()
    shardFile(root, 'shards/1.json', 1, 1, 'src/a.js:1-5', [['src/a.js', 9, 'Killed']])
    const io = await gate(root, { merge: 'shards/*.json', report: '' })
    expect(io.failures.join()).toMatch(
      /shard 1 reports a mutant at src\/a\.js:9, outside its targets \(src\/a\.js:1-5\)/
    )
  })

  it('an unstamped report in a merge', async () => {
    const root = workspace()
    write(root, 'shards/1.json', strykerReport([['src/a.js', 1, 'Killed']]))
    const io = await gate(root, { merge: 'shards/*.json', report: '' })
    expect(io.failures.join()).toMatch(/shards\/1\.json: carries no shard identity/)
  })

  it('bad input values are configuration errors', async () => {
    const root = workspace()
    expect((await gate(root, { report: 'r.json', threshold: 'high' })).failures.join()).toMatch(
      /Input "threshold" must be a number from 0 to 100/
    )
    expect((await gate(root, { report: 'r.json', shard: '3/2' })).failures.join()).toMatch(
      /shard 3 of 2/
    )
    expect(
      (await gate(root, { report: 'r.json', shard: '1/2', merge: 'x/*.json' })).failures.join()
    ).toMatch(/"shard" and "merge" are both set/)
    expect((await gate(root, { report: 'r.json', tool: 'jest' })).failures.join()).toMatch(
      /Input "tool" must be one of auto, stryker, pit, mutmut/
    )
  })
})

describe('shards and merge through the action', () => {
  it('shard mode stamps the report for upload and does not gate; merge mode gates the merged report', async () => {
    const root = workspace()
    write(
      root,
      'reports/mutation.json',
      strykerReport([
        ['src/a.js', 1, 'Killed'],
        ['src/a.js', 2, 'Survived']
      ])
    )
    const entry = JSON.stringify({ shard: 1, of: 2, mutate: 'src/a.js', estimate: 3 })
    const prep = await gate(
      root,
      { report: 'reports/mutation.json', shard: entry },
      { FLOW_MUTATION_PHASE: 'prepare' }
    )
    expect(prep.outputs.mutate).toBe('src/a.js')
    const s1 = await gate(root, { report: 'reports/mutation.json', shard: entry, threshold: '90' })
    expect(s1.failures).toEqual([])
    expect(s1.outputs.score).toBe('50')
    expect(s1.summary).toMatch(/shard 1 of 2/)
    const stamped = JSON.parse(readFileSync(s1.outputs.report, 'utf8'))
    expect(stamped.config.flowActionsShard).toEqual({ shard: 1, of: 2, mutate: ['src/a.js'] })
    write(root, 'shards/a/shard.json', stamped)

    write(
      root,
      'reports/mutation.json',
      strykerReport([
        ['src/b.js', 1, 'Killed'],
        ['src/b.js', 2, 'Killed']
      ])
    )
    const s2 = await gate(root, {
      report: 'reports/mutation.json',
      shard: '{"shard":2,"of":2,"mutate":"src/b.js"}'
    })
    write(root, 'shards/b/shard.json', readFileSync(s2.outputs.report, 'utf8'))

    const merged = await gate(root, {
      merge: 'shards/**/shard.json',
      report: 'reports/merged.json',
      threshold: '70'
    })
    expect(merged.failures).toEqual([])
    expect(merged.outputs).toMatchObject({
      score: '75',
      killed: '3',
      survived: '1',
      total: '4',
      passed: 'true'
    })
    const written = JSON.parse(readFileSync(path.join(root, 'reports/merged.json'), 'utf8'))
    expect(Object.keys(written.files)).toEqual(['src/a.js', 'src/b.js'])
    expect(
      new Set(
        Object.values(written.files).flatMap((f) =>
          (f as { mutants: Array<{ id: string }> }).mutants.map((m) => m.id)
        )
      ).size
    ).toBe(4)
    expect(merged.summary).toMatch(/Merged from 2 shard report/)
  })
})

describe('incremental cache', () => {
  function fakeCache(overrides: Partial<CacheClient> = {}) {
    const calls: Array<[string, unknown[]]> = []
    const client: CacheClient = {
      isFeatureAvailable: () => true,
      restoreCache: async (...args) => {
        calls.push(['restore', args])
        return 'flow-mutation-incremental-all-main-1-1'
      },
      saveCache: async (...args) => {
        calls.push(['save', args])
        return 1
      },
      ...overrides
    }
    return { client, calls }
  }
  const env = {
    GITHUB_HEAD_REF: 'feature/x',
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '2'
  }

  it("restores keyed by the pull request's ref, falling back to the default branch, and saves after the run", async () => {
    const root = workspace()
    const event = path.join(root, '..', `${path.basename(root)}-ev.json`)
    writeFileSync(event, JSON.stringify({ repository: { default_branch: 'main' } }))
    const { client, calls } = fakeCache()
    const load = jest.fn(async () => client)
    await gate(
      root,
      { report: 'r.json', incremental: 'true' },
      { ...env, GITHUB_EVENT_PATH: event, FLOW_MUTATION_PHASE: 'prepare' },
      { loadCache: load }
    )
    expect(calls[0][0]).toBe('restore')
    expect(calls[0][1][0]).toEqual([path.join(root, 'reports/stryker-incremental.json')])
    expect(calls[0][1][1]).toBe('flow-mutation-incremental-all-refs/pull/7/merge:42-2')
    expect(calls[0][1][2]).toEqual([
      'flow-mutation-incremental-all-refs/pull/7/merge:',
      'flow-mutation-incremental-all-refs/heads/main:'
    ])
    write(root, 'reports/stryker-incremental.json', strykerReport([['src/a.js', 1, 'Killed']]))
    write(root, 'r.json', strykerReport([['src/a.js', 1, 'Killed']]))
    const io = await gate(
      root,
      { report: 'r.json', incremental: 'true' },
      { ...env, GITHUB_EVENT_PATH: event },
      { loadCache: load }
    )
    expect(io.failures).toEqual([])
    expect(calls[1][0]).toBe('save')
    expect(calls[1][1][1]).toBe('flow-mutation-incremental-all-refs/pull/7/merge:42-2')
  })

  it('a pull request from a branch named "main" neither writes nor shadows the default branch\'s entries', async () => {
    const root = workspace()
    const event = path.join(root, '..', `${path.basename(root)}-ev.json`)
    writeFileSync(
      event,
      JSON.stringify({ repository: { default_branch: 'main' }, pull_request: { number: 9 } })
    )
    const { client, calls } = fakeCache()
    write(root, 'reports/stryker-incremental.json', strykerReport([['src/a.js', 1, 'Killed']]))
    write(root, 'r.json', strykerReport([['src/a.js', 1, 'Killed']]))
    const prEnv = {
      GITHUB_HEAD_REF: 'main',
      GITHUB_REF: 'refs/pull/9/merge',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
      GITHUB_RUN_ID: '5',
      GITHUB_RUN_ATTEMPT: '1'
    }
    await gate(root, { report: 'r.json', incremental: 'true' }, prEnv, {
      loadCache: async () => client
    })
    const saved = String(calls.find((c) => c[0] === 'save')?.[1][1])
    // A later push to main restores with these prefixes; the pull request's entry matches none.
    const pushEnv = {
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REF_NAME: 'main',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: event.replace('-ev', '-push'),
      GITHUB_RUN_ID: '6'
    }
    writeFileSync(
      pushEnv.GITHUB_EVENT_PATH,
      JSON.stringify({ repository: { default_branch: 'main' } })
    )
    await gate(
      root,
      { report: 'r.json', incremental: 'true' },
      { ...pushEnv, FLOW_MUTATION_PHASE: 'prepare' },
      { loadCache: async () => client }
    )
    const prefixes = calls.filter((c) => c[0] === 'restore').pop()?.[1][2] as string[]
    expect(prefixes).toEqual(['flow-mutation-incremental-all-refs/heads/main:'])
    expect(saved).toBe('flow-mutation-incremental-all-refs/pull/9/merge:5-1')
    expect(prefixes.some((p) => saved.startsWith(p))).toBe(false)
  })

  it("one branch's restore prefix is no prefix of another branch's keys (main: vs main-x)", async () => {
    const { incrementalKeys } = await import('../../shared/mutation/index.js')
    const ev = { name: 'push', payload: { repository: { default_branch: 'main' } } }
    const other = incrementalKeys(
      { GITHUB_REF: 'refs/heads/main-x', GITHUB_RUN_ID: '1' },
      ev,
      'all'
    )
    const main = incrementalKeys({ GITHUB_REF: 'refs/heads/main', GITHUB_RUN_ID: '2' }, ev, 'all')
    expect(main.restoreKeys.some((p) => other.key.startsWith(p))).toBe(false)
  })

  it('is never loaded when incremental is off', async () => {
    const root = workspace()
    write(root, 'r.json', strykerReport([['src/a.js', 1, 'Killed']]))
    const load = jest.fn(async () => fakeCache().client)
    await gate(root, { report: 'r.json' }, {}, { loadCache: load })
    await gate(root, { report: 'r.json' }, { FLOW_MUTATION_PHASE: 'prepare' }, { loadCache: load })
    expect(load).not.toHaveBeenCalled()
  })

  it('a cache failure is a warning and the result is unchanged', async () => {
    const root = workspace()
    write(root, 'r.json', strykerReport([['src/a.js', 1, 'Killed']]))
    write(root, 'reports/stryker-incremental.json', '{}')
    const broken = fakeCache({
      restoreCache: async () => {
        throw new Error('Cache service responded with 503')
      },
      saveCache: async () => {
        throw new Error('reserve failed')
      }
    })
    const prep = await gate(
      root,
      { report: 'r.json', incremental: 'true' },
      { FLOW_MUTATION_PHASE: 'prepare' },
      { loadCache: async () => broken.client }
    )
    expect(prep.failures).toEqual([])
    expect(prep.warnings.join()).toMatch(
      /restoring the cache failed \(Cache service responded with 503\)/
    )
    const io = await gate(
      root,
      { report: 'r.json', incremental: 'true', threshold: '100' },
      {},
      { loadCache: async () => broken.client }
    )
    expect(io.failures).toEqual([])
    expect(io.outputs.score).toBe('100')
    expect(io.warnings.join()).toMatch(/saving the cache failed \(reserve failed\)/)
    const unavailable = await gate(
      root,
      { report: 'r.json', incremental: 'true' },
      {},
      { loadCache: async () => fakeCache({ isFeatureAvailable: () => false }).client }
    )
    expect(unavailable.warnings.join()).toMatch(/cache service is not available/)
    const loadFails = await gate(
      root,
      { report: 'r.json', incremental: 'true' },
      {},
      { loadCache: async () => Promise.reject(new Error('module missing')) }
    )
    expect(loadFails.failures).toEqual([])
    expect(loadFails.warnings.join()).toMatch(/module missing/)
  })
})

describe('mutation-gate check-run', () => {
  it('publishes every surviving mutant (not only the 10 a step shows) in batches of 50, and keeps the verdict on a 403', async () => {
    const nock = (await import('nock')).default
    const { createGitHubClient } = await import('../../shared/github/index.js')
    nock.disableNetConnect()
    try {
      const root = workspace()
      const mutants: Array<[string, number, Status]> = Array.from({ length: 75 }, (_, i) => [
        `src/m${i % 5}.js`,
        i + 1,
        'Survived'
      ])
      write(root, 'reports/mutation.json', strykerReport(mutants))
      const sent: number[] = []
      nock('https://api.github.com')
        .post(
          '/repos/o/r/check-runs',
          (b: { head_sha: string; output: { annotations: unknown[] } }) =>
            sent.push(b.output.annotations.length) > 0 && b.head_sha === 'c'.repeat(40)
        )
        .reply(201, { id: 8 })
        .patch(
          '/repos/o/r/check-runs/8',
          (b: { output: { annotations: unknown[] } }) => sent.push(b.output.annotations.length) > 0
        )
        .reply(200, { id: 8 })
      const github = async (token: string) =>
        createGitHubClient({ token, baseUrl: 'https://api.github.com', sleep: async () => {} })
      const env = { GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: 'c'.repeat(40) }
      const io = await gate(
        root,
        {
          report: 'reports/mutation.json',
          threshold: '50',
          'check-run': 'true',
          token: 'ghs_mutationTokenMutationToken012345'
        },
        env,
        { github }
      )
      expect(io.outputs.passed).toBe('false')
      expect(io.annotations.length).toBeLessThanOrEqual(10)
      expect(sent).toEqual([50, 25])
      expect(nock.isDone()).toBe(true)

      nock('https://api.github.com')
        .post('/repos/o/r/check-runs')
        .reply(403, { message: 'Resource not accessible by integration' })
      const fork = await gate(
        root,
        {
          report: 'reports/mutation.json',
          threshold: '50',
          'check-run': 'true',
          token: 'ghs_mutationTokenMutationToken012345'
        },
        env,
        { github }
      )
      expect(fork.outputs.passed).toBe('false')
      expect(fork.warnings.filter((w: string) => w.includes('check run'))).toHaveLength(1)
    } finally {
      nock.cleanAll()
      nock.enableNetConnect()
      nock.restore()
    }
  })
})

describe('privileged events', () => {
  it('refuses pull_request_target and workflow_run before running anything, unless allow-privileged-events', async () => {
    for (const event of ['pull_request_target', 'workflow_run']) {
      const root = workspace()
      write(root, 'r.json', strykerReport([['src/a.js', 1, 'Killed']]))
      const load = jest.fn(async () => {
        throw new Error('the cache must not be touched')
      })
      const prep = await gate(
        root,
        { report: 'r.json', incremental: 'true' },
        { GITHUB_EVENT_NAME: event, FLOW_MUTATION_PHASE: 'prepare' },
        { loadCache: load }
      )
      expect(prep.failures.join()).toContain(`mutation-gate refuses to run on ${event}`)
      expect(prep.failures.join()).toContain('allow-privileged-events: true')
      expect(prep.outputs.passed).toBe('false')
      const io = await gate(
        root,
        { report: 'r.json', threshold: '50' },
        { GITHUB_EVENT_NAME: event }
      )
      expect(io.failures.join()).toContain(`mutation-gate refuses to run on ${event}`)
      expect(load).not.toHaveBeenCalled()
    }
  })

  it('with allow-privileged-events it runs, warns, and saves nothing to the cache', async () => {
    const root = workspace()
    write(root, 'r.json', strykerReport([['src/a.js', 1, 'Killed']]))
    write(root, 'reports/stryker-incremental.json', '{}')
    const saves: unknown[] = []
    const client: CacheClient = {
      isFeatureAvailable: () => true,
      restoreCache: async () => undefined,
      saveCache: async (...a) => saves.push(a)
    }
    const io = await gate(
      root,
      { report: 'r.json', threshold: '50', incremental: 'true', 'allow-privileged-events': 'true' },
      { GITHUB_EVENT_NAME: 'pull_request_target' },
      { loadCache: async () => client }
    )
    expect(io.failures).toEqual([])
    expect(io.outputs.passed).toBe('true')
    expect(io.warnings.join()).toContain('allow-privileged-events is true')
    expect(saves).toEqual([])
  })
})
