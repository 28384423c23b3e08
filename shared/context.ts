import { mkdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RunInfo } from './report/types.js'

// scripts/bundle.mjs replaces FLOW_TOOL_VERSION with package.json's version; run from source (tests,
// tsx), the version is read from package.json itself.
declare const FLOW_TOOL_VERSION: string | undefined

export const TOOL_NAME = 'flow-actions'
export const TOOL_VERSION: string =
  typeof FLOW_TOOL_VERSION === 'string' ? FLOW_TOOL_VERSION : sourceVersion()

function sourceVersion(): string {
  const manifest = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'package.json')
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
}

type RunFields = Partial<
  Pick<RunInfo, 'repository' | 'sha' | 'ref' | 'event' | 'runId' | 'runAttempt' | 'workflow'>
>

/** What the runner's environment says about this run (repository, commit, run id...); blanks left out. */
export function runFieldsFromEnv(env: Readonly<Record<string, string | undefined>>): RunFields {
  const fields: Record<string, string | undefined> = {
    repository: env.GITHUB_REPOSITORY,
    sha: env.GITHUB_SHA,
    ref: env.GITHUB_REF,
    event: env.GITHUB_EVENT_NAME,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    workflow: env.GITHUB_WORKFLOW
  }
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v)) as RunFields
}

/** Run metadata for a report, from the runner's environment. */
export function runInfoFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  now: Date,
  stage?: string
): RunInfo {
  return {
    time: now.toISOString(),
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    ...runFieldsFromEnv(env),
    ...(stage ? { stage } : {})
  }
}

/** A folder for files the action writes that are not part of the repository. */
export function outputDir(env: Readonly<Record<string, string | undefined>>): string {
  const dir = path.join(env.RUNNER_TEMP || tmpdir(), 'flow-actions')
  mkdirSync(dir, { recursive: true })
  return dir
}
