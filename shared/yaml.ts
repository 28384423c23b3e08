import { readFileSync, statSync } from 'node:fs'
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node as YamlNode
} from 'yaml'
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
 * Loads one YAML document safely: YAML 1.2 core schema, no merge keys, no custom tags, duplicate
 * keys refused, aliases bounded, one document only, prototype-reaching keys refused, and every
 * parser warning treated as an error. Errors name the file, line and column.
 */
export function parseYaml(text: string, file: string): LoadedYaml {
  const lineCounter = new LineCounter()
  let docs: Document.Parsed[]
  try {
    docs = parseAllDocuments(text, {
      lineCounter,
      version: '1.2',
      merge: false,
      uniqueKeys: true,
      prettyErrors: false,
      strict: true
    }) as Document.Parsed[]
  } catch (error) {
    throw new ConfigurationError(`${file}: YAML could not be parsed: ${errorMessage(error)}`, { file })
  }
  if (!Array.isArray(docs)) {
    // parseAllDocuments returns an EmptyStream for empty input
    docs = []
  }
  if (docs.length === 0) {
    throw new ConfigurationError(`${file} is empty: expected a YAML mapping.`, { file, line: 1, col: 1 })
  }
  if (docs.length > 1) {
    const pos = lineCounter.linePos(docs[1].range[0])
    throw new ConfigurationError(
      `${file} holds ${docs.length} YAML documents; keep one document per file.`,
      { file, line: pos.line, col: pos.col }
    )
  }
  const doc = docs[0]
  const problem = doc.errors[0] ?? doc.warnings[0]
  if (problem) {
    const pos = problem.linePos?.[0] ?? lineCounter.linePos(problem.pos[0])
    throw new ConfigurationError(`${file}:${pos.line}:${pos.col}: ${firstLine(problem.message)}`, {
      file,
      line: pos.line,
      col: pos.col
    })
  }
  rejectForbiddenKeys(doc.contents as YamlNode | null, file, lineCounter)
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    throw new ConfigurationError(
      `${file}: ${errorMessage(error)} (YAML aliases are limited to guard against alias bombs).`,
      { file }
    )
  }
  const locate = (path: ReadonlyArray<string | number>, opts?: { key?: boolean }) => {
    const node = nodeAt(doc, path, opts?.key === true)
    if (!node?.range) return undefined
    const p = lineCounter.linePos(node.range[0])
    return { line: p.line, col: p.col }
  }
  return { file, value, locate }
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

function rejectForbiddenKeys(root: YamlNode | null, file: string, lc: LineCounter): void {
  // Iterative walk: a 10,000-deep document must not overflow the stack here.
  const stack: YamlNode[] = root ? [root] : []
  while (stack.length > 0) {
    const node = stack.pop() as YamlNode
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key
        if (isScalar(key) && typeof key.value === 'string' && FORBIDDEN_KEYS.has(key.value)) {
          const pos = key.range ? lc.linePos(key.range[0]) : { line: 0, col: 0 }
          throw new ConfigurationError(
            `${file}:${pos.line}:${pos.col}: the key "${key.value}" is not allowed; rename it.`,
            { file, line: pos.line, col: pos.col }
          )
        }
        if (pair.value && typeof pair.value === 'object') stack.push(pair.value as YamlNode)
      }
    } else if (isSeq(node)) {
      for (const item of node.items) if (item && typeof item === 'object') stack.push(item as YamlNode)
    }
  }
}

function nodeAt(doc: Document.Parsed, path: ReadonlyArray<string | number>, wantKey: boolean): YamlNode | undefined {
  let node: unknown = doc.contents
  let keyNode: unknown
  for (const segment of path) {
    keyNode = undefined
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
