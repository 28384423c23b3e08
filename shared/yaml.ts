import { readFileSync, statSync } from 'node:fs'
import * as jsyaml from 'js-yaml'
import { ConfigurationError, errorMessage } from './errors.js'

/** Keys that could reach an object's prototype if parsed data were ever merged into an object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

export const DEFAULT_MAX_YAML_BYTES = 8 * 1024 * 1024
/**
 * Up to this size a file's parse events are kept for its position index (most graphs are a few
 * KB, and nearly every run asks for positions: the report locates each gate); a bigger file's
 * events would cost more memory than parsing it again when positions are asked for.
 */
const KEEP_EVENTS_CHARS = 256 * 1024

export interface Position {
  line: number
  col: number
}

export interface LoadedYaml {
  file: string
  value: unknown
  /** Position of the value at a path (or of its key with `key: true`); undefined when absent. */
  locate(path: ReadonlyArray<string | number>, opts?: { key?: boolean }): Position | undefined
}

/**
 * Loads one YAML document safely: YAML 1.2 core schema (no merge keys, no custom tags, no
 * timestamps), duplicate keys refused, at most 100 aliases, nesting at most 100 deep, one document
 * only, prototype-reaching keys refused. Errors name the file, line and column.
 *
 * The value comes from js-yaml's fast loader; positions for findings come from the `yaml`
 * library's document model, built only when a position is first asked for (valid files, the
 * common case, never pay for it).
 */
export function parseYaml(text: string, file: string): LoadedYaml {
  let value: unknown
  let events: jsyaml.Event[] | undefined
  try {
    // jsyaml.load() in its two steps, so a small file's events also serve the position index.
    const parsed = jsyaml.parseEvents(text, { filename: file, maxDepth: 100 })
    const documents = jsyaml.constructFromEvents(parsed, {
      source: text,
      filename: file,
      schema: jsyaml.CORE_SCHEMA,
      maxAliases: 100
    })
    if (documents.length === 0)
      throw new jsyaml.YAMLException('expected a document, but the input is empty')
    if (documents.length > 1)
      throw new jsyaml.YAMLException('expected a single document in the stream, but found more')
    value = documents[0]
    if (text.length <= KEEP_EVENTS_CHARS) events = parsed
  } catch (error) {
    throw yamlError(error, file)
  }
  if (value === undefined || value === null) {
    throw new ConfigurationError(`${file} is empty: expected a YAML mapping.`, {
      file,
      line: 1,
      col: 1
    })
  }
  let positions:
    ((path: ReadonlyArray<string | number>, key: boolean) => Position | undefined) | undefined
  const locate = (path: ReadonlyArray<string | number>, opts?: { key?: boolean }) => {
    positions ??= positionIndex(text, events)
    events = undefined
    return positions(path, opts?.key === true)
  }
  // Without an anchor no two places can share an object, so the walk needs no visited set.
  rejectForbiddenKeys(value, file, locate, text.includes('&'))
  return { file, value, locate }
}

function yamlError(error: unknown, file: string): ConfigurationError {
  const mark = (error as { mark?: { line?: number; column?: number } }).mark
  const reason = (error as { reason?: string }).reason ?? firstLine(errorMessage(error))
  if (/single document/.test(reason)) {
    return new ConfigurationError(
      `${file} holds more than one YAML document; keep one document per file.`,
      { file }
    )
  }
  const line = mark?.line !== undefined ? mark.line + 1 : undefined
  const col = mark?.column !== undefined ? mark.column + 1 : undefined
  const hint = /maxAliases/.test(reason)
    ? ' (YAML aliases are limited to 100 to guard against alias bombs)'
    : /maxDepth/.test(reason)
      ? ' (nesting deeper than 100 levels is refused)'
      : ''
  const where = line !== undefined ? `${file}:${line}:${col ?? 1}` : file
  return new ConfigurationError(`${where}: ${reason}${hint}.`, { file, line, col })
}

/** Reads and parses a YAML file with a size cap. */
export function loadYamlFile(
  absolutePath: string,
  displayName: string,
  maxBytes = DEFAULT_MAX_YAML_BYTES
): LoadedYaml {
  let size: number
  try {
    size = statSync(absolutePath).size
  } catch {
    throw new ConfigurationError(
      `${displayName} does not exist; create it or point the input at the right file.`,
      {
        file: displayName
      }
    )
  }
  if (size > maxBytes) {
    throw new ConfigurationError(
      `${displayName} is ${size} bytes, over the ${maxBytes}-byte limit for YAML files.`,
      { file: displayName }
    )
  }
  return parseYaml(readFileSync(absolutePath, 'utf8'), displayName)
}

function firstLine(message: string): string {
  return message.split('\n')[0]
}

function rejectForbiddenKeys(
  root: unknown,
  file: string,
  locate: (path: ReadonlyArray<string | number>, opts?: { key?: boolean }) => Position | undefined,
  mayShare = true
): void {
  // Iterative, and each object visited once: aliases share objects, and deep input must not
  // overflow the stack.
  const seen = new Set<object>()
  let shared = false
  type Link = { parent?: Link; key: string | number }
  const pathOf = (link: Link | undefined): Array<string | number> => {
    const out: Array<string | number> = []
    for (let l = link; l; l = l.parent) out.unshift(l.key)
    return out
  }
  const stack: Array<[unknown, Link | undefined]> = [[root, undefined]]
  while (stack.length > 0) {
    const [value, link] = stack.pop() as [unknown, Link | undefined]
    if (value === null || typeof value !== 'object') continue
    if (mayShare) {
      if (seen.has(value)) {
        shared = true
        continue
      }
      seen.add(value)
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++)
        if (typeof value[i] === 'object') stack.push([value[i], { parent: link, key: i }])
      continue
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        const pos = locate([...pathOf(link), key], { key: true }) ?? { line: 1, col: 1 }
        throw new ConfigurationError(
          `${file}:${pos.line}:${pos.col}: the key "${key}" is not allowed; rename it.`,
          {
            file,
            line: pos.line,
            col: pos.col
          }
        )
      }
      const child = (value as Record<string, unknown>)[key]
      if (typeof child === 'object' && child !== null) stack.push([child, { parent: link, key }])
    }
  }
  if (shared && expandedSize(root) > MAX_EXPANDED_NODES) {
    throw new ConfigurationError(
      `${file}: YAML aliases expand this document to more than ${MAX_EXPANDED_NODES} values (an alias bomb); remove the aliases.`,
      { file }
    )
  }
}

/** An alias-heavy document may be small as text and enormous once expanded by any consumer. */
const MAX_EXPANDED_NODES = 1_000_000

/** The number of values a document has once every alias is expanded (memoised, iterative). */
function expandedSize(root: unknown): number {
  const size = new Map<object, number>()
  const stack: Array<[object, boolean]> =
    typeof root === 'object' && root !== null ? [[root, false]] : []
  while (stack.length > 0) {
    const [obj, childrenDone] = stack.pop() as [object, boolean]
    if (size.has(obj)) continue
    const children = (Array.isArray(obj) ? obj : Object.values(obj)).filter(
      (c): c is object => typeof c === 'object' && c !== null
    )
    if (!childrenDone) {
      stack.push([obj, true])
      for (const c of children) if (!size.has(c)) stack.push([c, false])
      continue
    }
    const leaves = (Array.isArray(obj) ? obj.length : Object.keys(obj).length) - children.length
    let total = 1 + leaves
    for (const c of children) total += size.get(c) ?? 1
    size.set(obj, Math.min(total, Number.MAX_SAFE_INTEGER))
  }
  return typeof root === 'object' && root !== null ? (size.get(root) ?? 1) : 1
}

/**
 * Positions of values and keys by path, from js-yaml's event stream (built once, on first use):
 * a walk that tracks the path of every collection, key and value by its start offset.
 */
function positionIndex(
  text: string,
  parsed?: jsyaml.Event[]
): (path: ReadonlyArray<string | number>, key: boolean) => Position | undefined {
  const values = new Map<string, number>()
  const keys = new Map<string, number>()
  type Frame = { kind: 'map' | 'seq'; path: string; index: number; key?: string; keyStart?: number }
  const stack: Frame[] = []
  const child = (frame: Frame, segment: string | number) =>
    frame.path === '' ? JSON.stringify(segment) : `${frame.path},${JSON.stringify(segment)}`
  /** Where a node that starts at `offset` sits; undefined when it is a mapping key. */
  const place = (offset: number, keyText?: string): string | undefined => {
    const frame = stack[stack.length - 1]
    if (!frame) {
      values.set('', offset)
      return ''
    }
    if (frame.kind === 'seq') {
      const p = child(frame, frame.index++)
      values.set(p, offset)
      return p
    }
    if (frame.key === undefined) {
      frame.key = keyText ?? ''
      frame.keyStart = offset
      return undefined
    }
    const p = child(frame, frame.key)
    values.set(p, offset)
    keys.set(p, frame.keyStart as number)
    frame.key = undefined
    return p
  }
  try {
    const events = parsed ?? jsyaml.parseEvents(text, {})
    for (const e of events as unknown as Iterable<Record<string, number>>) {
      if (e.type === jsyaml.EVENT_ID.SEQUENCE || e.type === jsyaml.EVENT_ID.MAPPING) {
        const start = e.anchorStart >= 0 ? e.anchorStart - 1 : e.start
        const p = place(start)
        stack.push({
          kind: e.type === jsyaml.EVENT_ID.SEQUENCE ? 'seq' : 'map',
          path: p ?? '\u0000key',
          index: 0
        })
      } else if (e.type === jsyaml.EVENT_ID.SCALAR) {
        place(e.valueStart, text.slice(e.valueStart, e.valueEnd))
      } else if (e.type === jsyaml.EVENT_ID.ALIAS) {
        place(e.anchorStart - 1)
      } else if (e.type === jsyaml.EVENT_ID.POP) {
        stack.pop()
      }
    }
  } catch {
    /* the value was already loaded; a stream we cannot walk just has no positions */
  }
  const lineStarts = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1)
  const toPosition = (offset: number): Position => {
    let lo = 0
    let hi = lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (lineStarts[mid] <= offset) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, col: offset - lineStarts[lo] + 1 }
  }
  return (path, wantKey) => {
    const p = path.map((seg) => JSON.stringify(seg)).join(',')
    const offset = (wantKey ? keys.get(p) : undefined) ?? values.get(p)
    return offset === undefined ? undefined : toPosition(offset)
  }
}
