import { createHash } from 'node:crypto'
import path from 'node:path'
import {
  booleanInput,
  choiceInput,
  createRunnerIO,
  runAction,
  workspaceOf,
  type ActionIO
} from '../../shared/action.js'
import { listInput } from '../../shared/inputs.js'
import { printInert } from '../../shared/log.js'
import { outputDir, runFieldsFromEnv } from '../../shared/context.js'
import { ConfigurationError, errorMessage } from '../../shared/errors.js'
import { escapeMarkdown, safeOutput } from '../../shared/escape.js'
import {
  evaluateGates,
  renderGatesSummary,
  renderTerminalReport,
  type GitHubRequester
} from '../../shared/gates/index.js'
import type { GitHubClient } from '../../shared/github/index.js'
import { failingGates, type FailOn } from '../../shared/report/build.js'
import { writeReport, writeReportFile } from '../../shared/report/write.js'
import { changeFromEvent } from './event.js'
import { policyFor, type PolicySource } from './policy.js'
import { renderPolicySection } from '../../shared/gates/policy.js'
import { readPullRequestChange } from './change.js'
import { changedLinesOf } from '../../shared/change/model.js'
import { redact } from '../../shared/redact.js'
import { randomHex } from '../../shared/random.js'
import { writeFileInside } from '../../shared/safe-path.js'
import { DEFAULT_GRAPH_PATH } from '../../shared/graph/model.js'
import {
  defaultGitHub,
  defaultUpload,
  type ArtifactUploader,
  type GitHubFactory
} from '../../shared/runner.js'
import { INPUTS, OUTPUTS } from './names.js'

export interface CheckGatesInputs {
  graph: string
  stage: string
  gates: string[]
  evidence: string
  waivers: string
  baseline: string[]
  report: string
  uploadReport: boolean
  comment: boolean
  checkRun: boolean
  policySource: PolicySource
  dismissStale: boolean
  token: string
  failOn: FailOn
}

export function readInputs(io: ActionIO): CheckGatesInputs {
  const stage = io.getInput(INPUTS.stage)
  if (stage === '')
    throw new ConfigurationError(
      'Input "stage" is required: name the target stage, e.g. dev, staging or production.'
    )
  return {
    graph: io.getInput(INPUTS.graph) || DEFAULT_GRAPH_PATH,
    stage,
    gates: listInput(io, INPUTS.gates),
    evidence: io.getInput(INPUTS.evidence),
    waivers: io.getInput(INPUTS.waivers),
    baseline: io
      .getInput(INPUTS.baseline)
      .split(/\r?\n/)
      .map((b) => b.trim())
      .filter(Boolean),
    report: io.getInput(INPUTS.report),
    uploadReport: booleanInput(io, INPUTS.uploadReport, true),
    comment: booleanInput(io, INPUTS.comment, false),
    checkRun: booleanInput(io, INPUTS.checkRun, false),
    policySource: choiceInput(io, INPUTS.policySource, ['base', 'head'] as const, 'base'),
    dismissStale: booleanInput(io, INPUTS.dismissStale, true),
    token: io.getInput(INPUTS.token),
    failOn: choiceInput(io, INPUTS.failOn, ['error', 'warn', 'never'] as const, 'error')
  }
}

/** Uploads one file as a workflow artifact. */

export interface CheckGatesDeps {
  io?: ActionIO
  now?: () => Date
  /** The workspace root; default GITHUB_WORKSPACE. */
  root?: string
  github?: GitHubFactory
  upload?: ArtifactUploader
}

// The GitHub client and the artifact client are loaded only when used, so a run without a pull
// request or upload starts as fast as the bundle can.
export async function run(deps: CheckGatesDeps = {}): Promise<void> {
  const io = deps.io ?? createRunnerIO()
  const now = deps.now ?? (() => new Date())
  await runAction('check-gates', io, async () => {
    try {
      await checkGates(io, now(), deps)
    } catch (error) {
      // The outputs and summary still say what happened, so a later step never reads a stale pass.
      io.setOutput(OUTPUTS.passed, false)
      io.appendSummary(
        `## 💥 check-gates could not evaluate the gates\n\n${escapeMarkdown(errorMessage(error), 2000)}\n`
      )
      throw error
    }
  })
}

async function checkGates(io: ActionIO, now: Date, deps: CheckGatesDeps): Promise<void> {
  const inputs = readInputs(io)
  const root = deps.root ?? workspaceOf(io)
  const change = changeFromEvent(io.env)
  const event = io.env.GITHUB_EVENT_NAME ?? ''
  if (event === 'pull_request_target' || event === 'workflow_run') {
    io.warning(
      `check-gates runs on ${event} with the base repository's token: if this job checked out the pull request's code, its graph and evidence are untrusted. Evaluate gates in a pull_request workflow instead.`
    )
  }

  let client: GitHubClient | undefined
  const getClient = async () =>
    (client ??= await (deps.github ?? defaultGitHub)(inputs.token, (m) => io.info(m)))
  const describeApiError = async (error: unknown) => {
    const { classifyGitHubError } = await import('../../shared/github/index.js')
    return classifyGitHubError(error, { fork: change.pullRequest?.fork }).message
  }
  const apiMessages = new WeakMap<object, string>()
  const requester: GitHubRequester = {
    request: async (route, params) => {
      try {
        const c = await getClient()
        const r = await c.octokit.request(route as never, params as never)
        return r as { data: unknown }
      } catch (error) {
        if (error && typeof error === 'object')
          apiMessages.set(error, await describeApiError(error))
        throw error
      }
    }
  }

  const diff = await readPullRequestChange({
    root,
    event: change,
    getClient: inputs.token ? getClient : undefined,
    describeApiError,
    log: (m) => io.info(m)
  })
  for (const note of diff.change?.notes ?? []) io.info(note)

  // On a pull request the base commit's policy is in force; the head's changes to it are proposed.
  const pullRequest = change.pullRequest
    ? { ...change.pullRequest, dismissStale: inputs.dismissStale }
    : undefined
  const policy = await policyFor({
    io,
    root,
    source: inputs.policySource,
    pullRequest,
    graphPath: inputs.graph,
    waiversPath: inputs.waivers,
    now,
    github: pullRequest && inputs.token ? requester : undefined
  })
  const { report, annotations, graph } = await evaluateGates({
    root,
    ...(policy ? { policy } : {}),
    graphPath: inputs.graph,
    stage: inputs.stage,
    gates: inputs.gates,
    evidenceOverrides: inputs.evidence,
    waiversPath: inputs.waivers,
    baselinePath: inputs.baseline,
    now,
    pullRequest,
    commits: change.commits,
    ...(diff.change ? { change: diff.change, changedLines: changedLinesOf(diff.change) } : {}),
    ...(diff.problem ? { changeProblem: diff.problem } : {}),
    github: change.pullRequest && inputs.token ? requester : undefined,
    failOn: inputs.failOn,
    run: runFieldsFromEnv(io.env),
    describeApiError: (e) =>
      (e !== null && typeof e === 'object' ? apiMessages.get(e) : undefined) ?? errorMessage(e)
  }).finally(() => policy?.dispose())

  const stageSlug = slug(inputs.stage)
  // Validated against the schema by the tests, not on every run: loading the validator would cost
  // start-up time.
  const written = inputs.report
    ? writeReport(root, inputs.report, report)
    : writeReportFile(path.join(outputDir(io.env), `flow-report-${stageSlug}.json`), report)
  if (written.schemaErrors.length > 0) {
    io.warning(
      `The report does not match its published schema (a flow-actions bug; please report it): ${written.schemaErrors.slice(0, 3).join('; ')}`
    )
  }
  const artifactName = artifactNameFor(io.env, inputs)
  const reportHint = inputs.uploadReport
    ? `the ${artifactName} artifact`
    : path.basename(written.path)
  const summary = renderGatesSummary(report, graph, { reportHint }) + renderPolicySection(policy)
  const summaryPath = path.join(outputDir(io.env), `check-gates-${stageSlug}-summary.md`)
  writeFileInside(
    path.dirname(summaryPath),
    path.basename(summaryPath),
    redact(summary, [inputs.token]),
    'summary file'
  )
  io.appendSummary(summary)
  io.annotate(annotations)
  // The readable report quotes evidence: workflow commands stay off while it is printed.
  printInert(io, renderTerminalReport(report), 'check-gates')

  const failing = failingGates(report)
  io.setOutput(OUTPUTS.passed, report.verdict === 'passed')
  io.setOutput(OUTPUTS.failedGates, safeOutput(failing.join(',')))
  io.setOutput(OUTPUTS.report, written.path)
  io.setOutput(OUTPUTS.summaryPath, summaryPath)

  if (inputs.uploadReport) {
    try {
      await (deps.upload ?? defaultUpload)(artifactName, [written.path], path.dirname(written.path))
      io.info(`Uploaded the report as the artifact ${artifactName}.`)
    } catch (error) {
      io.warning(
        `Could not upload the report as an artifact (${errorMessage(error).slice(0, 300)}); the verdict is unchanged and the report is at ${written.path}.`
      )
    }
  }
  if (inputs.comment)
    await postComment(
      io,
      inputs,
      change.pullRequest,
      report.run.workflow,
      () =>
        renderGatesSummary(report, graph, { reportHint, limit: 60_000 }) +
        renderPolicySection(policy),
      getClient
    )
  if (inputs.checkRun) {
    const { publishCheckRun } = await import('../../shared/github/check-runs.js')
    await publishCheckRun({
      env: io.env,
      ...(change.pullRequest?.headSha ? { headSha: change.pullRequest.headSha } : {}),
      name: `flow-actions gates (${inputs.stage})`,
      conclusion: report.verdict === 'failed' ? 'failure' : 'success',
      title:
        failing.length > 0
          ? `${failing.length} gate(s) failed for stage ${inputs.stage}`
          : `Gates passed for stage ${inputs.stage}`,
      summary,
      annotations,
      redact: (text) => redact(text, [inputs.token]),
      getClient,
      info: (m) => io.info(m),
      warning: (m) => io.warning(m)
    })
  }

  if (report.verdict === 'failed' && inputs.failOn !== 'never') {
    io.setFailed(
      `check-gates: ${failing.length} gate(s) failed for stage ${inputs.stage}: ${failing.join(', ')}. The job summary lists what to fix, with actual and expected values and the files.`
    )
  } else if (report.verdict === 'failed') {
    io.warning(
      `Gates failed for stage ${inputs.stage} (${failing.join(', ')}), but fail-on is "never", so the step passes.`
    )
  }
}

async function postComment(
  io: ActionIO,
  inputs: CheckGatesInputs,
  pr: ReturnType<typeof changeFromEvent>['pullRequest'],
  workflow: string | undefined,
  body: () => string,
  getClient: () => Promise<GitHubClient>
): Promise<void> {
  if (!pr) {
    io.info('comment is on, but this run is not for a pull request; no comment posted.')
    return
  }
  if (!inputs.token) {
    io.warning('comment is on, but no token was given; the result is in the job summary only.')
    return
  }
  const marker = `<!-- flow-actions:check-gates:${markerPart(workflow ?? 'workflow')}:${markerPart(inputs.stage)} -->`
  try {
    const { upsertComment } = await import('../../shared/github/index.js')
    const result = await upsertComment(await getClient(), {
      owner: pr.owner,
      repo: pr.repo,
      issueNumber: pr.number,
      marker,
      body: redact(body(), [inputs.token])
    })
    io.info(`Pull request comment ${result.action}${result.url ? `: ${result.url}` : ''}.`)
  } catch (error) {
    const { classifyGitHubError } = await import('../../shared/github/index.js')
    const c = classifyGitHubError(error, { fork: pr.fork })
    const why =
      c.kind === 'forbidden-fork'
        ? 'the token of a pull request from a fork is read-only, so it cannot comment'
        : c.kind === 'unauthorized' || /permission|not accessible/i.test(c.message)
          ? 'the token lacks pull-requests: write (or issues: write) permission'
          : c.message
    io.warning(
      `Could not post the pull request comment: ${why}. The result is in the job summary; the verdict is unchanged.`
    )
  }
}

/**
 * Artifact names must be unique within a run (a clash is a non-retryable 409): the stage, the run
 * attempt, the job and a hash of the inputs that distinguish matrix legs.
 */
export function artifactNameFor(
  env: Readonly<Record<string, string | undefined>>,
  inputs: Pick<CheckGatesInputs, 'stage' | 'graph' | 'gates' | 'evidence'>
): string {
  const legs = createHash('sha256')
    .update(JSON.stringify([inputs.graph, inputs.gates, inputs.evidence]))
    .digest('hex')
    .slice(0, 8)
  const attempt = env.GITHUB_RUN_ATTEMPT || '1'
  const job = env.GITHUB_JOB ? `-${slug(env.GITHUB_JOB)}` : ''
  const unique = env.GITHUB_RUN_ID ? '' : `-${randomHex(4)}`
  return `flow-report-${slug(inputs.stage)}${job}-${legs}-attempt-${slug(attempt)}${unique}`.slice(
    0,
    200
  )
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64) || 'x'
}

function markerPart(text: string): string {
  return text
    .replace(/[^A-Za-z0-9 ._/-]+/g, '_')
    .replace(/-{2,}/g, '-')
    .slice(0, 60)
}
