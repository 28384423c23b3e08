import {
  closeSync,
  constants,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeSync,
  type Stats
} from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from './errors.js'
import { randomHex } from './random.js'

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

function realpathOfExistingPrefix(p: string, depth = 0): string {
  let current = p
  const rest: string[] = []
  for (;;) {
    let link = false
    let exists = true
    try {
      link = lstatSync(current).isSymbolicLink()
    } catch {
      exists = false
    }
    if (exists) {
      try {
        return path.join(realpathSync(current), ...rest.reverse())
      } catch (error) {
        if (!link) throw error
        // A dangling link: realpath fails on it, but a write would follow it. Follow it by hand,
        // so the place it leads to is what gets checked against the workspace.
        if (depth >= MAX_LINK_DEPTH) {
          throw new ConfigurationError(
            `${printable(current)} is a loop of symbolic links; remove it.`
          )
        }
        const target = path.resolve(path.dirname(current), readlinkSync(current))
        return realpathOfExistingPrefix(path.join(target, ...rest.reverse()), depth + 1)
      }
    }
    const parent = path.dirname(current)
    if (parent === current) return p
    rest.push(path.basename(current))
    current = parent
  }
}

const MAX_LINK_DEPTH = 40

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
export function resolveInWorkspaceOr(
  root: string,
  userPath: string,
  what: string,
  alsoInside: string[]
): string {
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

/**
 * Resolves a path flow-actions is about to write (a report, a summary, a diagram, a scaffold
 * file) and creates its missing parent folders. Stricter than resolveInWorkspace: any existing
 * component that is a symbolic link is refused, even one that points inside, because a link
 * committed in the repository is the attacker's choice of target (a dangling link to
 * /home/runner/.bashrc is "inside" until the write follows it). Each component is checked with
 * lstat from the root down; folders are created one at a time and checked again after creation
 * (`createFolders: false` checks only, for a caller that may not write after all).
 */
export function resolveForWrite(
  root: string,
  userPath: string,
  what = 'output file',
  opts: { createFolders?: boolean } = {}
): string {
  const createFolders = opts.createFolders ?? true
  if (typeof userPath !== 'string' || userPath.trim() === '') {
    throw new ConfigurationError(`The ${what} is empty: give a path inside the workspace.`)
  }
  if (userPath.includes('\0')) {
    throw new ConfigurationError(`The ${what} "${printable(userPath)}" contains a NUL byte.`)
  }
  const realRoot = realpathSync(root)
  let candidate = path.resolve(realRoot, userPath)
  // An absolute path written through the root's own (trusted) link, e.g. /tmp → /private/tmp.
  const given = path.resolve(root)
  if (!isInside(realRoot, candidate) && path.isAbsolute(userPath) && isInside(given, candidate)) {
    candidate = path.join(realRoot, path.relative(given, candidate))
  }
  if (!isInside(realRoot, candidate)) {
    throw new ConfigurationError(
      `The ${what} "${printable(userPath)}" is outside the workspace (${realRoot}); use a path inside it.`
    )
  }
  const parts = path.relative(realRoot, candidate).split(path.sep).filter(Boolean)
  if (parts.length === 0)
    throw new ConfigurationError(
      `The ${what} "${printable(userPath)}" is the workspace folder itself; name a file inside it.`
    )
  let current = realRoot
  for (let i = 0; i < parts.length; i++) {
    current = path.join(current, parts[i])
    const last = i === parts.length - 1
    const shown = workspaceRelative(realRoot, current)
    let st = lstatOrUndefined(current)
    // Nothing exists below a missing folder: with no folder created, there is nothing to check.
    if (!st && !createFolders) break
    if (!st && !last) {
      try {
        mkdirSync(current)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new ConfigurationError(
            `Cannot create the folder ${shown} for the ${what}: ${(error as Error).message}.`
          )
        }
      }
      st = lstatOrUndefined(current)
    }
    if (!st) {
      if (last) break
      throw new ConfigurationError(`Cannot create the folder ${shown} for the ${what}.`)
    }
    if (st.isSymbolicLink()) {
      let target = '?'
      try {
        target = readlinkSync(current)
      } catch {
        /* gone already: the message still names the link */
      }
      throw new ConfigurationError(
        `The ${what} "${printable(userPath)}" goes through ${shown}, a symbolic link (to ${printable(target)}); refusing to write through it. ` +
          'Remove the link (it may be committed in the repository) or choose another path.'
      )
    }
    if (!last && !st.isDirectory()) {
      throw new ConfigurationError(
        `The ${what} "${printable(userPath)}" needs ${shown} to be a folder, but it is a file; choose another path.`
      )
    }
    if (last && !st.isFile()) {
      throw new ConfigurationError(
        `The ${what} "${printable(userPath)}" exists and is not a regular file (${kindOf(st)}); choose another path.`
      )
    }
  }
  return candidate
}

/**
 * Writes a file through resolveForWrite: the content goes to a new temporary file beside the
 * target (O_CREAT|O_EXCL|O_NOFOLLOW, so nothing planted there is followed or reused), which is
 * then renamed over the target. rename replaces a directory entry and never follows a link, so
 * even a link planted after the check is replaced, not written through. Returns the absolute path.
 */
export function writeFileInside(
  root: string,
  userPath: string,
  content: string | Uint8Array,
  what = 'output file'
): string {
  const target = resolveForWrite(root, userPath, what)
  const previous = lstatOrUndefined(target)
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target).slice(0, 100)}.${randomHex(4)}.tmp`
  )
  let fd: number | undefined
  try {
    fd = openSync(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o666
    )
    // An overwritten file keeps its permissions (a scaffolded script stays executable).
    if (previous?.isFile()) fchmodSync(fd, previous.mode & 0o7777)
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
    let offset = 0
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset)
    closeSync(fd)
    fd = undefined
    renameSync(temp, target)
  } catch (error) {
    if (fd !== undefined) closeSync(fd)
    try {
      unlinkSync(temp)
    } catch {
      /* never created */
    }
    throw new ConfigurationError(
      `Cannot write the ${what} ${workspaceRelative(root, target)}: ${(error as Error).message}.`
    )
  }
  return target
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p)
  } catch {
    return undefined
  }
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a named pipe'
  if (st.isSocket()) return 'a socket'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device'
  return 'not a file'
}
