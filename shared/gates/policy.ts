/**
 * The policy in force on a pull request: the graph, waivers, sign-offs and baseline of the base
 * commit, never the head's. The head is the change under review, so its edits to `.process/` are
 * shown as proposed and not applied; a waiver or sign-off it adds counts only when the login it
 * names approved the head commit and has write access (docs/security.md).
 */
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { literalPathspec, runGit, type GitRunner } from '../change/git.js'
import { ConfigurationError, errorMessage } from '../errors.js'
import { escapeMarkdown, inlineCode } from '../escape.js'
import { loadGraph, type ProcessGraph } from '../graph/index.js'
import type { WaiverRecord } from '../report/types.js'
import { printable } from '../safe-path.js'
import type { GitHubRequester, PullRequestFacts } from './pull-request.js'
import { loadSignoffs, type SignoffBook } from './signoffs.js'
import { loadWaivers, type LoadedWaivers, type Waiver } from './waivers.js'

/** The folder every policy file lives in; the graph and the waivers file are added when elsewhere. */
export const POLICY_DIR = '.process'
const MAX_POLICY_FILES = 500
const MAX_POLICY_FILE_BYTES = 16 * 1024 * 1024
const MAX_API_DEPTH = 6
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/

/** Reads the policy files of one commit: path (workspace-relative, `/`-separated) to content. */
export interface PolicyReader {
  /** Says where the files came from, e.g. "git" or "the contents API". */
  how: string
  read(paths: string[]): Promise<Map<string, string>>
}

export interface ProposedChange {
  file: string
  change: 'added' | 'modified' | 'deleted'
  /** What the change would do, e.g. "drops gate G-quality". */
  details: string[]
}

export interface PolicyAddition {
  kind: 'waiver' | 'sign-off'
  file: string
  line?: number
  /** The waiver's gate / requirement, or the sign-off area. */
  what: string
  login: string
  verified: boolean
  why: string
}

export interface Policy {
  /** A folder laid out like the workspace, holding the policy files in force. */
  root: string
  /** e.g. "base commit 1a2b3c4 (read with git)". */
  source: string
  waivers: LoadedWaivers
  signoffs: SignoffBook
  proposed: ProposedChange[]
  additions: PolicyAddition[]
  /** Removes the folder. */
  dispose(): void
}

/** Reads a commit's files with git, when the commit is in the checkout. Undefined when it is not. */
export async function gitPolicyReader(
  root: string,
  sha: string,
  git: GitRunner = runGit
): Promise<PolicyReader | undefined> {
  if (!SHA.test(sha))
    throw new ConfigurationError(`The base commit "${printable(sha, 80)}" is not a commit SHA.`)
  try {
    await git(['cat-file', '-e', `${sha}^{commit}`], root)
  } catch {
    return undefined
  }
  return {
    how: 'read with git',
    async read(paths) {
      const out = new Map<string, string>()
      if (paths.length === 0) return out
      const listing = await git(
        ['ls-tree', '-r', '-z', '--full-tree', sha, '--', ...paths.map(literalPathspec)],
        root
      )
      const entries = listing.split('\0').filter(Boolean)
      if (entries.length > MAX_POLICY_FILES)
        throw new ConfigurationError(
          `The base commit holds ${entries.length} policy files under ${paths.join(', ')}, over the ${MAX_POLICY_FILES}-file limit.`
        )
      for (const entry of entries) {
        // "<mode> <type> <object>\t<path>"; symlinks (120000) and submodules are not policy files.
        const tab = entry.indexOf('\t')
        const [mode, type, object] = entry.slice(0, tab).split(' ')
        const file = entry.slice(tab + 1)
        if (type !== 'blob' || !/^1006[0-9]{2}$/.test(mode) || !SHA.test(object)) continue
        const size = Number((await git(['cat-file', '-s', object], root)).trim())
        if (!(size <= MAX_POLICY_FILE_BYTES))
          throw new ConfigurationError(
            `${file} in the base commit is ${size} bytes, over the ${MAX_POLICY_FILE_BYTES}-byte limit.`
          )
        out.set(file, await git(['cat-file', 'blob', object], root))
      }
      return out
    }
  }
}

/** Reads a commit's files through the contents API (`GET /repos/{o}/{r}/contents/{path}?ref=`). */
export function apiPolicyReader(
  github: GitHubRequester,
  owner: string,
  repo: string,
  sha: string
): PolicyReader {
  return {
    how: 'read with the contents API',
    async read(paths) {
      const out = new Map<string, string>()
      const visit = async (p: string, depth: number): Promise<void> => {
        let data: unknown
        try {
          data = (
            await github.request('GET /repos/{owner}/{repo}/contents/{path}', {
              owner,
              repo,
              path: p,
              ref: sha
            })
          ).data
        } catch (error) {
          if ((error as { status?: unknown })?.status === 404) return
          throw error
        }
        if (Array.isArray(data)) {
          if (depth >= MAX_API_DEPTH)
            throw new ConfigurationError(
              `${p} in the base commit is nested deeper than ${MAX_API_DEPTH} folders.`
            )
          for (const item of data as Array<{ type?: string; path?: string }>) {
            if ((item.type === 'file' || item.type === 'dir') && typeof item.path === 'string')
              await visit(item.path, depth + 1)
          }
          return
        }
        const file = data as {
          type?: string
          path?: string
          content?: string
          encoding?: string
          size?: number
        }
        if (file.type !== 'file' || typeof file.path !== 'string') return
        if (out.size >= MAX_POLICY_FILES)
          throw new ConfigurationError(
            `The base commit holds more than ${MAX_POLICY_FILES} policy files under ${paths.join(', ')}.`
          )
        if (typeof file.size === 'number' && file.size > MAX_POLICY_FILE_BYTES)
          throw new ConfigurationError(
            `${file.path} in the base commit is ${file.size} bytes, over the ${MAX_POLICY_FILE_BYTES}-byte limit.`
          )
        if (file.encoding !== 'base64' || typeof file.content !== 'string')
          throw new ConfigurationError(
            `The contents API gave ${file.path} without its content (encoding ${printable(String(file.encoding), 20)}); files over 1 MB need the checkout to hold the base commit (fetch-depth: 0).`
          )
        out.set(file.path, Buffer.from(file.content, 'base64').toString('utf8'))
      }
      for (const p of paths) await visit(p.replace(/\/+$/, ''), 0)
      return out
    }
  }
}

export interface LoadPolicyOptions {
  /** The workspace: the head's files. */
  root: string
  /** The commit whose policy is in force (the pull request's base). */
  sha: string
  reader: PolicyReader
  graphPath: string
  waiversPath?: string
  now: Date
  /** The pull request, to verify a waiver's approver or a sign-off's signer; without it every addition is unverified. */
  facts?: PullRequestFacts
  /** Where the folder is made; default RUNNER_TEMP or the system's temp folder. */
  tempDir?: string
}

/** Reads the base commit's policy into a folder and sets it against the head's. */
export async function loadPolicy(opts: LoadPolicyOptions): Promise<Policy> {
  const paths = policyPaths(opts.graphPath, opts.waiversPath)
  const files = await opts.reader.read(paths)
  const dir = mkdtempSync(
    path.join(opts.tempDir ?? process.env.RUNNER_TEMP ?? os.tmpdir(), 'flow-policy-')
  )
  const dispose = () => rmSync(dir, { recursive: true, force: true })
  try {
    for (const [file, text] of files) {
      const target = path.join(dir, ...file.split('/'))
      if (!target.startsWith(dir + path.sep)) continue
      mkdirSync(path.dirname(target), { recursive: true })
      writeFileSync(target, text, { flag: 'wx' })
    }
    const short = opts.sha.slice(0, 7)
    if (!files.has(normalise(opts.graphPath))) {
      throw new ConfigurationError(
        `The base commit ${short} has no ${normalise(opts.graphPath)}, so there is no policy in force to check this pull request against. Merge the graph first, or set policy-source: head (advisory only).`
      )
    }
    const base = {
      waivers: loadWaivers(dir, opts.waiversPath, opts.now),
      signoffs: loadSignoffs(dir)
    }
    const proposed = proposedChanges(opts.root, dir, files, paths, opts.graphPath)
    const additions: PolicyAddition[] = []
    const waivers = await mergeWaivers(opts, base.waivers, additions)
    const signoffs = await mergeSignoffs(opts, base.signoffs, additions)
    return {
      root: dir,
      source: `base commit ${short} (${opts.reader.how})`,
      waivers,
      signoffs,
      proposed,
      additions,
      dispose
    }
  } catch (error) {
    dispose()
    throw error
  }
}

function normalise(p: string): string {
  return path.posix.normalize(p.replace(/\\/g, '/')).replace(/^\.\//, '')
}

/** `.process/`, plus the graph and the waivers file when they live elsewhere. */
export function policyPaths(graphPath: string, waiversPath?: string): string[] {
  const out = [POLICY_DIR]
  for (const p of [graphPath, waiversPath]) {
    if (!p || p.trim() === '') continue
    const n = normalise(p)
    if (n.startsWith('../') || path.posix.isAbsolute(n))
      throw new ConfigurationError(
        `${printable(p, 120)} is outside the workspace; policy files must be in the repository.`
      )
    if (n !== POLICY_DIR && !n.startsWith(`${POLICY_DIR}/`)) out.push(n)
  }
  return out
}

/** The head's files under the policy paths (regular files only, bounded). */
function headFiles(root: string, paths: string[]): Map<string, string> {
  const out = new Map<string, string>()
  const visit = (rel: string, depth: number) => {
    const abs = path.join(root, ...rel.split('/'))
    let st
    try {
      st = lstatSync(abs)
    } catch {
      return
    }
    if (st.isDirectory()) {
      if (depth > MAX_API_DEPTH) return
      for (const name of readdirSync(abs).sort()) visit(`${rel}/${name}`, depth + 1)
    } else if (st.isFile() && out.size < MAX_POLICY_FILES && st.size <= MAX_POLICY_FILE_BYTES) {
      out.set(rel, readFileSync(abs, 'utf8'))
    }
  }
  for (const p of paths) visit(p, 0)
  return out
}

/** Every head change to the policy files, with what a graph change would do to the gates. */
function proposedChanges(
  root: string,
  baseDir: string,
  base: Map<string, string>,
  paths: string[],
  graphPath: string
): ProposedChange[] {
  const head = headFiles(root, paths)
  const out: ProposedChange[] = []
  for (const file of [...new Set([...base.keys(), ...head.keys()])].sort()) {
    const b = base.get(file)
    const h = head.get(file)
    if (b === h) continue
    const change = b === undefined ? 'added' : h === undefined ? 'deleted' : 'modified'
    const details =
      file === normalise(graphPath)
        ? graphDifferences(baseDir, root, graphPath, h !== undefined)
        : []
    out.push({ file, change, details })
  }
  return out
}

/** Gates and requirements the head graph drops, adds or changes. */
function graphDifferences(
  baseDir: string,
  root: string,
  graphPath: string,
  headExists: boolean
): string[] {
  const gates = (g: ProcessGraph) =>
    new Map(g.nodes.filter((n) => n.kind === 'gate').map((n) => [n.id, n]))
  const base = gates(loadGraph(baseDir, graphPath).graph)
  if (!headExists) return [`drops the graph (gates ${[...base.keys()].join(', ')})`]
  let head: ReturnType<typeof gates>
  try {
    head = gates(loadGraph(root, graphPath).graph)
  } catch (error) {
    return [`the head's graph does not load: ${printable(errorMessage(error), 200)}`]
  }
  const out: string[] = []
  for (const [id, node] of base) {
    const h = head.get(id)
    if (!h) {
      out.push(`drops gate ${id}`)
      continue
    }
    const reqs = (n: typeof node) =>
      new Map((n.requires ?? []).map((r) => [r.id, JSON.stringify({ ...r, pos: undefined })]))
    const br = reqs(node)
    const hr = reqs(h)
    for (const [rid, text] of br) {
      if (!hr.has(rid)) out.push(`drops requirement ${id} / ${rid}`)
      else if (hr.get(rid) !== text) out.push(`changes requirement ${id} / ${rid}`)
    }
    for (const rid of hr.keys()) if (!br.has(rid)) out.push(`adds requirement ${id} / ${rid}`)
  }
  for (const id of head.keys()) if (!base.has(id)) out.push(`adds gate ${id}`)
  return out
}

function waiverKey(r: WaiverRecord): string {
  return JSON.stringify([r.gate, r.requirement, r.reason, r.approver, r.expires, r.stages ?? null])
}

/**
 * The base's waivers stay in force. A waiver only the head has is applied when its approver
 * approved the head commit and has write access; otherwise it is listed as unverified and ignored.
 */
async function mergeWaivers(
  opts: LoadPolicyOptions,
  base: LoadedWaivers,
  additions: PolicyAddition[]
): Promise<LoadedWaivers> {
  let head: LoadedWaivers
  try {
    head = loadWaivers(opts.root, opts.waiversPath, opts.now)
  } catch {
    // The head's file does not load: it is a proposed change (listed), and nothing from it applies.
    return base
  }
  const known = new Set(base.waivers.map((w) => waiverKey(w.record)))
  const accepted: Waiver[] = []
  for (const w of head.waivers) {
    if (known.has(waiverKey(w.record))) continue
    const rec = w.record
    const what = `${rec.gate ?? '?'} / ${rec.requirement ?? '?'}`
    const login = rec.approver ?? ''
    const verdict = !w.usable
      ? { ok: false, why: `the waiver is ${rec.state}${rec.problem ? `: ${rec.problem}` : ''}` }
      : await verify(opts.facts, login)
    additions.push({
      kind: 'waiver',
      file: rec.location?.file ?? head.file ?? '',
      ...(rec.location?.line ? { line: rec.location.line } : {}),
      what,
      login,
      verified: verdict.ok,
      why: verdict.why
    })
    if (verdict.ok) accepted.push(w)
  }
  if (accepted.length === 0) return base
  return { file: base.file ?? head.file, waivers: [...base.waivers, ...accepted] }
}

/** A sign-off area the head adds or changes counts only when its `by` approved the head commit. */
async function mergeSignoffs(
  opts: LoadPolicyOptions,
  base: SignoffBook,
  additions: PolicyAddition[]
): Promise<SignoffBook> {
  let head: SignoffBook
  try {
    head = loadSignoffs(opts.root)
  } catch {
    return base
  }
  const areaValues = (book: SignoffBook, area: string) =>
    JSON.stringify(
      [...book.values]
        .filter(([k]) => k.startsWith(`${area}.`))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    )
  const areas = new Set([...head.values.keys()].map((k) => k.split('.')[0]))
  const out: SignoffBook = {
    ...(base.file ? { file: base.file } : head.file ? { file: head.file } : {}),
    values: new Map(base.values),
    attributed: new Set(base.attributed)
  }
  for (const area of [...areas].sort()) {
    if (areaValues(head, area) === areaValues(base, area)) continue
    const by = head.values.get(`${area}.by`)
    const login = typeof by === 'string' ? by : ''
    const verdict =
      login === ''
        ? { ok: false, why: 'it names no signer ("by")' }
        : await verify(opts.facts, login)
    additions.push({
      kind: 'sign-off',
      file: head.file ?? '',
      what: area,
      login,
      verified: verdict.ok,
      why: verdict.why
    })
    if (!verdict.ok) continue
    for (const k of [...out.values.keys()]) if (k.startsWith(`${area}.`)) out.values.delete(k)
    for (const [k, v] of head.values) if (k.startsWith(`${area}.`)) out.values.set(k, v)
    if (head.attributed.has(area)) out.attributed.add(area)
    else out.attributed.delete(area)
  }
  return out
}

async function verify(
  facts: PullRequestFacts | undefined,
  login: string
): Promise<{ ok: boolean; why: string }> {
  if (!facts?.hasApi)
    return {
      ok: false,
      why: 'no pull request and token to check that this login approved the head commit'
    }
  try {
    return await facts.approvedHeadWithWrite(login)
  } catch (error) {
    return {
      ok: false,
      why: `the approval could not be checked: ${printable(errorMessage(error), 200)}`
    }
  }
}

/**
 * The job-summary section that says which policy was used and what the head proposes; empty when
 * the workspace's own files were the policy (no pull request, or policy-source head).
 */
export function renderPolicySection(policy: Policy | undefined): string {
  if (!policy) return ''
  const escape = (text: string) => escapeMarkdown(text, 500)
  const code = inlineCode
  const lines = [`### Policy in force: ${escape(policy.source)}`, '']
  if (policy.proposed.length === 0) lines.push('The pull request changes no policy file.')
  else {
    lines.push(
      'Changes in this pull request to the policy files are **proposed, not in force** until merged:',
      ''
    )
    for (const p of policy.proposed)
      lines.push(
        `- ${code(p.file)} ${p.change}${p.details.length > 0 ? `: ${p.details.map(escape).join('; ')}` : ''}`
      )
  }
  const added = policy.additions
  if (added.length > 0) {
    lines.push('', 'Waivers and sign-offs added by this pull request:', '')
    for (const a of added) {
      const where = code(`${a.file}${a.line ? `:${a.line}` : ''}`)
      lines.push(
        `- ${a.verified ? '✅ applied' : '⚠️ unverified, ignored'}: ${a.kind} ${code(a.what)} by ${escape(a.login || '(nobody)')} (${where}): ${escape(a.why)}`
      )
    }
  }
  return `\n${lines.join('\n')}\n`
}

/** The same, as plain lines for a terminal. */
export function renderPolicyText(policy: Policy): string {
  const lines = [`Policy in force: ${policy.source}`]
  if (policy.proposed.length === 0) lines.push('  No policy file differs from it.')
  for (const p of policy.proposed)
    lines.push(
      `  proposed, not in force: ${p.file} ${p.change}${p.details.length > 0 ? `: ${p.details.join('; ')}` : ''}`
    )
  for (const a of policy.additions)
    lines.push(
      `  ${a.kind} ${a.what} by ${a.login || '(nobody)'} (${a.file}${a.line ? `:${a.line}` : ''}): ${a.verified ? 'applied' : 'unverified, ignored'} (${a.why})`
    )
  return lines.map((l) => printable(l, 2000)).join('\n')
}
