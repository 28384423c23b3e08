import { describe, expect, it } from '@jest/globals'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { mutationCommand } from '../../cli/mutation.js'
import type { CommandContext } from '../../cli/context.js'
import {
  mergeShardReports,
  parseTargets,
  planShards,
  scanSource,
  stampShard
} from '../../shared/mutation/index.js'
import { fixtures, strykerReport, workspace } from './helpers.js'

function ctx(root: string, positionals: string[], flags: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  const c: CommandContext = {
    root,
    flags,
    positionals,
    now: () => new Date('2026-09-01T00:00:00Z'),
    out: (l) => out.push(l),
    err: (l) => err.push(l)
  }
  return { c, out, err }
}

describe('source scan', () => {
  it('splits only before top-level statements', () => {
    const src = [
      'const a = 1', // 1
      'export function f(x) {', // 2
      '  if (x > 1) {', // 3
      '    return `t ${x + 1} }`', // 4
      '  }', // 5
      '  return /[}{]/.test(x)', // 6
      '}', // 7
      'const b =', // 8
      '  2 + a', // 9
      "const s = 'x // not a comment {'", // 10
      '/* {', // 11
      '*/ class C {}' // 12
    ].join('\n')
    expect(scanSource('a.ts', src).boundaries).toEqual([1, 2, 8, 10])
    expect(scanSource('a.tsx', src).boundaries).toEqual([])
    expect(scanSource('a.js', 'function f() {\n  return (1\n}\nconst x = 2\n').boundaries).toEqual(
      []
    )
    expect(scanSource('a.py', 'x = 1\n\ny = 2\n').lineWeights).toEqual([1, 0, 1, 0])
  })
})

describe('planning', () => {
  it('balances files across shards, deterministically, and splits a heavy file into line ranges', () => {
    const root = workspace()
    mkdirSync(path.join(root, 'src'), { recursive: true })
    const fn = (i: number) =>
      `export function f${i}(a, b) {\n  if (a > b && b !== ${i}) return a + b\n  return a - b\n}\n`
    writeFileSync(
      path.join(root, 'src/big.js'),
      Array.from({ length: 12 }, (_, i) => fn(i)).join('')
    )
    for (const n of ['x', 'y', 'z']) writeFileSync(path.join(root, `src/${n}.js`), fn(0))
    writeFileSync(path.join(root, 'src/x.test.js'), fn(0))
    const plan = planShards(root, ['src/**/*.js', '!src/**/*.test.js'], 3)
    expect(planShards(root, ['src/**/*.js', '!src/**/*.test.js'], 3)).toEqual(plan)
    expect(plan.include.map((e) => [e.shard, e.of])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3]
    ])
    const targets = plan.include.flatMap((e) => parseTargets(e.mutate))
    expect(targets.some((t) => t.file === 'src/x.test.js')).toBe(false)
    const big = targets.filter((t) => t.file === 'src/big.js')
    expect(big.length).toBeGreaterThan(1)
    // Ranges of big.js cover every line exactly once and start on function boundaries.
    const covered = big.map((t) => [t.from, t.to] as [number, number]).sort((a, b) => a[0] - b[0])
    expect(covered[0][0]).toBe(1)
    for (let i = 1; i < covered.length; i++) expect(covered[i][0]).toBe(covered[i - 1][1] + 1)
    for (const [from] of covered) expect((from - 1) % 4).toBe(0)
    const loads = plan.include.map((e) => e.estimate)
    expect(Math.max(...loads) / Math.min(...loads)).toBeLessThan(1.6)
  })

  it('caps the shard count at the number of targets and refuses bad input', () => {
    const root = workspace([path.join(fixtures, 'project', 'src'), 'src'])
    const plan = planShards(root, ['src/text.js'], 8)
    expect(plan.include.length).toBeLessThan(8)
    expect(plan.notes.join()).toMatch(/instead of 8/)
    expect(() => planShards(root, ['lib/**/*.js'], 2)).toThrow(/No file matches/)
    expect(() => planShards(root, ['src/**/*.js'], 0)).toThrow(/--shards must be a whole number/)
    expect(() => planShards(root, ['../**/*.js'], 2)).toThrow(/outside the workspace/)
    writeFileSync(path.join(root, 'src', 'a,b.js'), 'x()\n')
    expect(() => planShards(root, ['src/**/*.js'], 2)).toThrow(/comma/)
  })
})

describe('merging', () => {
  it('keeps test ids consistent and renames clashing mutant ids', () => {
    const a = stampShard(
      {
        ...strykerReport([['src/a.js', 1, 'Killed']]),
        testFiles: { 't.js': { tests: [{ id: '0', name: 'adds' }] } }
      },
      { shard: 1, of: 2, targets: parseTargets('src/a.js') }
    )
    a.files['src/a.js'].mutants[0].killedBy = ['0']
    const b = stampShard(
      {
        ...strykerReport([['src/b.js', 1, 'Killed']]),
        testFiles: { 't.js': { tests: [{ id: '0', name: 'subtracts' }] } }
      },
      { shard: 2, of: 2, targets: parseTargets('src/b.js') }
    )
    b.files['src/b.js'].mutants[0].killedBy = ['0']
    const merged = mergeShardReports([
      { file: 'b.json', report: b },
      { file: 'a.json', report: a }
    ]).report
    expect(merged.testFiles?.['t.js'].tests).toEqual([
      { id: '0', name: 'adds' },
      { id: '2-0', name: 'subtracts' }
    ])
    expect(merged.files['src/b.js'].mutants[0].killedBy).toEqual(['2-0'])
    expect(merged.files['src/b.js'].mutants[0].id).toBe('2-1')
    expect(() =>
      mergeShardReports([
        { file: 'a.json', report: a },
        { file: 'a2.json', report: a }
      ])
    ).toThrow(/shard 1 was reported twice/)
    expect(() =>
      mergeShardReports(
        [
          { file: 'a.json', report: a },
          { file: 'b.json', report: b }
        ],
        { expectedShards: 3 }
      )
    ).toThrow(/different plans/)
  })

  it('refuses shards of one file with different sources', () => {
    const a = stampShard(strykerReport([['src/a.js', 1, 'Killed']]), {
      shard: 1,
      of: 2,
      targets: parseTargets('src/a.js:1-5')
    })
    const b = stampShard(strykerReport([['src/a.js', 9, 'Killed']]), {
      shard: 2,
      of: 2,
      targets: parseTargets('src/a.js:6-20')
    })
    b.files['src/a.js'].source = 'changed'
    expect(() =>
      mergeShardReports([
        { file: 'a.json', report: a },
        { file: 'b.json', report: b }
      ])
    ).toThrow(/different source for src\/a\.js than shard 1/)
  })
})

describe('flow mutation', () => {
  it('plan prints a matrix; merge writes a schema-valid report; gate exits 1 below the threshold', async () => {
    const root = workspace([path.join(fixtures, 'project', 'src'), 'src'])
    const p = ctx(root, ['plan', 'src/**/*.js'], { shards: '2', output: 'plan.json' })
    expect(await mutationCommand(p.c)).toBe(0)
    const matrix = JSON.parse(p.out[0])
    expect(matrix.include).toHaveLength(2)
    expect(JSON.parse(readFileSync(path.join(root, 'plan.json'), 'utf8'))).toEqual(matrix)
    matrix.include.forEach((e: { shard: number; of: number; mutate: string }, i: number) => {
      const file = parseTargets(e.mutate)[0].file
      const report = stampShard(strykerReport([[file, 2, i === 0 ? 'Killed' : 'Survived']]), {
        shard: e.shard,
        of: e.of,
        targets: parseTargets(e.mutate)
      })
      mkdirSync(path.join(root, 'shards'), { recursive: true })
      writeFileSync(path.join(root, `shards/${e.shard}.json`), JSON.stringify(report))
    })
    const m = ctx(root, ['merge', 'shards/*.json'], { output: 'merged.json', shards: '2' })
    expect(await mutationCommand(m.c)).toBe(0)
    expect(m.out[0]).toMatch(/Merged 2 shard\(s\) into merged\.json: 2 mutants, score 50%/)
    const g = ctx(root, ['gate'], { report: 'merged.json', threshold: '60' })
    expect(await mutationCommand(g.c)).toBe(1)
    expect(g.out.join('\n')).toMatch(/FAIL Mutation score 50% is below the threshold 60%/)
    expect(
      await mutationCommand(ctx(root, ['gate'], { report: 'merged.json', threshold: '50' }).c)
    ).toBe(0)
    const missing = ctx(root, ['merge', 'shards/1.json'], { output: 'm2.json', shards: '2' })
    await expect(mutationCommand(missing.c)).rejects.toThrow(/missing for shard 2 of 2/)
    const bad = ctx(root, ['gate'], { report: 'nope.json' })
    expect(await mutationCommand(bad.c)).toBe(1)
    expect(bad.err.join()).toMatch(/nope\.json: does not exist/)
    expect(await mutationCommand(ctx(root, ['shard']).c)).toBe(2)
  })
})
