import path from 'node:path'
import picomatch from 'picomatch'
import type { ArtifactRequirement, FrontmatterRules } from '../../graph/model.js'
import { EvidenceError, errorMessage } from '../../errors.js'
import { openEvidence, readWholeText } from '../evidence-file.js'
import { isGlob, normalisePattern, WorkspaceGlob } from '../../glob.js'
import type { EvidenceOptions } from '../types.js'
import { parseFrontmatter } from './frontmatter.js'
import { lastChanged } from './git-age.js'
import { findPlaceholders, placeholdersInData } from './placeholders.js'

export const DEFAULT_MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
/** Template paragraphs shorter than this are headings or boilerplate that may fairly stay. */
const MIN_TEMPLATE_PARAGRAPH = 40

export interface ArtifactCheck {
  status: 'passed' | 'failed' | 'missing'
  files: string[]
  /** Each names the file and what to fix. */
  problems: string[]
  /** Age in days of the oldest matched file, when maxAgeDays was asked for. */
  ageDays?: number
}

/** A file whose name says it is a template (ADR_TEMPLATE.md) is a template, never the artifact. */
export function isTemplateName(file: string): boolean {
  return /template/i.test(path.posix.basename(file))
}

interface LoadedDoc {
  file: string
  absolute: string
  text: string
}

async function loadDoc(root: string, file: string, maxBytes: number): Promise<LoadedDoc> {
  const opened = await openEvidence(root, file, maxBytes)
  const text = await readWholeText(opened, maxBytes)
  return { file: opened.display, absolute: opened.absolute, text }
}

/**
 * Checks a document artifact: enough files match its path or glob, each one's frontmatter follows
 * the rules, no placeholders are left (adr-XXXX, YYYY-MM-DD, [date], TODO), it is not a copy of
 * its template nor keeps the template's paragraphs, and it is recent enough (git history, else
 * mtime). Files named like templates (ADR_TEMPLATE.md), in the matches or in the artifacts'
 * folder, are not counted as artifacts but compared against, as are `template` and templatePaths.
 */
export async function checkArtifact(
  req: ArtifactRequirement,
  opts: EvidenceOptions & { templatePaths?: string[] }
): Promise<ArtifactCheck> {
  const maxBytes = Math.min(opts.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MAX_DOCUMENT_BYTES)
  const problems: string[] = []
  const pattern = normalisePattern(req.path)
  const min = req.min ?? 1
  let matched: string[]
  const glob = new WorkspaceGlob(opts.root)
  try {
    matched = isGlob(pattern) ? glob.match(pattern) : [pattern]
  } catch (error) {
    return { status: 'failed', files: [], problems: [errorMessage(error)] }
  }
  const templateFiles = new Set<string>([
    ...(req.template ? [normalisePattern(req.template)] : []),
    ...(opts.templatePaths ?? []).map(normalisePattern)
  ])
  for (const m of matched) if (isTemplateName(m)) templateFiles.add(m)
  // Templates beside the artifacts (artifacts/adr/ADR_TEMPLATE.md next to artifacts/adr/ADR-*.md).
  const folder = isGlob(pattern) ? picomatch.scan(pattern).base : path.posix.dirname(pattern)
  try {
    for (const f of glob.match(folder === '' || folder === '.' ? '*' : `${folder}/*`))
      if (isTemplateName(f)) templateFiles.add(f)
  } catch {
    /* a folder outside the workspace was already reported through the artifact path */
  }
  const candidates = matched.filter((m) => !isTemplateName(m) && !templateFiles.has(m))

  const docs: LoadedDoc[] = []
  for (const file of candidates) {
    try {
      docs.push(await loadDoc(opts.root, file, maxBytes))
    } catch (error) {
      if (error instanceof EvidenceError && error.problem === 'missing' && !isGlob(pattern))
        continue
      problems.push(errorMessage(error))
    }
  }
  if (docs.length < min) {
    const what = isGlob(pattern)
      ? `${req.path} matches ${docs.length} document${docs.length === 1 ? '' : 's'}`
      : `${req.path} does not exist`
    const template = [...templateFiles].sort()[0]
    const how = template
      ? `Create it from ${template} and fill it in.`
      : 'Create it and fill it in.'
    problems.unshift(
      `${what}; at least ${min} needed${templateFiles.size > 0 && isGlob(pattern) ? ' (templates do not count)' : ''}. ${how}`
    )
    return { status: 'missing', files: docs.map((d) => d.file), problems }
  }

  const templates: LoadedDoc[] = []
  for (const t of templateFiles) {
    try {
      templates.push(await loadDoc(opts.root, t, maxBytes))
    } catch (error) {
      if (!(error instanceof EvidenceError && error.problem === 'missing'))
        problems.push(`template ${errorMessage(error)}`)
    }
  }

  let oldest: number | undefined
  const now = (opts.now ?? new Date()).getTime()
  for (const doc of docs) {
    problems.push(...checkDocument(doc, req.frontmatter, templates))
    if (req.maxAgeDays !== undefined) {
      const { time, source, problem } = await lastChanged(opts.root, doc.file, doc.absolute)
      if (problem) {
        problems.push(problem)
        continue
      }
      const age = (now - time.getTime()) / 86_400_000
      oldest = oldest === undefined ? age : Math.max(oldest, age)
      if (age > req.maxAgeDays) {
        problems.push(
          `${doc.file} was last changed ${Math.floor(age)} days ago (${source === 'git' ? 'git history' : 'file time'}), over the ${req.maxAgeDays} days allowed; review and update it.`
        )
      }
    }
  }
  return {
    status: problems.length === 0 ? 'passed' : 'failed',
    files: docs.map((d) => d.file),
    problems,
    ...(oldest !== undefined ? { ageDays: Math.max(0, oldest) } : {})
  }
}

function checkDocument(
  doc: LoadedDoc,
  rules: FrontmatterRules | undefined,
  templates: LoadedDoc[]
): string[] {
  const problems: string[] = []
  let data: Record<string, unknown> | undefined
  let body: string
  try {
    const fm = parseFrontmatter(doc.text, doc.file)
    data = fm.data
    body = fm.body
  } catch (error) {
    return [errorMessage(error)]
  }
  if (
    rules &&
    (rules.required?.length || rules.allowed || rules.dates?.length) &&
    data === undefined
  ) {
    problems.push(
      `${doc.file} has no YAML frontmatter; add a --- block with ${[...(rules.required ?? []), ...(rules.dates ?? [])].join(', ') || 'the required keys'}.`
    )
  } else if (rules && data) {
    for (const key of rules.required ?? []) {
      if (isEmpty(data[key]))
        problems.push(`${doc.file}: frontmatter key "${key}" is missing or empty; fill it in.`)
    }
    for (const [key, allowed] of Object.entries(rules.allowed ?? {})) {
      const value = data[key]
      if (value === undefined) continue
      if (!allowed.some((a) => String(a).toLowerCase() === String(value).toLowerCase())) {
        problems.push(
          `${doc.file}: frontmatter "${key}" is "${String(value)}"; allowed: ${allowed.map((a) => JSON.stringify(a)).join(', ')}.`
        )
      }
    }
    for (const key of rules.dates ?? []) {
      const value = data[key]
      if (value === undefined) continue
      if (!isRealDate(value))
        problems.push(
          `${doc.file}: frontmatter "${key}" is "${String(value)}", not a real date (YYYY-MM-DD).`
        )
    }
  }
  const inData = placeholdersInData(data ?? {})
  const inBody = findPlaceholders(body)
  if (inData.length > 0 || inBody.length > 0) {
    const list = [...inData.map((p) => `${p.placeholder} (in ${p.key})`), ...inBody].slice(0, 5)
    problems.push(
      `${doc.file} still holds template placeholders: ${list.join(', ')}; replace them with real values.`
    )
  }
  for (const t of templates) {
    if (normalise(t.text) === normalise(doc.text)) {
      problems.push(`${doc.file} is an unchanged copy of the template ${t.file}; fill it in.`)
      continue
    }
    const kept = templateParagraphsKept(t.text, body)
    if (kept.length > 0) {
      const first = kept[0].length > 70 ? `${kept[0].slice(0, 70)}…` : kept[0]
      problems.push(
        `${doc.file} keeps ${kept.length} paragraph${kept.length === 1 ? '' : 's'} of template text from ${t.file} (first: "${first}"); replace it with the real content.`
      )
    }
  }
  return problems
}

function isEmpty(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    (typeof v === 'string' && v.trim() === '') ||
    (Array.isArray(v) && v.length === 0)
  )
}

export function isRealDate(v: unknown): boolean {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false
  const d = new Date(`${v}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v)
}

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** Template body paragraphs (not headings, long enough to be instructions) found verbatim. */
function templateParagraphsKept(templateText: string, body: string): string[] {
  let templateBody = templateText
  try {
    templateBody = parseFrontmatter(templateText, 'template').body
  } catch {
    /* a template with broken frontmatter is compared whole */
  }
  const target = normalise(body)
  return templateBody
    .split(/\n\s*\n/)
    .map(normalise)
    .filter((p) => p.length >= MIN_TEMPLATE_PARAGRAPH && !p.startsWith('#'))
    .filter((p) => target.includes(p))
}
