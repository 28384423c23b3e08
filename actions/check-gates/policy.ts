import type { ActionIO } from '../../shared/action.js'
import { ConfigurationError } from '../../shared/errors.js'
import type { GitHubRequester, PullRequestContext } from '../../shared/gates/index.js'
import {
  apiPolicyReader,
  gitPolicyReader,
  loadPolicy,
  type Policy
} from '../../shared/gates/policy.js'
import { PullRequestFacts } from '../../shared/gates/pull-request.js'
import type { GitRunner } from '../../shared/change/git.js'

export type PolicySource = 'base' | 'head'

export interface PolicyRequest {
  io: ActionIO
  root: string
  source: PolicySource
  pullRequest?: PullRequestContext
  graphPath: string
  waiversPath?: string
  now: Date
  /** The API, when a token was given: reads the base when the checkout lacks it, and verifies approvals. */
  github?: GitHubRequester
  git?: GitRunner
}

/**
 * On a pull request with policy-source base (the default), the policy in force is the base
 * commit's: read with git when the checkout holds the commit, else with the contents API. Outside
 * pull requests, or with policy-source head, the workspace's own files are the policy (undefined).
 */
export async function policyFor(req: PolicyRequest): Promise<Policy | undefined> {
  const pr = req.pullRequest
  if (!pr) return undefined
  if (req.source === 'head') {
    req.io.info(
      'policy-source is head: the graph, waivers, sign-offs and baseline come from the pull request itself, so against a hostile author the verdict is advisory only (docs/security.md).'
    )
    return undefined
  }
  if (!pr.baseSha) {
    throw new ConfigurationError(
      'policy-source is base, but the event payload names no base commit (pull_request.base.sha). Run on pull_request events, or set policy-source: head (advisory only).'
    )
  }
  const reader =
    (await gitPolicyReader(req.root, pr.baseSha, req.git)) ??
    (req.github ? apiPolicyReader(req.github, pr.owner, pr.repo, pr.baseSha) : undefined)
  if (!reader) {
    throw new ConfigurationError(
      `policy-source is base, but the base commit ${pr.baseSha.slice(0, 7)} is not in the checkout and no token was given to read it through the API. Give the token input, or check out with fetch-depth: 0.`
    )
  }
  const policy = await loadPolicy({
    root: req.root,
    sha: pr.baseSha,
    reader,
    graphPath: req.graphPath,
    ...(req.waiversPath ? { waiversPath: req.waiversPath } : {}),
    now: req.now,
    ...(req.github ? { facts: new PullRequestFacts(pr, req.github) } : {})
  })
  req.io.info(
    `Policy in force: ${policy.source}; ${policy.proposed.length} policy file(s) changed by the pull request (proposed, not in force).`
  )
  for (const a of policy.additions) {
    req.io.info(
      `${a.kind} ${a.what} by ${a.login || '(nobody)'}: ${a.verified ? 'applied' : 'unverified, ignored'} (${a.why}).`
    )
  }
  return policy
}
