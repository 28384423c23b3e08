/**
 * Every fenced example in README.md and docs/*.md is evaluated: a copied example must work.
 *
 * - YAML is parsed, then checked by what it is: a workflow or steps (each flow-actions reference
 *   resolves to an action.yml or reusable workflow, `with:` names real inputs and sets the
 *   required ones, `steps.X.outputs.Y` names a real output, a caller grants the permissions the
 *   reusable workflow's jobs need, actions/checkout carries the one pin this repository uses), a
 *   graph (validated), waivers, sign-offs, evidence declarations, canary probes or metrics.
 * - JSON is parsed (and a baseline loaded); markdown frontmatter is checked as an instruction file.
 * - Shell lines: every `flow` command line is accepted by the CLI's parser, every `npm run X` is a
 *   script of package.json.
 * - Console blocks run each `$ flow …` command in-process and find every line shown in its output.
 * - TypeScript: an API listing names functions the module it names exports; the action entry
 *   point is the text of every actions/<name>/index.ts.
 *
 * A block nothing here can evaluate fails the test, naming the file and line.
 */
import { describe, expect, it } from '@jest/globals'
import {
  existsSync,
  mkdtempSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { main, usageProblem } from '../../cli/main.js'
import { readMetrics } from '../../shared/canary/metric-config.js'
import { readProbes } from '../../shared/canary/probe-config.js'
import {
  loadEvidenceDeclarations,
  parseEvidenceOverrides
} from '../../shared/evidence/declarations.js'
import { checkInstructionFile } from '../../shared/evidence/documents/instructions.js'
import { loadBaselines } from '../../shared/baseline.js'
import { loadSignoffs } from '../../shared/gates/signoffs.js'
import { judgeWaivers } from '../../shared/gates/waivers.js'
import { validateGraphFile } from '../../shared/graph/index.js'
import { parseYaml } from '../../shared/yaml.js'

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')
const read = (f: string) => readFileSync(path.join(repoRoot, f), 'utf8')
type Yaml = Record<string, unknown>

export interface Block {
  file: string
  line: number
  lang: string
  text: string
  /** The prose just before the block (a file name, a marker, a heading naming a module). */
  before: string
}

/** Fenced blocks (``` or ~~~, indented or not) of a markdown text. */
export function fencedBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split('\n')
  const out: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+|~~~+)\s*([\w-]*)/.exec(lines[i])
    if (!open) continue
    const [, indent, fence, lang] = open
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length && !lines[j].trimStart().startsWith(fence); j++)
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j])
    out.push({
      file,
      line: i + 1,
      lang,
      text: body.join('\n'),
      before: lines.slice(Math.max(0, i - 6), i).join('\n')
    })
    i = j
  }
  return out
}

const DOCS = [
  'README.md',
  ...readdirSync(path.join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`)
]
const BLOCKS = DOCS.flatMap((f) => fencedBlocks(f, read(f)))

// ---- actions and reusable workflows -------------------------------------------------------

interface Interface {
  inputs: Record<string, { required?: boolean; default?: unknown }>
  outputs: Record<string, unknown>
  secrets?: Record<string, { required?: boolean }>
  permissions?: Record<string, string>
}

function actionInterface(ref: string): Interface | string {
  const m = /^org\/flow-actions(?:\/([\w.-]+))?@v1$/.exec(ref)
  if (!m) return `"${ref}" is not written as org/flow-actions[/<name>]@v1`
  const file = m[1] ? `${m[1]}/action.yml` : 'action.yml'
  let doc: Yaml
  try {
    doc = parseYaml(read(file), file).value as Yaml
  } catch {
    return `"${ref}" names no action: ${file} does not exist`
  }
  return {
    inputs: (doc.inputs ?? {}) as Interface['inputs'],
    outputs: (doc.outputs ?? {}) as Interface['outputs']
  }
}

const LEVEL: Record<string, number> = { none: 0, read: 1, write: 2 }

function workflowInterface(ref: string): Interface | string {
  const m = /^org\/flow-actions\/(\.github\/workflows\/[\w.-]+\.ya?ml)@v1$/.exec(ref)
  if (!m) return `"${ref}" is not written as org/flow-actions/.github/workflows/<file>@v1`
  let doc: Yaml
  try {
    doc = parseYaml(read(m[1]), m[1]).value as Yaml
  } catch {
    return `"${ref}" names no reusable workflow: ${m[1]} does not exist`
  }
  const call = ((doc.on as Yaml | undefined)?.workflow_call ?? {}) as Yaml
  const permissions: Record<string, string> = {}
  for (const job of Object.values((doc.jobs ?? {}) as Record<string, Yaml>)) {
    for (const [scope, level] of Object.entries(
      (job.permissions ?? {}) as Record<string, string>
    )) {
      if ((LEVEL[level] ?? 0) > (LEVEL[permissions[scope]] ?? 0)) permissions[scope] = level
    }
  }
  return {
    inputs: (call.inputs ?? {}) as Interface['inputs'],
    outputs: (call.outputs ?? {}) as Interface['outputs'],
    secrets: (call.secrets ?? {}) as Interface['secrets'],
    permissions
  }
}

/** The actions/checkout pin this repository's own workflows use: examples must use the same. */
function checkoutPin(): string {
  const pins = new Set<string>()
  for (const f of readdirSync(path.join(repoRoot, '.github', 'workflows'))) {
    for (const m of read(`.github/workflows/${f}`).matchAll(/uses: actions\/checkout@(\S+)/g))
      pins.add(m[1])
  }
  expect([...pins]).toHaveLength(1)
  return [...pins][0]
}

function checkWith(
  where: string,
  iface: Interface,
  given: Yaml | undefined,
  problems: string[]
): void {
  for (const key of Object.keys(given ?? {}))
    if (!Object.hasOwn(iface.inputs, key)) problems.push(`${where}: input "${key}" does not exist`)
  for (const [key, spec] of Object.entries(iface.inputs)) {
    if (spec?.required && spec.default === undefined && !Object.hasOwn(given ?? {}, key))
      problems.push(`${where}: required input "${key}" is missing`)
  }
}

function checkSteps(where: string, steps: unknown[], problems: string[]): void {
  const outputsById = new Map<string, Interface['outputs'] | undefined>()
  for (const [i, raw] of steps.entries()) {
    const step = raw as Yaml
    const at = `${where} step ${i + 1}`
    if (typeof step.uses !== 'string') {
      if (typeof step.id === 'string') outputsById.set(step.id, undefined)
      continue
    }
    if (step.uses.startsWith('actions/checkout@')) {
      if (step.uses !== `actions/checkout@${checkoutPin()}`)
        problems.push(
          `${at}: ${step.uses} is not the pin this repository uses (actions/checkout@${checkoutPin()})`
        )
      continue
    }
    if (!step.uses.startsWith('org/flow-actions')) {
      if (!/@[0-9a-f]{40}$/.test(step.uses))
        problems.push(`${at}: ${step.uses} is not pinned to a full commit SHA`)
      continue
    }
    const iface = actionInterface(step.uses)
    if (typeof iface === 'string') {
      problems.push(`${at}: ${iface}`)
      continue
    }
    checkWith(at, iface, step.with as Yaml | undefined, problems)
    if (typeof step.id === 'string') outputsById.set(step.id, iface.outputs)
  }
  const text = JSON.stringify(steps)
  for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
    if (!outputsById.has(m[1]))
      problems.push(`${where}: steps.${m[1]} is not a step of this example`)
    else {
      const outputs = outputsById.get(m[1])
      if (outputs && !Object.hasOwn(outputs, m[2]))
        problems.push(`${where}: step "${m[1]}" has no output "${m[2]}"`)
    }
  }
}

function checkJobs(
  where: string,
  jobs: Yaml,
  problems: string[],
  workflowPermissions?: unknown
): void {
  for (const [id, raw] of Object.entries(jobs)) {
    const job = raw as Yaml
    const at = `${where} jobs.${id}`
    if (Array.isArray(job.steps)) checkSteps(at, job.steps, problems)
    if (typeof job.uses !== 'string') continue
    const iface = workflowInterface(job.uses)
    if (typeof iface === 'string') {
      problems.push(`${at}: ${iface}`)
      continue
    }
    checkWith(at, iface, job.with as Yaml | undefined, problems)
    for (const key of Object.keys((job.secrets ?? {}) as Yaml))
      if (!Object.hasOwn(iface.secrets ?? {}, key))
        problems.push(`${at}: secret "${key}" does not exist`)
    // GitHub refuses to start a reusable workflow whose jobs ask for more than the caller grants.
    // A job without permissions inherits the workflow's; with neither, the repository default applies.
    const grant = job.permissions ?? workflowPermissions
    if (grant === undefined) continue
    const granted = (typeof grant === 'object' && grant !== null ? grant : {}) as Record<
      string,
      string
    >
    for (const [scope, level] of Object.entries(iface.permissions ?? {})) {
      if ((LEVEL[granted[scope]] ?? 0) < (LEVEL[level] ?? 0))
        problems.push(
          `${at}: the caller grants ${scope}: ${granted[scope] ?? 'none'}, the workflow needs ${scope}: ${level}`
        )
    }
  }
}

// ---- graphs and configuration files -------------------------------------------------------

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'flow-docs-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true })
    writeFileSync(path.join(root, name), text)
  }
  return root
}

/** Findings a fragment may have: it names files, templates and nodes the page does not show. */
const FRAGMENT_CODES = new Set([
  'artifact-missing',
  'template-missing',
  'unreachable',
  'missing-target',
  'instructions-missing',
  'no-exit',
  'trap-cycle'
])

function checkGraph(where: string, yaml: string, problems: string[]): void {
  const root = workspace({
    '.process/graph.yaml': yaml,
    'requirements/nfr.yml':
      'performance:\n  target_p95_latency_ms: 200\nquality:\n  coverage_production: 90\nsecurity:\n  handles_payment_data: false\n'
  })
  const r = validateGraphFile(root, '.process/graph.yaml')
  for (const f of r.findings)
    if (f.severity === 'error' && !FRAGMENT_CODES.has(f.code))
      problems.push(`${where}: ${f.code}: ${f.message}`)
}

const NAMESPACES = ['tests', 'coverage', 'mutation', 'sarif', 'sbom', 'perf', 'changes']

async function checkYaml(b: Block, problems: string[]): Promise<void> {
  const where = `${b.file}:${b.line}`
  if (b.text.split('\n').every((l) => /^\s*(#.*)?$/.test(l))) {
    // Comments alone (the editor's schema hint): the schema it names must be one we publish.
    const schemas = [...b.text.matchAll(/\/v1\/(schemas\/[\w.-]+\.json)/g)].map((m) => m[1])
    if (schemas.length === 0) problems.push(`${where}: a YAML block of comments only`)
    for (const s of schemas)
      if (!existsSync(path.join(repoRoot, s))) problems.push(`${where}: ${s} does not exist`)
    return
  }
  let value: unknown
  try {
    value = parseYaml(b.text, where).value
  } catch (error) {
    problems.push(`${where}: not valid YAML: ${(error as Error).message}`)
    return
  }
  const doc = (value ?? {}) as Yaml
  if (Array.isArray(value)) return checkSteps(where, value, problems)
  if (doc.jobs) return checkJobs(where, doc.jobs as Yaml, problems, doc.permissions)
  if (Array.isArray(doc.steps)) return checkSteps(where, doc.steps, problems)
  if (typeof doc.uses === 'string') return checkSteps(where, [doc], problems)
  if (doc.nodes) return checkGraph(where, b.text, problems)
  if (doc.evidence && Object.keys(doc).length === 1)
    return checkGraph(
      where,
      JSON.stringify({
        version: 1,
        evidence: doc.evidence,
        nodes: [{ id: 'a', kind: 'activity' }]
      }),
      problems
    )
  if (doc.requires || doc.next) {
    // Requirement and branch lists shown alone: a gate and a decision around them.
    const fragment = {
      version: 1,
      nodes: [
        { id: 'G', kind: 'gate', requires: doc.requires ?? [], pass: 'D', fail: 'G' },
        { id: 'D', kind: 'decision', next: doc.next ?? [{ when: 'else', node: 'G' }] }
      ]
    }
    return checkGraph(where, JSON.stringify(fragment), problems)
  }
  if (doc.waivers) {
    for (const w of judgeWaivers(parseYaml(b.text, where), new Date('2026-11-01T00:00:00Z')))
      if (w.record.state === 'malformed')
        problems.push(`${where}: waiver is malformed: ${w.record.problem}`)
    return
  }
  if (doc.probes || doc.metrics || doc.prometheus) {
    // Canary probe and metric files: the action's own readers refuse anything it would refuse.
    try {
      if (doc.probes) expect(readProbes(parseYaml(b.text, where)).length).toBeGreaterThan(0)
      if (doc.metrics || doc.prometheus) readMetrics(parseYaml(b.text, where))
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`)
    }
    return
  }
  if (
    Object.keys(doc).length > 0 &&
    Object.keys(doc).every((k) => NAMESPACES.includes(k) || /^[\w-]+$/.test(k)) &&
    /evidence\.yaml/.test(`${b.before}\n${b.text}`)
  ) {
    const root = workspace({ '.process/evidence.yaml': b.text })
    expect(loadEvidenceDeclarations(root).length).toBeGreaterThan(0)
    return
  }
  if (Object.values(doc).every((v) => typeof v === 'object' && v !== null && 'signoff' in v)) {
    const root = workspace({ '.process/signoffs.yaml': b.text })
    expect(loadSignoffs(root).values.size).toBeGreaterThan(0)
    return
  }
  problems.push(
    `${where}: a YAML example nothing evaluates (top-level keys ${Object.keys(doc).join(', ')}); teach __tests__/docs/examples.test.ts what it is`
  )
}

// ---- commands -------------------------------------------------------------------------------

/** Splits a shell line into simple commands and words; enough for documentation examples. */
function commands(script: string): string[][] {
  const joined = script.replace(/\\\n\s*/g, ' ').replace(/&&\s*\n\s*/g, '&& ')
  const out: string[][] = []
  for (const line of joined.split('\n')) {
    const code = line.replace(/(^|\s)#.*$/, '')
    for (const part of code.split(/&&|\|\||;|\|/)) {
      const words = [...part.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map(
        (m) => m[1] ?? m[2] ?? m[3]
      )
      if (words.length > 0) out.push(words)
    }
  }
  return out
}

/** The flow argv of a command, or undefined when it does not run flow. */
function flowArgv(words: string[]): string[] | undefined {
  if (words[0] === 'flow') return words.slice(1)
  if (words[0] === 'npx' && (words[1] === 'flow' || words[1] === 'flow-actions'))
    return words.slice(2)
  if (words[0] === 'node' && words[1] === 'dist/cli/index.js') return words.slice(2)
  return undefined
}

const SCRIPTS = Object.keys(
  (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts
)

function checkCommands(where: string, script: string, problems: string[]): number {
  let checked = 0
  for (const words of commands(script)) {
    const argv = flowArgv(words)
    if (argv) {
      // A synopsis marks optional parts with [ ]; the options inside must still exist.
      const problem = usageProblem(
        argv.map((w) => w.replace(/^\[|\]$/g, '').replace(/\.\.\.$/, '')).filter((w) => w !== '')
      )
      if (problem) problems.push(`${where}: ${words.join(' ')}: ${problem.split('\n')[0]}`)
      checked++
    } else if (words[0] === 'npm' && words[1] === 'run') {
      if (!SCRIPTS.includes(words[2]))
        problems.push(`${where}: npm run ${words[2]}: no such script in package.json`)
      checked++
    } else if (
      words[0] === 'npm' ||
      words[0] === 'npx' ||
      words[0] === 'node' ||
      words[0] === 'mkdir'
    ) {
      checked++
    }
  }
  return checked
}

async function checkConsole(b: Block, problems: string[]): Promise<void> {
  const where = `${b.file}:${b.line}`
  const runs = b.text.split(/^\$ /m).filter(Boolean)
  expect(runs.length).toBeGreaterThan(0)
  for (const run of runs) {
    const [command, ...shown] = run.split('\n')
    checkCommands(where, command, [])
    const argv = flowArgv(commands(command)[0] ?? [])
    if (!argv) {
      problems.push(`${where}: console example "${command}" is not a flow command`)
      continue
    }
    if (['init', 'recalibrate', 'demo'].includes(argv[0])) {
      problems.push(`${where}: console examples run for real; "${argv[0]}" writes files`)
      continue
    }
    const lines: string[] = []
    const code = await main(argv, {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
      now: () => new Date('2026-12-01T12:00:00Z')
    })
    expect(typeof code).toBe('number')
    const output = lines.join('\n').split('\n')
    for (const line of shown) {
      const text = line.replace(/ …$/, '').trim()
      if (text && !output.some((o) => o.includes(text)))
        problems.push(`${where}: "$ ${command}" does not print "${text}"`)
    }
  }
}

// ---- the rest -------------------------------------------------------------------------------

async function checkTs(b: Block, problems: string[]): Promise<void> {
  const where = `${b.file}:${b.line}`
  const module = /`((?:shared|cli|actions)\/[\w/.-]+\.ts)`/.exec(b.before)?.[1]
  if (module) {
    const exported = (await import(`../../${module.replace(/\.ts$/, '.js')}`)) as Record<
      string,
      unknown
    >
    for (const m of b.text.matchAll(/^(\w+)\(/gm))
      if (typeof exported[m[1]] !== 'function')
        problems.push(`${where}: ${module} exports no function ${m[1]}`)
    return
  }
  if (/from '\.\/main\.js'/.test(b.text)) {
    const shape = (t: string) =>
      t
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join('\n')
    for (const a of readdirSync(path.join(repoRoot, 'actions'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)) {
      if (shape(read(`actions/${a}/index.ts`)) !== shape(b.text))
        problems.push(`${where}: actions/${a}/index.ts is not the entry point shown`)
    }
    return
  }
  problems.push(
    `${where}: a TypeScript example nothing evaluates; name its module in backticks just before it`
  )
}

async function evaluate(b: Block): Promise<string[]> {
  const problems: string[] = []
  const where = `${b.file}:${b.line}`
  switch (b.lang) {
    case 'yaml':
    case 'yml':
      await checkYaml(b, problems)
      break
    case 'json': {
      const value = JSON.parse(b.text) as Yaml
      if (value.version !== undefined && value.metrics !== undefined) {
        const loaded = loadBaselines(workspace({ '.process/baseline.json': b.text }), [])
        if (loaded.problems.length > 0 || loaded.values.size === 0)
          problems.push(`${where}: baseline does not load: ${JSON.stringify(loaded.problems)}`)
      }
      break
    }
    case 'sh':
    case 'bash':
    case 'shell':
      if (checkCommands(where, b.text, problems) === 0)
        problems.push(`${where}: no command in this shell example could be checked`)
      break
    case 'console':
      await checkConsole(b, problems)
      break
    case 'ts':
    case 'typescript':
      await checkTs(b, problems)
      break
    case 'markdown':
    case 'md': {
      // An instruction file shown whole: it must pass the instruction check.
      const root = workspace({
        '.github/instructions/example.instructions.md': b.text,
        'src/game/loop.py': 'pass\n'
      })
      problems.push(
        ...(
          await checkInstructionFile('.github/instructions/example.instructions.md', { root })
        ).map((p) => `${where}: ${p}`)
      )
      break
    }
    case '':
    case 'text': {
      // Plain blocks are diagrams and synopses; a command or an evidence line in one is still checked.
      const first = b.text.trim().split(/\s+/)[0]
      if (['flow', 'npx', 'npm', 'node'].includes(first)) checkCommands(where, b.text, problems)
      else if (/^[\w-]+: \S/.test(b.text.trim()) && !b.text.includes('\n'))
        expect(parseEvidenceOverrides(b.text).length).toBeGreaterThan(0)
      break
    }
    default:
      problems.push(`${where}: no evaluator for \`\`\`${b.lang} blocks`)
  }
  return problems
}

describe('every fenced example in README.md and docs/ is evaluated', () => {
  it('finds the examples', () => {
    expect(DOCS).toContain('README.md')
    expect(BLOCKS.length).toBeGreaterThan(40)
  })

  it.each(DOCS)('%s', async (file) => {
    const problems: string[] = []
    for (const b of BLOCKS.filter((x) => x.file === file)) problems.push(...(await evaluate(b)))
    expect(problems).toEqual([])
  })
})

describe('the evaluators catch the mistakes field testing found', () => {
  const block = (text: string, lang = 'yaml'): Block => ({
    file: 'x.md',
    line: 1,
    lang,
    text,
    before: ''
  })

  it('render-diagram after check-gates without a stage, reading a report path nobody wrote', async () => {
    const wrong =
      '- id: gates\n  uses: org/flow-actions/check-gates@v1\n- uses: org/flow-actions/render-diagram@v1\n  with:\n    report: ${{ steps.gates.outputs.report-file }}\n'
    const problems = await evaluate(block(wrong))
    expect(problems).toEqual([
      'x.md:1 step 1: required input "stage" is missing',
      'x.md:1: step "gates" has no output "report-file"'
    ])
  })

  it('a checkout pin other than the one this repository uses, an action that does not exist, an unknown input', async () => {
    const wrong =
      'steps:\n  - uses: actions/checkout@v4\n  - uses: org/flow-actions/check-gate@v1\n  - uses: org/flow-actions/validate-graph@v1\n    with: { strickt: true }\n'
    const problems = await evaluate(block(wrong))
    expect(problems[0]).toMatch(/actions\/checkout@v4 is not the pin this repository uses/)
    expect(problems[1]).toMatch(/check-gate\/action.yml does not exist/)
    expect(problems[2]).toMatch(/input "strickt" does not exist/)
  })

  it('a reusable-workflow caller that grants too little, a graph with a typo, a flow command with a typo', async () => {
    const caller =
      'jobs:\n  r:\n    permissions: { contents: read }\n    uses: org/flow-actions/.github/workflows/recalibrate.yml@v1\n'
    expect((await evaluate(block(caller))).join('\n')).toMatch(
      /grants contents: read, the workflow needs contents: write/
    )
    const graph = 'nodes:\n  - id: a\n    kind: activty\n'
    expect((await evaluate(block(graph))).join('\n')).toMatch(/schema/)
    expect(await evaluate(block('npx flow gates --stgae dev', 'sh'))).toEqual([
      'x.md:1: npx flow gates --stgae dev: flow gates: unknown option --stgae; did you mean --stage?'
    ])
    expect(await evaluate(block('npm run nope', 'sh'))).toEqual([
      'x.md:1: npm run nope: no such script in package.json'
    ])
  })

  it('console output that the command no longer prints', async () => {
    const stale =
      '$ flow gates --root examples --stage production\nFAIL gates failed for stage production\n  coverage.lines (96.6101694915) >= 98 does not hold.\n'
    expect(await evaluate(block(stale, 'console'))).toEqual([
      'x.md:1: "$ flow gates --root examples --stage production" does not print "coverage.lines (96.6101694915) >= 98 does not hold."'
    ])
  })
})

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')
}

function anchors(markdown: string): Set<string> {
  const out = new Set<string>()
  let fenced = false
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced
    const h = !fenced && /^#{1,6} +(.+)$/.exec(line)
    if (h) out.add(slug(h[1]))
  }
  return out
}

describe('links in README.md and docs/ resolve', () => {
  it.each(DOCS)('%s', (file) => {
    // Code (fenced and inline) is not prose: a link shown there is an example, not a link.
    const prose = read(file)
      .replace(/^\s*(```|~~~)[\s\S]*?^\s*\1/gm, '')
      .replace(/`[^`\n]*`/g, '')
    const broken: string[] = []
    for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = m[1]
      if (/^(https?:|mailto:)/.test(link)) continue
      const [target, anchor] = link.split('#')
      const resolved = target === '' ? file : path.normalize(path.join(path.dirname(file), target))
      if (!existsSync(path.join(repoRoot, resolved))) {
        broken.push(`${link}: ${resolved} does not exist`)
        continue
      }
      if (
        anchor &&
        resolved.endsWith('.md') &&
        statSync(path.join(repoRoot, resolved)).isFile() &&
        !anchors(read(resolved)).has(anchor)
      )
        broken.push(`${link}: ${resolved} has no heading #${anchor}`)
    }
    expect(broken).toEqual([])
  })
})
