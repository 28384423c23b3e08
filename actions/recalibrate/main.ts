import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  booleanInput,
  createRunnerIO,
  runAction,
  workspaceOf,
  type ActionIO
} from '../../shared/action.js'
import { outputDir } from '../../shared/context.js'
import { integerInput, listInput } from '../../shared/inputs.js'
import { fetchDelivery } from '../../shared/recalibrate/deployments.js'
import type { DeploymentSource } from '../../shared/recalibrate/dora.js'

/** Where deployments are read from besides canary reports (input "deployments"). */
const DEPLOYMENT_SOURCES = ['deployments', 'releases'] as const
import { ConfigurationError, errorMessage } from '../../shared/errors.js'
import { resolveInWorkspace } from '../../shared/safe-path.js'
import {
  computeRecalibration,
  parseMargin,
  readHistoryFolder,
  renderPullRequestBody,
  renderSummary,
  writeOutputs,
  type HistoryEntry,
  type HistoryProblem,
  type PullRecord
} from '../../shared/recalibrate/index.js'
import {
  defaultBranch,
  fetchHistory,
  fetchPullRecords,
  upsertPullRequest,
  type PullRequestOutcome
} from '../../shared/recalibrate/github.js'
import { DEFAULT_GRAPH_PATH } from '../../shared/graph/model.js'
import {
  defaultGitHub,
  defaultUpload,
  type ArtifactUploader,
  type GitHubFactory
} from '../../shared/runner.js'
import { INPUTS, OUTPUTS } from './names.js'

export interface RecalibrateDeps {
  io?: ActionIO
  now?: () => Date
  github?: GitHubFactory
  upload?: ArtifactUploader
  /** Waits between retried writes; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>
}

// Loaded only when used, so the bundle starts fast.
function repository(io: ActionIO): { owner: string; repo: string } {
  const full = io.env.GITHUB_REPOSITORY ?? ''
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(full)
  if (!m)
    throw new ConfigurationError(
      'GITHUB_REPOSITORY is not set to owner/name; run this action in a GitHub Actions workflow.'
    )
  return { owner: m[1], repo: m[2] }
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64) || 'x'
}

export async function run(deps: RecalibrateDeps = {}): Promise<void> {
  const io = deps.io ?? createRunnerIO()
  await runAction('recalibrate', io, async () => {
    const now = (deps.now ?? (() => new Date()))()
    const root = workspaceOf(io)
    const graphPath = io.getInput(INPUTS.graph) || DEFAULT_GRAPH_PATH
    const baselinePath = io.getInput(INPUTS.baseline) || undefined
    const waiversPath = io.getInput(INPUTS.waivers) || undefined
    const dryRun = booleanInput(io, INPUTS.dryRun, false)
    const withEngineering = booleanInput(io, INPUTS.engineeringMetrics, true)
    const uploadDashboard = booleanInput(io, INPUTS.uploadDashboard, true)
    const margin = parseMargin(io.getInput(INPUTS.margin) || '1%')
    const maxRuns = integerInput(io, INPUTS.maxRuns, 30, { min: 1, max: 500 })
    const minRuns = integerInput(io, INPUTS.minRuns, 5, { min: 1, max: 500 })
    const windowDays = integerInput(io, INPUTS.windowDays, 30, { min: 1, max: 366 })
    const expiringDays = integerInput(io, INPUTS.expiringDays, 14, { min: 0, max: 366 })
    const maxAge = integerInput(io, INPUTS.maxCalibrationAgeDays, 35, { min: 1, max: 3660 })
    const maxPulls = integerInput(io, INPUTS.maxPullRequests, 50, { min: 1, max: 1000 })
    const deploymentSources = listInput(io, INPUTS.deployments).map((s) => s.toLowerCase())
    for (const s of deploymentSources) {
      if (!DEPLOYMENT_SOURCES.includes(s as (typeof DEPLOYMENT_SOURCES)[number])) {
        throw new ConfigurationError(
          `Input "deployments" names "${s.slice(0, 40)}"; use a list of ${DEPLOYMENT_SOURCES.join(', ')} (canary reports are always read).`
        )
      }
    }
    const deploymentEnvironment = io.getInput(INPUTS.deploymentEnvironment).trim()
    const incidentLabel = io.getInput(INPUTS.incidentLabel).trim()
    const prBranch = io.getInput(INPUTS.prBranch) || 'flow-actions/recalibrate'
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$/.test(prBranch) || prBranch.includes('..')) {
      throw new ConfigurationError(
        `Input "pr-branch" is not a valid branch name: "${prBranch.slice(0, 60)}".`
      )
    }
    const patterns = io
      .getInput(INPUTS.artifactPattern)
      .split(/\r?\n|,/)
      .map((s) => s.trim())
      .filter(Boolean)
    // An allow-list: only runs of these events on the branch are history (docs/security.md).
    const events = listInput(io, INPUTS.historyEvents)
    const badEvent = events.find((e) => !/^[a-z_]{1,64}$/.test(e))
    if (badEvent !== undefined)
      throw new ConfigurationError(
        `Input "history-events" holds "${badEvent.slice(0, 60)}", which is not an event name (e.g. push, schedule, workflow_dispatch).`
      )
    const progressPath = io.getInput(INPUTS.progress) || 'PROGRESS.md'
    resolveInWorkspace(root, progressPath, 'progress file')
    // Checked before any request, so a bad path is a configuration error and not a network wait.
    if (io.getInput(INPUTS.historyPath))
      resolveInWorkspace(root, io.getInput(INPUTS.historyPath), 'history path')
    const token = io.getInput(INPUTS.token)
    if (!token) {
      throw new ConfigurationError(
        'Input "token" is empty: recalibrate reads workflow runs and artifacts through the GitHub API; pass a token (the default is the workflow token, github.token).'
      )
    }
    io.setSecret(token)
    const ref = repository(io)
    const client = await (deps.github ?? defaultGitHub)(token, (m) => io.info(m))

    const branch = io.getInput(INPUTS.branch) || (await defaultBranch(client, ref))
    const entries: HistoryEntry[] = []
    const problems: HistoryProblem[] = []
    const fetched = await io.group(`Reading flow reports from runs on ${branch}`, async () => {
      const h = await fetchHistory(client, {
        ...ref,
        branch,
        workflow: io.getInput(INPUTS.workflow) || undefined,
        maxRuns,
        patterns,
        events
      })
      io.info(`${h.entries.length} report(s) from ${h.artifacts} artifact(s) of ${h.runs} run(s).`)
      for (const r of h.ignored)
        io.info(
          `Ignored run ${r.runId} (${r.event}): ${r.reason}; its artifacts are not used as history.`
        )
      return h
    })
    entries.push(...fetched.entries)
    problems.push(...fetched.problems)
    const localHistory = io.getInput(INPUTS.historyPath)
    if (localHistory) {
      const local = readHistoryFolder(root, localHistory)
      io.info(`${local.entries.length} report(s) from ${localHistory}.`)
      entries.push(...local.entries)
      problems.push(...local.problems)
    }
    for (const p of problems.slice(0, 20)) io.info(`Skipped ${p.source}: ${p.message}`)

    let pulls: { pulls: PullRecord[]; problems: string[] } | undefined
    if (withEngineering) {
      try {
        pulls = await io.group('Reading merged pull requests', () =>
          fetchPullRecords(client, {
            ...ref,
            base: branch,
            since: new Date(now.getTime() - windowDays * 86_400_000),
            maxPulls
          })
        )
      } catch (error) {
        io.warning(`Lead time and review turnaround were not measured: ${errorMessage(error)}`)
      }
    }

    let delivery: Awaited<ReturnType<typeof fetchDelivery>> | undefined
    if (deploymentSources.length > 0 || incidentLabel) {
      delivery = await io.group('Reading deployments, releases and incidents', () =>
        fetchDelivery(client, {
          ...ref,
          since: new Date(now.getTime() - windowDays * 86_400_000),
          sources: deploymentSources.map((s) =>
            s === 'deployments' ? 'deployment' : s === 'releases' ? 'release' : s
          ) as DeploymentSource[],
          ...(deploymentEnvironment ? { environment: deploymentEnvironment } : {}),
          ...(incidentLabel ? { incidentLabel } : {})
        })
      )
      io.info(
        `${delivery.deployments.length} deployment(s) and ${delivery.incidents.length} incident(s) from the API.`
      )
      for (const p of delivery.problems) io.warning(`DORA metrics: ${p}`)
    }

    const result = computeRecalibration({
      root,
      graphPath,
      baselinePath,
      waiversPath,
      entries,
      problems,
      now,
      minRuns,
      margin,
      windowDays,
      expiringWithinDays: expiringDays,
      maxCalibrationAgeDays: maxAge,
      ...(pulls ? { pulls } : {}),
      ...(delivery ? { delivery } : {}),
      repository: `${ref.owner}/${ref.repo}`
    })
    const runId = io.env.GITHUB_RUN_ID ?? String(now.getTime())
    const attempt = io.env.GITHUB_RUN_ATTEMPT ?? '1'
    const outDir = path.join(outputDir(io.env), `recalibrate-${slug(runId)}-${slug(attempt)}`)
    const written = writeOutputs(result, {
      root,
      outDir,
      graphPath,
      baselinePath,
      progressPath,
      dryRun
    })

    const artifactName = `flow-recalibration-${slug(runId)}-attempt-${slug(attempt)}`
    let pr: PullRequestOutcome | undefined
    let prError: unknown
    const writable = result.proposals.filter((p) => p.writable)
    if (!dryRun && writable.length > 0) {
      try {
        const files = written.changed.map((file) => ({
          path: file,
          content: readFileSync(resolveInWorkspace(root, file, 'changed file'), 'utf8')
        }))
        const runUrl =
          io.env.GITHUB_SERVER_URL && io.env.GITHUB_RUN_ID
            ? `${io.env.GITHUB_SERVER_URL}/${ref.owner}/${ref.repo}/actions/runs/${io.env.GITHUB_RUN_ID}`
            : undefined
        pr = await upsertPullRequest(client, {
          ...ref,
          base: branch,
          branch: prBranch,
          title: `flow-actions: tighten ${writable.length} threshold${writable.length === 1 ? '' : 's'} and baselines`,
          body: renderPullRequestBody(result, { runUrl }),
          commitMessage: `Recalibrate: tighten ${writable.map((p) => p.metric).join(', ')}`.slice(
            0,
            300
          ),
          files,
          sleep: deps.sleep
        })
        io.info(`Pull request #${pr.number} ${pr.action}: ${pr.url}`)
      } catch (error) {
        prError = error
      }
    }

    io.appendSummary(
      renderSummary(result, {
        dryRun,
        ...(pr ? { pullRequest: pr } : {}),
        dashboardHint: uploadDashboard
          ? `The trend dashboard (dashboard.html), PROGRESS.md and recalibration.json are in the ${artifactName} artifact.`
          : undefined
      })
    )
    if (uploadDashboard) {
      try {
        await (deps.upload ?? defaultUpload)(
          artifactName,
          [written.dashboard, written.progress, written.json],
          outDir
        )
        io.info(`Uploaded the dashboard as the artifact ${artifactName}.`)
      } catch (error) {
        io.warning(`The dashboard could not be uploaded as an artifact: ${errorMessage(error)}`)
      }
    }
    io.setOutput(OUTPUTS.proposals, result.proposals.length)
    io.setOutput(OUTPUTS.pullRequest, pr?.url ?? '')
    io.setOutput(OUTPUTS.pullRequestNumber, pr ? String(pr.number) : '')
    io.setOutput(OUTPUTS.dashboard, written.dashboard)
    io.setOutput(OUTPUTS.progress, written.progress)
    io.setOutput(OUTPUTS.report, written.json)
    io.setOutput(OUTPUTS.flakyTests, result.flaky.length)
    io.setOutput(OUTPUTS.concerns, result.concerns.length)
    if (prError)
      throw new ConfigurationError(
        `the proposal could not be opened as a pull request: ${errorMessage(prError)}. The job needs contents: write and pull-requests: write.`
      )
  })
}
