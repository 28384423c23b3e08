import { mkdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RunInfo } from './report/types.js'

// scripts/bundle.mjs replaces FLOW_TOOL_VERSION with package.json's version; run from source (tests,
// tsx), the version is read from package.json itself.
declare const FLOW_TOOL_VERSION: string | undefined

export const TOOL_NAME = 'flow-actions'
export const TOOL_VERSION: string = typeof FLOW_TOOL_VERSION === 'string' ? FLOW_TOOL_VERSION : sourceVersion()

function sourceVersion(): string {
  const manifest = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'package.json')
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
}

/** Run metadata for a report, from the runner's environment. */
export function runInfoFromEnv(env: Readonly<Record<string, string | undefined>>, now: Date, stage?: string): RunInfo {
  const info: RunInfo = { time: now.toISOString(), tool: { name: TOOL_NAME, version: TOOL_VERSION } }
  const set = (key: keyof RunInfo, v: string | undefined) => {
    if (v) (info as unknown as Record<string, unknown>)[key] = v
  }
  set('repository', env.GITHUB_REPOSITORY)
  set('sha', env.GITHUB_SHA)
  set('ref', env.GITHUB_REF)
  set('event', env.GITHUB_EVENT_NAME)
  set('runId', env.GITHUB_RUN_ID)
  set('runAttempt', env.GITHUB_RUN_ATTEMPT)
  set('workflow', env.GITHUB_WORKFLOW)
  set('stage', stage)
  return info
}

/** A folder for files the action writes that are not part of the repository. */
export function outputDir(env: Readonly<Record<string, string | undefined>>): string {
  const dir = path.join(env.RUNNER_TEMP || tmpdir(), 'flow-actions')
  mkdirSync(dir, { recursive: true })
  return dir
}
