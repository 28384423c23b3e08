import path from 'node:path'
import { globFiles } from '../glob.js'
import type { TraceRequirement } from '../graph/model.js'
import type { CheckOutcome } from './outcome.js'
import type { PullRequestFacts } from './pull-request.js'

export const DEFAULT_TRACE_PREFIXES = ['ADR', 'RFC']
export const DEFAULT_TRACE_UNDER = 'artifacts'

export interface TraceContext {
  root: string
  facts?: PullRequestFacts
  /** Commit messages of a push, when there is no pull request. */
  commits?: string[]
  describeApiError(error: unknown): string
}

interface Reference {
  prefix: string
  number: number
  text: string
}

/**
 * The change must reference an ADR or RFC that exists: ids like ADR-12 or rfc-0003 are searched in
 * the pull request's title, body and commit messages (or a push's commit messages), and each one
 * found is looked up under artifacts/ by file name (ADR-0012.md matches ADR-12). One existing,
 * referenced record is enough; references to records that do not exist are named.
 */
export async function checkTrace(req: TraceRequirement, ctx: TraceContext): Promise<CheckOutcome> {
  const prefixes = req.prefixes?.length ? req.prefixes : DEFAULT_TRACE_PREFIXES
  const under = req.under ?? DEFAULT_TRACE_UNDER
  const check = `the change references ${prefixes.join(' or ')} ids under ${under}/`
  let texts: string[]
  let where: string
  if (ctx.facts) {
    where = `pull request #${ctx.facts.pr.number}`
    try {
      texts = [
        ctx.facts.pr.title ?? '',
        ctx.facts.pr.body ?? '',
        ...(await ctx.facts.commitMessages())
      ]
    } catch (error) {
      return {
        status: 'error',
        check,
        message: `Could not read the commits of ${where}: ${ctx.describeApiError(error)}`,
        evidence: []
      }
    }
  } else if (ctx.commits && ctx.commits.length > 0) {
    where = 'the pushed commit messages'
    texts = ctx.commits
  } else {
    return {
      status: 'missing-evidence',
      check,
      message:
        'There is no pull request or commit message to search for an ADR/RFC reference: trace requirements run on pull_request and push events.',
      evidence: []
    }
  }
  const refs = findReferences(texts.join('\n'), prefixes)
  if (refs.length === 0) {
    return {
      status: 'failed',
      check,
      message: `${where} references no ${prefixes.join(' or ')} id; mention one (e.g. "${prefixes[0]}-0001") in the title, body or a commit message.`,
      evidence: [where],
      expected: `a reference to ${prefixes.join('/')}-<number>`
    }
  }
  const records = indexRecords(ctx.root, under, prefixes)
  const found: string[] = []
  const dangling: string[] = []
  for (const ref of refs) {
    const file = records.get(`${ref.prefix}-${ref.number}`)
    if (file) found.push(`${ref.text} (${file})`)
    else dangling.push(ref.text)
  }
  const evidence = [where, ...found.map((f) => f.slice(f.indexOf('(') + 1, -1))]
  if (found.length > 0) {
    return {
      status: 'passed',
      check,
      evidence,
      actual: { references: refs.map((r) => r.text).join(', ') },
      message: `References ${found.join(', ')}${dangling.length ? `; ${dangling.join(', ')} not found under ${under}/` : ''}.`
    }
  }
  return {
    status: 'failed',
    check,
    evidence,
    actual: { references: refs.map((r) => r.text).join(', ') },
    expected: `a referenced record under ${under}/`,
    message: `${where} references ${dangling.join(', ')}, but no such record exists under ${under}/; add it or fix the reference.`
  }
}

export function findReferences(text: string, prefixes: string[]): Reference[] {
  const alternatives = prefixes.map((p) => p.replace(/[^A-Za-z0-9_]/g, '')).filter(Boolean)
  if (alternatives.length === 0) return []
  const re = new RegExp(
    `(?<![A-Za-z0-9])(${alternatives.join('|')})[-_ ]?(\\d{1,6})(?![0-9])`,
    'gi'
  )
  const seen = new Map<string, Reference>()
  for (const m of text.slice(0, 1_000_000).matchAll(re)) {
    const prefix = m[1].toUpperCase()
    const number = Number(m[2])
    const key = `${prefix}-${number}`
    if (!seen.has(key)) seen.set(key, { prefix, number, text: m[0] })
  }
  return [...seen.values()]
}

/** PREFIX-number -> file, for record files under the folder (templates are not records). */
function indexRecords(root: string, under: string, prefixes: string[]): Map<string, string> {
  const out = new Map<string, string>()
  let files: string[]
  try {
    files = globFiles(root, `${under.replace(/\/+$/, '')}/**/*`)
  } catch {
    return out
  }
  for (const file of files) {
    const base = path.posix.basename(file)
    if (/template/i.test(base)) continue
    for (const ref of findReferences(base, prefixes)) {
      const key = `${ref.prefix}-${ref.number}`
      if (!out.has(key)) out.set(key, file)
    }
  }
  return out
}
