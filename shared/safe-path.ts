import { realpathSync, lstatSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from './errors.js'

/** True when `child` (absolute, normalised) is `parent` or lies below it. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

/**
 * Resolves a user-supplied path inside the workspace. Relative paths are taken from the workspace
 * root; `..` escapes, absolute paths outside the root and symlinks whose target lies outside are
 * refused, so a config cannot make us read /proc/self/environ or the runner's temp folder.
 * A path that does not exist yet is checked through its nearest existing parent.
 */
export function resolveInWorkspace(root: string, userPath: string, what = 'path'): string {
  if (typeof userPath !== 'string' || userPath.trim() === '') {
    throw new ConfigurationError(`The ${what} is empty: give a path inside the workspace.`)
  }
  if (userPath.includes('\0')) {
    throw new ConfigurationError(`The ${what} "${printable(userPath)}" contains a NUL byte.`)
  }
  const realRoot = realpathSync(root)
  const candidate = path.resolve(realRoot, userPath)
  if (!isInside(realRoot, candidate)) {
    throw new ConfigurationError(
      `The ${what} "${printable(userPath)}" is outside the workspace (${realRoot}); use a path inside it.`
    )
  }
  const real = realpathOfExistingPrefix(candidate)
  if (!isInside(realRoot, real)) {
    throw new ConfigurationError(
      `The ${what} "${printable(userPath)}" resolves through a symbolic link to a place outside the workspace; refusing to read it.`
    )
  }
  return real
}

/** Relative, forward-slash form of an absolute path inside root, for messages and reports. */
export function workspaceRelative(root: string, absolute: string): string {
  let realRoot = root
  try {
    realRoot = realpathSync(root)
  } catch {
    /* root vanished: fall back to the given form */
  }
  const rel = path.relative(realRoot, absolute)
  return rel.split(path.sep).join('/') || '.'
}

function realpathOfExistingPrefix(p: string): string {
  let current = p
  const rest: string[] = []
  for (;;) {
    try {
      lstatSync(current)
      return path.join(realpathSync(current), ...rest.reverse())
    } catch {
      const parent = path.dirname(current)
      if (parent === current) return p
      rest.push(path.basename(current))
      current = parent
    }
  }
}

/** A path shortened and stripped of control characters, safe to echo in a message. */
export function printable(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?')
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}

/**
 * Like resolveInWorkspace, but an absolute path may also lie inside one of `alsoInside`: folders
 * flow-actions itself writes to (its folder under RUNNER_TEMP), so one step can read the report
 * another wrote. Anything else outside the workspace is refused as before.
 */
export function resolveInWorkspaceOr(root: string, userPath: string, what: string, alsoInside: string[]): string {
  try {
    return resolveInWorkspace(root, userPath, what)
  } catch (error) {
    if (!path.isAbsolute(userPath)) throw error
    for (const allowed of alsoInside) {
      let realAllowed: string
      try {
        realAllowed = realpathSync(allowed)
      } catch {
        continue
      }
      if (isInside(realAllowed, path.resolve(userPath))) {
        const real = realpathOfExistingPrefix(path.resolve(userPath))
        if (isInside(realAllowed, real)) return real
      }
    }
    throw error
  }
}
