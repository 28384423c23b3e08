import { existsSync } from 'node:fs'
import path from 'node:path'
import { errorMessage } from '../errors.js'
import { resolveInWorkspace, workspaceRelative } from '../safe-path.js'
import type { EventInfo } from './changed.js'

/** StrykerJS's default incrementalFile. */
export const DEFAULT_INCREMENTAL_FILE = 'reports/stryker-incremental.json'
const KEY_PREFIX = 'flow-mutation-incremental'

/** The part of @actions/cache this uses; injected in tests. */
export interface CacheClient {
  isFeatureAvailable(): boolean
  restoreCache(
    paths: string[],
    primaryKey: string,
    restoreKeys?: string[]
  ): Promise<string | undefined>
  saveCache(paths: string[], key: string): Promise<number>
}

/** Loads @actions/cache only when incremental mode is on: it is large and needs the cache service. */
export async function loadCacheClient(): Promise<CacheClient> {
  return (await import('@actions/cache')) as unknown as CacheClient
}

/** The `incremental` input: off, on with Stryker's default file, or on with the given file. */
export function incrementalFile(input: string): string | undefined {
  const raw = input.trim()
  if (raw === '' || /^(false|False|FALSE)$/.test(raw)) return undefined
  if (/^(true|True|TRUE)$/.test(raw)) return DEFAULT_INCREMENTAL_FILE
  return raw
}

export interface CacheKeys {
  key: string
  restoreKeys: string[]
  /** The ref the entry belongs to, e.g. refs/heads/main or refs/pull/5/merge. */
  branch: string
  defaultBranch?: string
  /** False on events that run in the base branch's cache scope (pull_request_target, workflow_run): nothing is saved there. */
  save: boolean
}

/** Events that run with the base repository's scope although a pull request (or another run) supplied the code. */
export const PRIVILEGED_EVENTS = new Set(['pull_request_target', 'workflow_run'])

function keyPart(text: string): string {
  return text.replace(/[^A-Za-z0-9._/-]/g, '-').slice(0, 120)
}

/**
 * The ref whose entries a run reads and writes. A pull request is keyed by its number
 * (refs/pull/<n>/merge), never by its head branch name, which its author chooses and may call
 * "main"; a push by its full ref (refs/heads/<name>, refs/tags/<name>).
 */
function cacheRef(env: Readonly<Record<string, string | undefined>>, event: EventInfo): string {
  const pr = event.payload.pull_request as { number?: unknown } | undefined
  if (env.GITHUB_HEAD_REF || pr) {
    const fromRef = /^refs\/pull\/(\d+)\/(merge|head)$/.exec(env.GITHUB_REF ?? '')
    const number = fromRef
      ? fromRef[1]
      : typeof pr?.number === 'number' && Number.isInteger(pr.number)
        ? String(pr.number)
        : 'unknown'
    return `refs/pull/${number}/merge`
  }
  const ref = env.GITHUB_REF ?? ''
  if (/^refs\/(heads|tags)\//.test(ref)) return ref
  return env.GITHUB_REF_NAME ? `refs/heads/${env.GITHUB_REF_NAME}` : 'unknown'
}

/**
 * Keys for the incremental file: saved per ref and run (cache entries are immutable), restored
 * from the newest entry of this ref, else of the default branch. `scope` keeps shards apart. The
 * ref part ends with ":", which no ref can hold, so one ref's prefix never matches another's
 * (refs/heads/main: is not a prefix of refs/heads/main-x:).
 */
export function incrementalKeys(
  env: Readonly<Record<string, string | undefined>>,
  event: EventInfo,
  scope: string
): CacheKeys {
  const branch = keyPart(cacheRef(env, event))
  const repo = event.payload.repository as { default_branch?: unknown } | undefined
  const defaultBranch =
    typeof repo?.default_branch === 'string' && repo.default_branch !== ''
      ? keyPart(`refs/heads/${repo.default_branch}`)
      : undefined
  const base = `${KEY_PREFIX}-${keyPart(scope)}`
  const key = `${base}-${branch}:${keyPart(env.GITHUB_RUN_ID ?? '0')}-${keyPart(env.GITHUB_RUN_ATTEMPT ?? '1')}`
  const restoreKeys = [`${base}-${branch}:`]
  if (defaultBranch && defaultBranch !== branch) restoreKeys.push(`${base}-${defaultBranch}:`)
  return {
    key,
    restoreKeys,
    branch,
    ...(defaultBranch ? { defaultBranch } : {}),
    save: !PRIVILEGED_EVENTS.has(event.name)
  }
}

export interface CacheLog {
  info(line: string): void
  warning(message: string): void
}

/** Restores the incremental file before the mutation run. Any failure is a warning. */
export async function restoreIncremental(
  root: string,
  file: string,
  keys: CacheKeys,
  log: CacheLog,
  load: () => Promise<CacheClient> = loadCacheClient
): Promise<boolean> {
  try {
    const target = resolveInWorkspace(root, file, 'incremental file')
    const cache = await load()
    if (!cache.isFeatureAvailable()) {
      log.warning(
        'incremental: the cache service is not available on this runner; the mutation run starts without earlier results.'
      )
      return false
    }
    const hit = await cache.restoreCache([target], keys.key, keys.restoreKeys)
    if (hit)
      log.info(`incremental: restored ${workspaceRelative(root, target)} from cache key ${hit}.`)
    else
      log.info(
        `incremental: no cached results for ${keys.branch}${keys.defaultBranch ? ` or ${keys.defaultBranch}` : ''}; this run starts from scratch.`
      )
    return hit !== undefined
  } catch (error) {
    log.warning(
      `incremental: restoring the cache failed (${errorMessage(error)}); the mutation run starts without earlier results.`
    )
    return false
  }
}

/** Saves the incremental file after the mutation run. Any failure is a warning. */
export async function saveIncremental(
  root: string,
  file: string,
  keys: CacheKeys,
  log: CacheLog,
  load: () => Promise<CacheClient> = loadCacheClient
): Promise<boolean> {
  if (!keys.save) {
    // These events run in the base branch's cache scope with code a pull request supplied.
    log.info(
      `incremental: not saved on this event (it runs in ${keys.branch}'s cache scope, where a pull request must not write).`
    )
    return false
  }
  try {
    const target = resolveInWorkspace(root, file, 'incremental file')
    if (!existsSync(target)) {
      log.warning(
        `incremental: ${workspaceRelative(root, target)} was not written, so there is nothing to cache; run Stryker with --incremental (and --incrementalFile ${path.posix.normalize(file)} if you moved it).`
      )
      return false
    }
    const cache = await load()
    if (!cache.isFeatureAvailable()) {
      log.warning(
        'incremental: the cache service is not available on this runner; the incremental file was not saved.'
      )
      return false
    }
    const id = await cache.saveCache([target], keys.key)
    if (id === -1) {
      log.warning(
        `incremental: the cache entry ${keys.key} was not saved (see the log above); the next run starts without these results.`
      )
      return false
    }
    log.info(`incremental: saved ${workspaceRelative(root, target)} as ${keys.key}.`)
    return true
  } catch (error) {
    log.warning(
      `incremental: saving the cache failed (${errorMessage(error)}); the next run starts without these results.`
    )
    return false
  }
}
