import type { EvidenceDeclaration } from '../graph/model.js'
import { EvidenceError } from '../errors.js'
import { printable } from '../safe-path.js'
import { readLcov } from './coverage/lcov.js'
import { validateDeclaration } from './declarations.js'
import { detectFormat, FORMAT_NAMESPACE, normaliseFormat, type FormatName } from './detect.js'
import {
  DEFAULT_MAX_JSON_BYTES,
  DEFAULT_MAX_STREAM_BYTES,
  guardReader,
  openEvidence
} from './evidence-file.js'
import { DEFAULT_MAX_FINDINGS, FindingSink } from './findings.js'
import { isGlob, normalisePattern, WorkspaceGlob } from '../glob.js'
import { readHeadText } from './encoding.js'
import { checkProducedInRun, dropDuplicates } from './provenance.js'
import { readJUnit } from './junit.js'
import {
  combineCounts,
  finishMetrics,
  NAMESPACES,
  type Counts,
  type Namespace
} from './namespaces.js'
import { readPerf } from './perf.js'
import { lazyReader, type FormatReader, type ReadContext, type ReaderOutput } from './reader.js'
import { STREAMED_TEST_FORMATS, TEST_READERS } from './tests/index.js'
import { MORE_COVERAGE_READERS, STREAMED_COVERAGE_FORMATS } from './coverage/more-formats.js'
import type {
  EvidenceCollection,
  EvidenceFileResult,
  EvidenceOptions,
  EvidenceSetResult
} from './types.js'

const mutationReader = (format: FormatName): FormatReader =>
  lazyReader(async () => (await import('./mutation/index.js')).mutationReader(format))

export const READERS: Readonly<Record<FormatName, FormatReader>> = {
  junit: readJUnit,
  lcov: readLcov,
  cobertura: lazyReader(async () => (await import('./coverage/cobertura.js')).readCobertura),
  jacoco: lazyReader(async () => (await import('./coverage/jacoco.js')).readJacoco),
  'istanbul-summary': lazyReader(
    async () => (await import('./coverage/istanbul.js')).readIstanbulSummary
  ),
  'istanbul-final': lazyReader(
    async () => (await import('./coverage/istanbul.js')).readIstanbulFinal
  ),
  stryker: mutationReader('stryker'),
  pit: mutationReader('pit'),
  'mutmut-meta': mutationReader('mutmut-meta'),
  'mutmut-stats': mutationReader('mutmut-stats'),
  sarif: lazyReader(async () => (await import('./sarif.js')).readSarif),
  'cyclonedx-json': lazyReader(async () => (await import('./sbom/cyclonedx.js')).readCycloneDxJson),
  'cyclonedx-xml': lazyReader(async () => (await import('./sbom/cyclonedx.js')).readCycloneDxXml),
  'spdx-json': lazyReader(async () => (await import('./sbom/spdx.js')).readSpdxJson),
  k6: (o, c) => readPerf(o, c, true),
  'perf-json': (o, c) => readPerf(o, c, false),
  ...TEST_READERS,
  ...MORE_COVERAGE_READERS
}

const XML_OR_LINES = new Set<FormatName>([
  'junit',
  'lcov',
  'cobertura',
  'jacoco',
  'pit',
  'cyclonedx-xml',
  ...STREAMED_TEST_FORMATS,
  ...STREAMED_COVERAGE_FORMATS
])

interface FileReading {
  result: EvidenceFileResult
  output: ReaderOutput
}

/**
 * Reads one evidence file of a declaration: opens it inside the workspace, checks age, detects
 * (or takes) its format, checks the format feeds the declared namespace, and runs its reader.
 * Throws only EvidenceError.
 */
export async function readEvidenceFile(
  file: string,
  decl: Pick<
    EvidenceDeclaration,
    'name' | 'format' | 'maxAgeHours' | 'denyLicenses' | 'pathMap' | 'retries'
  >,
  opts: EvidenceOptions,
  findings: FindingSink
): Promise<FileReading> {
  return guardReader(printable(file), async () => {
    const opened = await openEvidence(opts.root, file, opts.maxBytes ?? DEFAULT_MAX_STREAM_BYTES)
    let format: FormatName | undefined
    try {
      if (decl.maxAgeHours !== undefined) {
        const { mtimeMs } = await opened.handle.stat()
        await checkProducedInRun(opts.root, opened.display, mtimeMs, decl.name, opts.runStartedAt)
        const ageHours = ((opts.now ?? new Date()).getTime() - mtimeMs) / 3_600_000
        if (ageHours > decl.maxAgeHours) {
          throw new EvidenceError(
            opened.display,
            'stale',
            `is ${ageHours.toFixed(1)} hours old, older than the ${decl.maxAgeHours} hours allowed for "${decl.name}"; regenerate it in this run.`
          )
        }
      }
      // Decoding the head names an encoding problem (UTF-32, UTF-16 without a BOM) before detection.
      const head = await readHeadText(opened)
      format =
        decl.format !== undefined
          ? normaliseFormat(decl.format)
          : detectFormat(opened.display, head.text)
      if (!format) {
        throw new EvidenceError(
          opened.display,
          'unsupported',
          `is in no format flow-actions recognises; set "format:" on evidence "${decl.name}" if it is one of the supported ones.`
        )
      }
      // XML is streamed through xml-stream, which decodes UTF-16 and declared encodings; the
      // JSON and line formats are read as UTF-8.
      if (head.encoding.label !== 'utf-8' && !head.text.trimStart().startsWith('<')) {
        throw new EvidenceError(
          opened.display,
          'unsupported',
          `is ${head.encoding.label.toUpperCase()} text; ${format} is read as UTF-8 only. Re-save the file as UTF-8.`
        )
      }
      const ns = FORMAT_NAMESPACE[format]
      if ((NAMESPACES as readonly string[]).includes(decl.name) && decl.name !== ns) {
        throw new EvidenceError(
          opened.display,
          'unsupported',
          `is ${format} (${ns} evidence) but is declared under "${decl.name}".`
        )
      }
      const cap =
        opts.maxBytes ??
        (XML_OR_LINES.has(format) ? DEFAULT_MAX_STREAM_BYTES : DEFAULT_MAX_JSON_BYTES)
      if (opened.size > cap) {
        throw new EvidenceError(
          opened.display,
          'too-large',
          `is ${opened.size} bytes, over the ${cap}-byte limit for ${format}.`
        )
      }
    } catch (error) {
      await opened.handle.close()
      throw error
    }
    const ctx: ReadContext = {
      root: opts.root,
      maxBytes:
        opts.maxBytes ??
        (XML_OR_LINES.has(format) ? DEFAULT_MAX_STREAM_BYTES : DEFAULT_MAX_JSON_BYTES),
      findings,
      changedLines: opts.changedLines,
      ...(decl.pathMap ? { pathMap: decl.pathMap } : {}),
      deniedLicenses: decl.denyLicenses ?? opts.deniedLicenses,
      ...(decl.retries ? { retries: decl.retries } : {})
    }
    const output = await guardReader(opened.display, () => READERS[format](opened, ctx))
    const metrics: Record<string, number> = {}
    for (const [k, v] of finishMetrics(output.namespace, output.counts)) metrics[k] = v
    return {
      output,
      result: {
        file: opened.display,
        format,
        metrics,
        ...(output.coverageFiles ? { coverageFiles: output.coverageFiles } : {})
      }
    }
  })
}

/**
 * Collects every declaration's evidence. Bad evidence never throws: each problem is an
 * EvidenceError on its set and in `errors`. A namespace fed by a set with any error yields no
 * metrics at all, since counting the files that did read would turn 3 failing test files out of 4
 * into a pass. Throws ConfigurationError only for a declaration that is itself wrong.
 */
export async function collectEvidence(
  decls: EvidenceDeclaration[],
  opts: EvidenceOptions
): Promise<EvidenceCollection> {
  decls.forEach((d) => validateDeclaration(d, `evidence "${String(d.name)}"`))
  const glob = new WorkspaceGlob(opts.root)
  const max = opts.maxFindings ?? DEFAULT_MAX_FINDINGS
  const all = new FindingSink(max)
  const sets: EvidenceSetResult[] = []
  const errors: EvidenceError[] = []
  const totals = new Map<Namespace, Counts>()
  const sourceFiles = new Map<Namespace, string[]>()
  const poisoned = new Set<Namespace>()

  for (const decl of decls) {
    const sink = new FindingSink(max)
    const set: EvidenceSetResult = {
      declaration: decl,
      files: [],
      metrics: new Map(),
      findings: [],
      findingsTotal: 0,
      errors: []
    }
    const resolved = await dropDuplicates(opts.root, resolveFiles(decl, glob, set.errors))
    const files = resolved.files
    if (resolved.dropped.length > 0) set.duplicates = resolved.dropped
    for (const d of resolved.dropped) {
      // A warning, not an error: the report is still read, once. Counting it twice would let two
      // copies of a 2-test report satisfy tests.total >= 4.
      const message = `${d.file} is ${d.reason === 'same file' ? 'the same file as' : 'an identical copy of'} ${d.sameAs} (evidence "${decl.name}"); it was read once and this path was dropped.`
      if (sink.wants())
        sink.add({
          file: d.file,
          title: 'Duplicate evidence dropped',
          message,
          level: 'warning',
          kind: 'duplicate-evidence'
        })
      else sink.count()
    }
    const setCounts = new Map<Namespace, Counts>()
    for (const file of files) {
      try {
        const { result, output } = await readEvidenceFile(file, decl, opts, sink)
        set.files.push(result)
        const into = setCounts.get(output.namespace) ?? new Map()
        combineCounts(output.namespace, into, output.counts)
        setCounts.set(output.namespace, into)
        sourceFiles.set(output.namespace, [
          ...(sourceFiles.get(output.namespace) ?? []),
          result.file
        ])
      } catch (error) {
        set.errors.push(
          error instanceof EvidenceError
            ? error
            : new EvidenceError(file, 'unreadable', String(error))
        )
      }
    }
    if ((NAMESPACES as readonly string[]).includes(decl.name)) {
      if (!setCounts.has(decl.name as Namespace) && set.errors.length > 0)
        setCounts.set(decl.name as Namespace, new Map())
    }
    if (set.errors.length > 0) {
      for (const ns of setCounts.keys()) poisoned.add(ns)
    } else {
      for (const [ns, counts] of setCounts) {
        for (const [k, v] of finishMetrics(ns, counts)) set.metrics.set(k, v)
        const into = totals.get(ns) ?? new Map()
        combineCounts(ns, into, counts)
        totals.set(ns, into)
      }
    }
    set.findings = sink.kept
    set.findingsTotal = sink.total
    all.absorb(sink)
    errors.push(...set.errors)
    sets.push(set)
  }

  const metrics = new Map<string, number>()
  const sources = new Map<string, string[]>()
  for (const [ns, counts] of totals) {
    if (poisoned.has(ns)) continue
    for (const [k, v] of finishMetrics(ns, counts)) {
      metrics.set(k, v)
      sources.set(k, sourceFiles.get(ns) ?? [])
    }
  }
  return { metrics, sources, sets, errors, findings: all.kept, findingsTotal: all.total }
}

/** The files a declaration names; a path or glob that matches nothing is a 'missing' error. */
function resolveFiles(
  decl: EvidenceDeclaration,
  glob: WorkspaceGlob,
  errors: EvidenceError[]
): string[] {
  const include = decl.paths.filter((p) => !p.trim().startsWith('!'))
  const exclude = decl.paths
    .filter((p) => p.trim().startsWith('!'))
    .map((p) => normalisePattern(p.trim().slice(1)))
  const seen = new Set<string>()
  const out: string[] = []
  for (const raw of include) {
    const pattern = normalisePattern(raw)
    let matches: string[]
    if (isGlob(pattern)) {
      try {
        matches = glob.match(pattern)
      } catch (error) {
        errors.push(
          error instanceof EvidenceError
            ? error
            : new EvidenceError(printable(pattern), 'unreadable', String(error))
        )
        continue
      }
      if (exclude.length > 0)
        matches = matches.filter(
          (m) => !exclude.some((x) => (isGlob(x) ? glob.matches(x, m) : x === m))
        )
      if (matches.length === 0) {
        errors.push(
          new EvidenceError(
            printable(pattern),
            'missing',
            `matches no file for evidence "${decl.name}"; check the glob, or that the step producing it ran.`
          )
        )
        continue
      }
    } else {
      matches = [pattern]
    }
    for (const m of matches) {
      if (!seen.has(m)) {
        seen.add(m)
        out.push(m)
      }
    }
  }
  return out
}
