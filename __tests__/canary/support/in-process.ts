import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createRunnerIO, inputEnvName } from '../../../shared/action.js'
import { parseFileCommands } from '../../helpers/run-action.js'
import { run } from '../../../actions/canary-rollout/main.js'

export interface InProcessRun {
  failed: boolean
  stdout: string
  outputs: Record<string, string>
  summary: string
  state: Record<string, string>
  report: Record<string, unknown> & { rollout: Record<string, unknown> }
  durationMs: number
}

/**
 * Runs the action's run() in this process with the runner's real file formats (GITHUB_OUTPUT,
 * GITHUB_STATE, GITHUB_STEP_SUMMARY), so scenarios need no bundle. Platform commands, probes and
 * Prometheus are all real.
 */
export async function runInProcess(
  workspace: string,
  inputs: Record<string, string>
): Promise<InProcessRun> {
  const temp = mkdtempSync(path.join(tmpdir(), 'canary-io-'))
  const files = {
    GITHUB_OUTPUT: path.join(temp, 'output'),
    GITHUB_STATE: path.join(temp, 'state'),
    GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md')
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const env: Record<string, string> = {
    ...files,
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'octo/example',
    GITHUB_SHA: 'abc123'
  }
  for (const [k, v] of Object.entries(inputs)) env[inputEnvName(k)] = v
  let stdout = ''
  const io = createRunnerIO(env, (t) => (stdout += t))
  const started = Date.now()
  const previousExitCode = process.exitCode
  await run({ io, workspace })
  // setFailed sets process.exitCode for the real runner; jest must not inherit it.
  process.exitCode = previousExitCode
  const outputs = parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8'))
  const reportPath = outputs.report ? path.join(workspace, outputs.report) : undefined
  return {
    failed: io.failed,
    stdout,
    outputs,
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')),
    report: reportPath ? JSON.parse(readFileSync(reportPath, 'utf8')) : { rollout: {} },
    durationMs: Date.now() - started
  }
}
