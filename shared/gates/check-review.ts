import type { ReviewRequirement } from '../graph/model.js'
import type { Scope } from '../expr/index.js'
import { checkExpression, type ExpressionContext } from './check-expression.js'
import type { CheckOutcome } from './outcome.js'
import type { PullRequestFacts } from './pull-request.js'
import type { SignoffBook } from './signoffs.js'
import { DEFAULT_SIGNOFFS_PATH } from './signoffs.js'

export interface ReviewContext {
  facts?: PullRequestFacts
  signoffs: SignoffBook
  /** Reads a frontmatter key of a sign-off artifact; undefined when the key is absent. */
  readSignoffArtifact(
    path: string,
    key: string
  ): { value?: unknown; file: string; problem?: string }
  expression: ExpressionContext
  /** Explains an API failure in words a user can act on (permissions, rate limit, ...). */
  describeApiError(error: unknown): string
}

/**
 * A review requirement holds when every condition it lists holds:
 *  - `approvals: N`: at least N approving reviewers and nobody requesting changes; only reviewers
 *    with write access count, never the author, and (dismiss-stale, the default) only approvals
 *    of the head commit;
 *  - `from: [user, org/team]`: each entry approved (a user, or any member of the team);
 *  - `labels: [...]`: every label is on the pull request;
 *  - `signoff: {path, key, equals}`: the sign-off artifact's frontmatter key has that value;
 *  - the seed form `expr` (e.g. `privacy.signoff == true`): evaluated over .process/signoffs.yaml,
 *    and each area it names must record who signed (`by`) and when (`date`).
 */
export async function checkReview(
  req: ReviewRequirement,
  ctx: ReviewContext
): Promise<CheckOutcome> {
  const parts: CheckOutcome[] = []
  const check = describeReview(req)
  const needsPr =
    req.approvals !== undefined || (req.from?.length ?? 0) > 0 || (req.labels?.length ?? 0) > 0
  if (needsPr) {
    if (!ctx.facts) {
      return {
        status: 'missing-evidence',
        check,
        message: `${check} needs a pull request: run on pull_request events (reviews and labels are read from it), or waive it for other events.`,
        evidence: []
      }
    }
    try {
      parts.push(...(await pullRequestChecks(req, ctx.facts, check)))
    } catch (error) {
      return {
        status: 'error',
        check,
        message: `${check}: could not read the pull request: ${ctx.describeApiError(error)}`,
        evidence: []
      }
    }
  }
  if (req.signoff) {
    const { path, key, equals } = req.signoff
    const read = ctx.readSignoffArtifact(path, key)
    if (read.problem)
      parts.push({
        status: 'missing-evidence',
        check,
        message: read.problem,
        evidence: [read.file]
      })
    else if (read.value === equals)
      parts.push({
        status: 'passed',
        check,
        message: `${read.file}: ${key} is ${JSON.stringify(equals)}.`,
        evidence: [read.file],
        actual: { [key]: read.value as string }
      })
    else {
      parts.push({
        status: 'failed',
        check,
        message: `${read.file}: ${key} is ${read.value === undefined ? 'not set' : JSON.stringify(read.value)}, expected ${JSON.stringify(equals)}.`,
        evidence: [read.file],
        expected: `${key} == ${JSON.stringify(equals)}`
      })
    }
  }
  if (req.expr) parts.push(signoffExpression(req.expr, ctx))
  if (parts.length === 0) {
    return {
      status: 'error',
      check,
      message:
        'This review requirement lists no condition (approvals, from, labels, signoff or an expression).',
      evidence: []
    }
  }
  return combine(check, parts)
}

async function pullRequestChecks(
  req: ReviewRequirement,
  facts: PullRequestFacts,
  check: string
): Promise<CheckOutcome[]> {
  const out: CheckOutcome[] = []
  const evidence = [`pull request #${facts.pr.number}`]
  if (req.approvals !== undefined || (req.from?.length ?? 0) > 0) {
    const { approvedBy, changesRequestedBy, ignored, fallbacks } = await facts.qualifiedReviews()
    // Why an approval did not count, and where write access was only inferred, are part of the result.
    const notes = [
      ...(ignored.length > 0
        ? [` Not counted: ${ignored.map((i) => `${i.user} (${i.why})`).join('; ')}.`]
        : []),
      ...(fallbacks.length > 0
        ? [` Write access judged from author_association: ${fallbacks.join('; ')}.`]
        : [])
    ].join('')
    if (req.approvals !== undefined) {
      const ok = approvedBy.length >= req.approvals && changesRequestedBy.length === 0
      out.push({
        status: ok ? 'passed' : 'failed',
        check,
        evidence,
        actual: { approvals: approvedBy.length },
        expected: `>= ${req.approvals} approvals from users with write access${facts.pr.dismissStale === false ? '' : ' on the head commit'}, no changes requested`,
        message:
          (ok
            ? `${approvedBy.length} approval(s) (${approvedBy.join(', ')}).`
            : changesRequestedBy.length > 0
              ? `Changes requested by ${changesRequestedBy.join(', ')}; ${approvedBy.length} of ${req.approvals} approvals.`
              : `${approvedBy.length} of ${req.approvals} required approvals${approvedBy.length ? ` (${approvedBy.join(', ')})` : ''}.`) +
          notes
      })
    }
    for (const who of req.from ?? []) {
      let ok: boolean
      if (who.includes('/')) {
        const [org, team] = who.split('/', 2)
        const members = new Set((await facts.teamMembers(org, team)).map((m) => m.toLowerCase()))
        ok = approvedBy.some((u) => members.has(u.toLowerCase()))
      } else {
        ok = approvedBy.some((u) => u.toLowerCase() === who.replace(/^@/, '').toLowerCase())
      }
      out.push({
        status: ok ? 'passed' : 'failed',
        check,
        evidence,
        expected: `approval from ${who}`,
        message: ok
          ? `Approved by ${who}.`
          : `No approval from ${who}${who.includes('/') ? ' (team)' : ''}.${req.approvals === undefined ? notes : ''}`
      })
    }
  }
  if ((req.labels?.length ?? 0) > 0) {
    const labels = new Set(await facts.labels())
    const missing = (req.labels ?? []).filter((l) => !labels.has(l))
    out.push({
      status: missing.length === 0 ? 'passed' : 'failed',
      check,
      evidence,
      expected: `labels ${(req.labels ?? []).join(', ')}`,
      message:
        missing.length === 0
          ? `Labelled ${(req.labels ?? []).join(', ')}.`
          : `Missing label(s): ${missing.join(', ')}.`
    })
  }
  return out
}

function signoffExpression(source: string, ctx: ReviewContext): CheckOutcome {
  const book = ctx.signoffs
  const file = book.file ?? DEFAULT_SIGNOFFS_PATH
  const scope: Scope = (name) => book.values.get(name) ?? ctx.expression.scope(name)
  const outcome = checkExpression(
    source,
    {
      scope,
      evidenceFor: (names) =>
        names.some((n) => book.values.has(n)) ? [file] : ctx.expression.evidenceFor(names),
      explainMissing: (names) => ({
        status: 'missing-evidence',
        message: `No sign-off recorded for ${names.join(', ')}: record it in ${file}, e.g. "${names[0].split('.')[0]}: { ${names[0].split('.').slice(1).join('.') || 'signoff'}: true, by: <login>, date: YYYY-MM-DD }".`,
        evidence: [file]
      })
    },
    'review'
  )
  if (outcome.status !== 'passed') return outcome
  const areas = [
    ...new Set(
      Object.keys(outcome.actual ?? {})
        .filter((n) => book.values.has(n))
        .map((n) => n.split('.')[0])
    )
  ]
  const unattributed = areas.filter((a) => !book.attributed.has(a))
  if (unattributed.length > 0) {
    return {
      ...outcome,
      status: 'failed',
      message: `The sign-off for ${unattributed.join(', ')} in ${file} does not say who signed and when: add "by: <login>" and "date: YYYY-MM-DD".`
    }
  }
  const who = areas
    .map(
      (a) =>
        `${a} by ${String(book.values.get(`${a}.by`))} on ${String(book.values.get(`${a}.date`))}`
    )
    .join('; ')
  return { ...outcome, message: `${outcome.message}${who ? ` Signed off: ${who}.` : ''}` }
}

function combine(check: string, parts: CheckOutcome[]): CheckOutcome {
  const order = ['error', 'missing-evidence', 'failed', 'passed'] as const
  const worst = order.find((s) => parts.some((p) => p.status === s)) ?? 'passed'
  const shown = worst === 'passed' ? parts : parts.filter((p) => p.status !== 'passed')
  const actual = Object.assign({}, ...parts.map((p) => p.actual ?? {})) as CheckOutcome['actual']
  const expected = parts
    .map((p) => p.expected)
    .filter(Boolean)
    .join('; ')
  return {
    status: worst,
    check,
    message: shown.map((p) => p.message).join(' '),
    evidence: [...new Set(parts.flatMap((p) => p.evidence))],
    ...(actual && Object.keys(actual).length > 0 ? { actual } : {}),
    ...(expected ? { expected } : {}),
    ...(parts.length === 1 && parts[0].detail ? { detail: parts[0].detail } : {})
  }
}

export function describeReview(req: ReviewRequirement): string {
  const bits: string[] = []
  if (req.expr) bits.push(req.expr)
  if (req.approvals !== undefined) bits.push(`${req.approvals} approval(s)`)
  if (req.from?.length) bits.push(`approval from ${req.from.join(', ')}`)
  if (req.labels?.length) bits.push(`labels ${req.labels.join(', ')}`)
  if (req.signoff)
    bits.push(`${req.signoff.path}: ${req.signoff.key} == ${JSON.stringify(req.signoff.equals)}`)
  return bits.join('; ') || 'review'
}
