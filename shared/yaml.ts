import { readFileSync, statSync } from 'node:fs'
import * as jsyaml from 'js-yaml'
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml'
import { ConfigurationError, errorMessage } from './errors.js'

/** Keys that could reach an object's prototype if parsed data were ever merged into an object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

export const DEFAULT_MAX_YAML_BYTES = 8 * 1024 * 1024

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
  try {
    value = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, maxAliases: 100, maxDepth: 100, filename: file } as jsyaml.LoadOptions)
  } catch (error) {
    throw yamlError(error, file)
  }
  if (value === undefined || value === null) {
    throw new ConfigurationError(`${file} is empty: expected a YAML mapping.`, { file, line: 1, col: 1 })
  }
  let positions: ((path: ReadonlyArray<string | number>, key: boolean) => Position | undefined) | undefined
  const locate = (path: ReadonlyArray<string | number>, opts?: { key?: boolean }) => {
    positions ??= positionIndex(text)
    return positions(path, opts?.key === true)
  }
  rejectForbiddenKeys(value, file, locate)
  return { file, value, locate }
}

function yamlError(error: unknown, file: string): ConfigurationError {
  const mark = (error as { mark?: { line?: number; column?: number } }).mark
  const reason = (error as { reason?: string }).reason ?? firstLine(errorMessage(error))
  if (/single document/.test(reason)) {
    return new ConfigurationError(`${file} holds more than one YAML document; keep one document per file.`, { file })
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
export function loadYamlFile(absolutePath: string, displayName: string, maxBytes = DEFAULT_MAX_YAML_BYTES): LoadedYaml {
  let size: number
  try {
    size = statSync(absolutePath).size
  } catch {
    throw new ConfigurationError(`${displayName} does not exist; create it or point the input at the right file.`, {
      file: displayName
    })
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
  locate: (path: ReadonlyArray<string | number>, opts?: { key?: boolean }) => Position | undefined
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
    if (seen.has(value)) {
      shared = true
      continue
    }
    seen.add(value)
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (typeof value[i] === 'object') stack.push([value[i], { parent: link, key: i }])
      continue
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        const pos = locate([...pathOf(link), key], { key: true }) ?? { line: 1, col: 1 }
        throw new ConfigurationError(`${file}:${pos.line}:${pos.col}: the key "${key}" is not allowed; rename it.`, {
          file,
          line: pos.line,
          col: pos.col
        })
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
  const stack: Array<[object, boolean]> = typeof root === 'object' && root !== null ? [[root, false]] : []
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

/** Builds the `yaml` document model once, for positions of values and keys by path. */
function positionIndex(text: string): (path: ReadonlyArray<string | number>, key: boolean) => Position | undefined {
  const lineCounter = new LineCounter()
  let doc: Document.Parsed | undefined
  try {
    doc = parseDocument(text, { lineCounter, version: '1.2', merge: false, uniqueKeys: false }) as Document.Parsed
  } catch {
    doc = undefined
  }
  return (path, wantKey) => {
    if (!doc) return undefined
    const node = nodeAt(doc, path, wantKey)
    if (!node?.range) return undefined
    const p = lineCounter.linePos(node.range[0])
    return { line: p.line, col: p.col }
  }
}

function nodeAt(doc: Document.Parsed, path: ReadonlyArray<string | number>, wantKey: boolean): YamlNode | undefined {
  let node: unknown = doc.contents
  let keyNode: unknown
  for (const segment of path) {
    keyNode = undefined
    if (isAlias(node)) node = node.resolve(doc)
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment))
      if (!pair) return undefined
      keyNode = pair.key
      node = pair.value
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment]
    } else {
      return undefined
    }
  }
  return ((wantKey && keyNode) || node) as YamlNode | undefined
}
