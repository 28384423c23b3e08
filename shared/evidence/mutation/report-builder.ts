import type { MutationTestResult } from 'mutation-testing-report-schema'
import type { NormalisedMutant } from '../types.js'

const LANGUAGE_BY_EXTENSION: Record<string, string> = {
  java: 'java',
  kt: 'kotlin',
  scala: 'scala',
  py: 'python',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  ts: 'typescript',
  tsx: 'typescript',
  cs: 'csharp',
  php: 'php',
  rs: 'rust',
  go: 'go'
}

/**
 * Builds a mutation-testing-report-schema document from normalised mutants, so PIT and mutmut
 * results can be shown, merged and scored by the same tools as Stryker's. Unknown lines (mutmut
 * records none) are written as line 1, column 1, the schema's minimum; the source text is not
 * available and is left empty.
 */
export function buildReport(mutants: readonly NormalisedMutant[]): MutationTestResult {
  // A null-prototype object: a file named "__proto__" stays an ordinary key.
  const files = Object.create(null) as MutationTestResult['files']
  for (const m of mutants) {
    const name = m.file === '' ? '(unknown)' : m.file
    let entry = files[name]
    if (!entry) {
      const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase()
      entry = { language: LANGUAGE_BY_EXTENSION[ext] ?? 'unknown', source: '', mutants: [] }
      Object.defineProperty(files, name, {
        value: entry,
        enumerable: true,
        writable: true,
        configurable: true
      })
    }
    const line = m.line > 0 ? m.line : 1
    const column = m.column !== undefined && m.column > 0 ? m.column : 1
    const endLine = m.endLine !== undefined && m.endLine >= line ? m.endLine : line
    entry.mutants.push({
      id: m.id,
      mutatorName: m.mutatorName,
      status: m.status,
      statusReason:
        m.originalStatus !== m.status ? `original status: ${m.originalStatus}` : undefined,
      location: {
        start: { line, column },
        end: { line: endLine, column: endLine === line ? column + 1 : 1 }
      },
      ...(m.replacement !== undefined ? { replacement: m.replacement } : {})
    })
  }
  return JSON.parse(
    JSON.stringify({ schemaVersion: '2', thresholds: { high: 80, low: 60 }, files })
  ) as MutationTestResult
}
