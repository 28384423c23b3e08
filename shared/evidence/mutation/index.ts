import { EvidenceError } from '../../errors.js'
import { detectFormat, type FormatName } from '../detect.js'
import {
  DEFAULT_MAX_JSON_BYTES,
  DEFAULT_MAX_STREAM_BYTES,
  guardReader,
  openEvidence,
  type OpenedEvidence
} from '../evidence-file.js'
import { readHeadText } from '../encoding.js'
import { readJson } from '../json-file.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import type { EvidenceOptions, MutationResult, NormalisedMutant } from '../types.js'
import { finishMetrics } from '../namespaces.js'
import { mutationCounts } from './metrics.js'
import { mutmutMetaMutants, mutmutStatsMutants } from './mutmut.js'
import { readPitMutants } from './pit.js'
import { buildReport } from './report-builder.js'
import { referenceScore, strykerMutants, validateStrykerReport } from './stryker.js'

export { mutationMetrics } from './metrics.js'

const MUTATION_FORMATS = new Set<FormatName>(['stryker', 'pit', 'mutmut-meta', 'mutmut-stats'])

/** Reads an opened mutation report of a known format into normalised mutants and a report. */
export async function readMutationOpened(
  opened: OpenedEvidence,
  format: FormatName,
  maxBytes: number,
  opts: { changedLines?: EvidenceOptions['changedLines']; root: string }
): Promise<MutationResult> {
  const display = opened.display
  let tool: MutationResult['tool']
  let mutants: NormalisedMutant[]
  let report: unknown
  let schemaVersion: string | undefined
  let score: number | undefined
  if (format === 'stryker') {
    const data = await readJson(opened, maxBytes)
    validateStrykerReport(data, display)
    tool = 'stryker'
    mutants = strykerMutants(data)
    report = data
    schemaVersion = data.schemaVersion
    score = referenceScore(data)
  } else if (format === 'pit') {
    tool = 'pit'
    mutants = await readPitMutants(opened, maxBytes)
  } else if (format === 'mutmut-meta') {
    tool = 'mutmut'
    mutants = mutmutMetaMutants(await readJson(opened, maxBytes), display)
  } else if (format === 'mutmut-stats') {
    tool = 'mutmut'
    mutants = mutmutStatsMutants(await readJson(opened, maxBytes), display)
  } else {
    await opened.handle.close()
    throw new EvidenceError(display, 'unsupported', `is ${format} data, not a mutation report.`)
  }
  const metrics = finishMetrics('mutation', mutationCounts(mutants, opts.changedLines, opts.root))
  // Stryker's score is mutation-testing-metrics' own number (the same formula as ours).
  if (score !== undefined) metrics.set('mutation.score', score)
  if (report === undefined) report = buildReport(mutants)
  return { tool, file: display, schemaVersion: schemaVersion ?? '2', mutants, metrics, report }
}

/**
 * Reads one mutation report (Stryker JSON, PIT mutations.xml, a mutmut .meta file or
 * mutmut-cicd-stats.json), detected from content. Throws only EvidenceError.
 */
export async function readMutationReport(
  file: string,
  opts: EvidenceOptions
): Promise<MutationResult> {
  return guardReader(file, async () => {
    const opened = await openEvidence(opts.root, file, opts.maxBytes ?? DEFAULT_MAX_STREAM_BYTES)
    let format: FormatName | undefined
    try {
      format = detectFormat(opened.display, (await readHeadText(opened)).text)
    } catch (error) {
      await opened.handle.close()
      throw error
    }
    if (!format || !MUTATION_FORMATS.has(format)) {
      await opened.handle.close()
      throw new EvidenceError(
        opened.display,
        'unsupported',
        `is not a mutation report this reader knows (${format ?? 'unrecognised content'}); expected Stryker JSON, PIT mutations.xml or mutmut results.`
      )
    }
    const json = format !== 'pit'
    const cap = opts.maxBytes ?? (json ? DEFAULT_MAX_JSON_BYTES : DEFAULT_MAX_STREAM_BYTES)
    if (opened.size > cap) {
      await opened.handle.close()
      throw new EvidenceError(
        opened.display,
        'too-large',
        `is ${opened.size} bytes, over the ${cap}-byte limit for JSON.`
      )
    }
    return readMutationOpened(opened, format, cap, {
      changedLines: opts.changedLines,
      root: opts.root
    })
  })
}

/** The collect-evidence reader for mutation formats: counts plus surviving-mutant findings. */
export function mutationReader(format: FormatName) {
  return async (opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> => {
    const result = await readMutationOpened(opened, format, ctx.maxBytes, {
      changedLines: ctx.changedLines,
      root: ctx.root
    })
    for (const m of result.mutants) {
      if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue
      if (!ctx.findings.wants()) {
        ctx.findings.count()
        continue
      }
      ctx.findings.add({
        file: m.file || result.file,
        line: m.line > 0 ? m.line : undefined,
        title: `${m.status === 'Survived' ? 'Surviving' : 'Uncovered'} mutant: ${m.mutatorName}`,
        message: `${m.mutatorName}${m.replacement ? ` → ${m.replacement}` : ''} ${m.status === 'Survived' ? 'survived: no test failed' : 'is not covered by any test'} (${result.file}).`,
        level: 'warning',
        kind: 'surviving-mutant'
      })
    }
    return {
      namespace: 'mutation',
      counts: mutationCounts(result.mutants, ctx.changedLines, ctx.root, ctx.pathMap)
    }
  }
}
