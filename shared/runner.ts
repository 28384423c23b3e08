import { readFileSync, statSync } from 'node:fs'
import type { GitHubClient } from './github/index.js'

// The services an action gets from the runner, in one place: the GitHub client, artifact upload and
// the event payload. Each loads its heavy module only when first used, so an action that needs none
// of them starts as fast as its bundle can. Actions take these as injectable defaults.

/** Builds a GitHub client for a token; the log line sink gets tokens redacted. */
export type GitHubFactory = (token: string, log: (msg: string) => void) => Promise<GitHubClient>

/** Uploads files as one workflow artifact. */
export type ArtifactUploader = (
  name: string,
  files: string[],
  rootDirectory: string
) => Promise<void>

export const defaultGitHub: GitHubFactory = async (token, log) => {
  const { createGitHubClient } = await import('./github/index.js')
  return createGitHubClient({ token, baseUrl: process.env.GITHUB_API_URL, log })
}

export const defaultUpload: ArtifactUploader = async (name, files, rootDirectory) => {
  const { DefaultArtifactClient } = await import('@actions/artifact')
  await new DefaultArtifactClient().uploadArtifact(name, files, rootDirectory)
}

/** A payload far larger than this is not one GitHub wrote. */
const MAX_EVENT_BYTES = 32 * 1024 * 1024

/**
 * The triggering event's payload (GITHUB_EVENT_PATH), or undefined when there is none or it cannot
 * be read as a JSON object. Callers treat every field as untrusted and check its shape.
 */
export function readEventPayload(
  env: Readonly<Record<string, string | undefined>>
): Record<string, unknown> | undefined {
  const file = env.GITHUB_EVENT_PATH
  if (!file) return undefined
  try {
    const st = statSync(file)
    if (!st.isFile() || st.size > MAX_EVENT_BYTES) return undefined
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
