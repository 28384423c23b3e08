import { ConfigurationError } from '../errors.js'
import type { LoadedYaml } from '../yaml.js'
import { parseDuration } from './duration.js'

type Path = ReadonlyArray<string | number>

/**
 * Typed access to one mapping of a loaded YAML file. Every mistake names the file, line and
 * column, and unknown keys are refused so a misspelt option is never silently ignored.
 */
export class YamlFields {
  constructor(
    readonly doc: LoadedYaml,
    readonly path: Path,
    private readonly value: Record<string, unknown>
  ) {}

  static root(doc: LoadedYaml): YamlFields {
    if (!isPlainMapping(doc.value)) throw fail(doc, [], 'the file must be a YAML mapping')
    return new YamlFields(doc, [], doc.value)
  }

  fail(message: string, key?: string | number): ConfigurationError {
    return fail(this.doc, key === undefined ? this.path : [...this.path, key], message)
  }

  allowOnly(keys: readonly string[]): void {
    for (const key of Object.keys(this.value)) {
      if (!keys.includes(key)) {
        const pos = this.doc.locate([...this.path, key], { key: true })
        throw new ConfigurationError(
          `${where(this.doc.file, pos)}unknown key "${key}" in ${describe(this.path)}; allowed: ${keys.join(', ')}.`,
          { file: this.doc.file, line: pos?.line, col: pos?.col }
        )
      }
    }
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.value, key) && this.value[key] !== null
  }

  raw(key: string): unknown {
    return this.has(key) ? this.value[key] : undefined
  }

  string(key: string, required: true): string
  string(key: string, required?: false): string | undefined
  string(key: string, required = false): string | undefined {
    const v = this.raw(key)
    if (v === undefined) {
      if (required) throw this.fail(`"${key}" is required`)
      return undefined
    }
    if (typeof v !== 'string' || v.trim() === '')
      throw this.fail(`"${key}" must be a non-empty string`, key)
    return v
  }

  number(
    key: string,
    opts: { min?: number; max?: number; integer?: boolean } = {}
  ): number | undefined {
    const v = this.raw(key)
    if (v === undefined) return undefined
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw this.fail(`"${key}" must be a number`, key)
    if (opts.integer && !Number.isInteger(v))
      throw this.fail(`"${key}" must be a whole number`, key)
    if (opts.min !== undefined && v < opts.min)
      throw this.fail(`"${key}" must be at least ${opts.min}`, key)
    if (opts.max !== undefined && v > opts.max)
      throw this.fail(`"${key}" must be at most ${opts.max}`, key)
    return v
  }

  boolean(key: string): boolean | undefined {
    const v = this.raw(key)
    if (v === undefined) return undefined
    if (typeof v !== 'boolean') throw this.fail(`"${key}" must be true or false`, key)
    return v
  }

  duration(key: string, opts: { maxMs?: number } = {}): number | undefined {
    const v = this.raw(key)
    if (v === undefined) return undefined
    if (typeof v !== 'string' && typeof v !== 'number')
      throw this.fail(`"${key}" must be a duration such as 2s`, key)
    try {
      return parseDuration(v, `"${key}"`, opts)
    } catch (error) {
      throw this.fail((error as Error).message, key)
    }
  }

  choice<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.raw(key)
    if (v === undefined) return undefined
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      throw this.fail(`"${key}" must be one of ${allowed.join(', ')}`, key)
    }
    return v as T
  }

  mapping(key: string): YamlFields | undefined {
    const v = this.raw(key)
    if (v === undefined) return undefined
    if (!isPlainMapping(v)) throw this.fail(`"${key}" must be a mapping`, key)
    return new YamlFields(this.doc, [...this.path, key], v)
  }

  /** A list of mappings, each wrapped for typed access. */
  list(key: string): YamlFields[] {
    const v = this.raw(key)
    if (v === undefined) return []
    if (!Array.isArray(v)) throw this.fail(`"${key}" must be a list`, key)
    return v.map((item, i) => {
      if (!isPlainMapping(item))
        throw fail(this.doc, [...this.path, key, i], 'each entry must be a mapping')
      return new YamlFields(this.doc, [...this.path, key, i], item)
    })
  }

  /** A mapping of string to string (e.g. HTTP headers). */
  stringMap(key: string): Record<string, string> {
    const m = this.mapping(key)
    if (!m) return {}
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(m.value)) {
      if (typeof v !== 'string' && typeof v !== 'number') throw m.fail(`"${k}" must be a string`, k)
      out[k] = String(v)
    }
    return out
  }

  entries(): Array<[string, unknown]> {
    return Object.entries(this.value)
  }
}

function isPlainMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function where(file: string, pos: { line: number; col: number } | undefined): string {
  return pos ? `${file}:${pos.line}:${pos.col}: ` : `${file}: `
}

function describe(path: Path): string {
  return path.length === 0
    ? 'the top level'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : p))
        .join('.')
        .replace(/\.\[/g, '[')
}

function fail(doc: LoadedYaml, path: Path, message: string): ConfigurationError {
  const pos = doc.locate(path)
  return new ConfigurationError(`${where(doc.file, pos)}${describe(path)}: ${message}.`, {
    file: doc.file,
    line: pos?.line,
    col: pos?.col
  })
}
