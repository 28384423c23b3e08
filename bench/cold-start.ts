import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import module from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { BenchRow } from './types.js'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')

/** Wall time of one process run, in ms. */
function wall(args: string[], env: NodeJS.ProcessEnv, cwd: string): number {
  const started = process.hrtime.bigint()
  const r = spawnSync(process.execPath, args, { env, cwd, stdio: 'ignore' })
  if (r.error) throw r.error
  return Number(process.hrtime.bigint() - started) / 1e6
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/**
 * Cold start of each bundle on the small example repository, against `node -e 0` measured in
 * the same run: every command gets the same inputs and workspace, is run once untimed first (so
 * no row pays for reading its files from disk), then the commands are interleaved run by run so
 * machine load affects all alike, and each row is a median. Bar: at most 2.5x.
 *
 * Where Node has a module compile cache (22.1+), two more rows show what it would do for
 * check-gates: a first run that writes the cache (a fresh directory each time, as on a new
 * runner) and a run that finds it already written (a second flow step in the same job).
 */
export async function benchColdStart(runs = 15): Promise<BenchRow[]> {
  const workspace = mkdtempSync(path.join(tmpdir(), 'flow-bench-cold-'))
  cpSync(path.join(root, 'examples'), workspace, { recursive: true })
  const temp = mkdtempSync(path.join(tmpdir(), 'flow-bench-runner-'))
  const files = {
    GITHUB_OUTPUT: path.join(temp, 'out'),
    GITHUB_STEP_SUMMARY: path.join(temp, 'summary'),
    GITHUB_STATE: path.join(temp, 'state')
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: temp,
    GITHUB_EVENT_NAME: 'push',
    ...files
  }
  const actions: Array<[string, Record<string, string>]> = [
    ['validate-graph', { INPUT_GRAPH: '.process/graph.yaml', INPUT_STRICT: 'false' }],
    [
      'render-diagram',
      {
        INPUT_GRAPH: '.process/graph.yaml',
        INPUT_SUMMARY: 'true',
        INPUT_CHECK: 'false',
        INPUT_DIRECTION: 'TD'
      }
    ],
    [
      'check-gates',
      {
        INPUT_GRAPH: '.process/graph.yaml',
        INPUT_STAGE: 'staging',
        'INPUT_UPLOAD-REPORT': 'false',
        INPUT_COMMENT: 'false',
        'INPUT_FAIL-ON': 'error'
      }
    ],
    [
      'verify',
      {
        INPUT_GRAPH: '.process/graph.yaml',
        INPUT_STAGE: 'staging',
        'INPUT_UPLOAD-REPORT': 'false',
        INPUT_COMMENT: 'false',
        'INPUT_FAIL-ON': 'error',
        INPUT_STRICT: 'false'
      }
    ]
  ]
  const baseline: number[] = []
  const times = new Map<string, number[]>(actions.map(([n]) => [n, []]))
  const bundle = (name: string) => path.join(root, 'dist', name, 'index.js')
  // check-gates' entry without its last statement (`await run()`): the cost of loading its
  // start-up code alone, the floor under the whole run.
  const entry = readFileSync(bundle('check-gates'), 'utf8')
  const loadOnlyText = entry
    .replace(/await [A-Za-z_$][\w$]*\(\);?\s*$/, '')
    .replaceAll('"../chunks/', `"${pathToFileURL(path.join(root, 'dist', 'chunks')).href}/`)
  if (loadOnlyText === entry || !loadOnlyText.includes('file://'))
    throw new Error('dist/check-gates/index.js no longer ends in `await run()` over ../chunks/')
  const loadOnly = path.join(temp, 'check-gates-load-only.mjs')
  writeFileSync(loadOnly, loadOnlyText)
  const loadOnlyTimes: number[] = []
  // The floor under any action that reads the graph: Node loading js-yaml and parsing the example's
  // graph.yaml, nothing else (no schema, no checks, no output).
  const yamlOnly = path.join(temp, 'yaml-only.mjs')
  writeFileSync(
    yamlOnly,
    [
      `import { load } from ${JSON.stringify(pathToFileURL(path.join(root, 'node_modules', 'js-yaml', 'dist', 'js-yaml.mjs')).href)}`,
      "import { readFileSync } from 'node:fs'",
      `load(readFileSync(${JSON.stringify(path.join(workspace, '.process', 'graph.yaml'))}, 'utf8'))`
    ].join('\n')
  )
  const yamlOnlyTimes: number[] = []
  const gates = actions.find(([n]) => n === 'check-gates')?.[1] ?? {}
  // NODE_COMPILE_CACHE is what module.enableCompileCache() sets up, without changing the bundle.
  const cached =
    typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function'
  const cacheFirst: number[] = []
  const cacheAgain: number[] = []
  const warmCache = mkdtempSync(path.join(tmpdir(), 'flow-bench-cache-'))
  wall(['-e', '0'], base, workspace)
  for (const [name, inputs] of actions) wall([bundle(name)], { ...base, ...inputs }, workspace)
  if (cached)
    wall([bundle('check-gates')], { ...base, ...gates, NODE_COMPILE_CACHE: warmCache }, workspace)
  wall([loadOnly], base, workspace)
  wall([yamlOnly], base, workspace)
  for (let i = 0; i < runs; i++) {
    baseline.push(wall(['-e', '0'], base, workspace))
    loadOnlyTimes.push(wall([loadOnly], base, workspace))
    yamlOnlyTimes.push(wall([yamlOnly], base, workspace))
    for (const [name, inputs] of actions) {
      times.get(name)?.push(wall([bundle(name)], { ...base, ...inputs }, workspace))
    }
    if (cached) {
      cacheFirst.push(
        wall(
          [bundle('check-gates')],
          {
            ...base,
            ...gates,
            NODE_COMPILE_CACHE: mkdtempSync(path.join(tmpdir(), 'flow-bench-cache-'))
          },
          workspace
        )
      )
      cacheAgain.push(
        wall(
          [bundle('check-gates')],
          { ...base, ...gates, NODE_COMPILE_CACHE: warmCache },
          workspace
        )
      )
    }
  }
  const nodeMs = median(baseline)
  const rows: BenchRow[] = [
    { name: 'cold start: node -e 0 (reference)', value: nodeMs, unit: 'ms', bar: '—', ok: true },
    {
      name: 'cold start: dist/check-gates loading its start-up code, running nothing / node -e 0',
      value: median(loadOnlyTimes) / nodeMs,
      unit: 'x',
      bar: '—',
      ok: true
    }
  ]
  rows.push({
    name: 'cold start: js-yaml alone loading and parsing the example graph / node -e 0',
    value: median(yamlOnlyTimes) / nodeMs,
    unit: 'x',
    bar: '—',
    ok: true
  })
  for (const [name] of actions) {
    const ratio = median(times.get(name) ?? []) / nodeMs
    rows.push({
      name: `cold start: dist/${name} on the example / node -e 0`,
      value: ratio,
      unit: 'x',
      bar: '<= 2.5x',
      ok: ratio <= 2.5
    })
  }
  if (cached) {
    rows.push({
      name: 'cold start: dist/check-gates, first run writing a compile cache / node -e 0',
      value: median(cacheFirst) / nodeMs,
      unit: 'x',
      bar: '—',
      ok: true
    })
    rows.push({
      name: 'cold start: dist/check-gates, later run reading the compile cache / node -e 0',
      value: median(cacheAgain) / nodeMs,
      unit: 'x',
      bar: '—',
      ok: true
    })
  }
  return rows
}
