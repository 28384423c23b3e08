import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { parseFrontmatter } from '../evidence/documents/frontmatter.js'
import { lastChanged } from '../evidence/documents/git-age.js'
import { findPlaceholders, placeholdersInData } from '../evidence/documents/placeholders.js'
import { errorMessage } from '../errors.js'
import { globFiles } from '../glob.js'
import type { ArtifactRequirement } from '../graph/model.js'
import { resolveInWorkspace } from '../safe-path.js'
import { parseIsoDate } from './dates.js'
import type { ArtifactCheck } from './ports.js'

const MAX_ARTIFACT_BYTES = 4 * 1024 * 1024
const DAY_MS = 86_400_000

/**
 * An artifact requirement holds when enough files match, and each one is filled in: no template
 * placeholders (adr-XXXX, YYYY-MM-DD, TODO...) in its frontmatter or text, not a copy of its
 * template, its frontmatter rules hold, and it is not older than maxAgeDays (from git history,
 * else the file's modification time). Every problem names the file.
 */
export async function checkArtifactFiles(req: ArtifactRequirement, opts: { root: string; now: Date; templatePaths: string[] }): Promise<ArtifactCheck> {
  const templates = new Set(opts.templatePaths.map((t) => t.replace(/\\/g, '/').replace(/^\.\//, '')))
  let files: string[]
  try {
    files = globFiles(opts.root, req.path).filter((f) => !templates.has(f) && !/template/i.test(path.posix.basename(f)))
  } catch (error) {
    return { status: 'missing', files: [], problems: [`${req.path}: ${errorMessage(error)}`] }
  }
  const min = req.min ?? 1
  if (files.length < min) {
    return {
      status: 'missing',
      files,
      problems: [
        files.length === 0
          ? `${req.path} does not exist${templates.size > 0 ? `; create it from ${[...templates][0]} and fill it in` : ''}.`
          : `${req.path} matches ${files.length} file(s); at least ${min} are required.`
      ]
    }
  }
  const problems: string[] = []
  let oldest: number | undefined
  for (const file of files) {
    const abs = resolveInWorkspace(opts.root, file, 'artifact')
    const size = statSync(abs).size
    if (size === 0) {
      problems.push(`${file} is empty.`)
      continue
    }
    if (size > MAX_ARTIFACT_BYTES) {
      problems.push(`${file} is ${size} bytes, over the ${MAX_ARTIFACT_BYTES}-byte limit for an artifact.`)
      continue
    }
    const text = readFileSync(abs, 'utf8')
    problems.push(...contentProblems(file, text, req, opts.root, templates))
    if (req.maxAgeDays !== undefined) {
      const changed = await lastChanged(opts.root, file, abs)
      const age = (opts.now.getTime() - changed.time.getTime()) / DAY_MS
      oldest = Math.max(oldest ?? 0, age)
      if (age > req.maxAgeDays) problems.push(`${file} was last changed ${Math.floor(age)} days ago (${changed.source}); it must be at most ${req.maxAgeDays} days old.`)
    }
  }
  return { status: problems.length > 0 ? 'failed' : 'passed', files, problems, ...(oldest !== undefined ? { ageDays: oldest } : {}) }
}

function contentProblems(file: string, text: string, req: ArtifactRequirement, root: string, templates: Set<string>): string[] {
  const out: string[] = []
  let data: Record<string, unknown> | undefined
  try {
    data = parseFrontmatter(text, file).data
  } catch (error) {
    return [errorMessage(error)]
  }
  const inData = data ? placeholdersInData(data) : []
  if (inData.length > 0) {
    out.push(`${file} is an unfilled template: frontmatter ${inData.slice(0, 4).map((p) => `${p.key} = ${p.placeholder}`).join(', ')}.`)
  } else {
    const inText = findPlaceholders(text)
    if (inText.length > 0) out.push(`${file} is an unfilled template: it still contains ${inText.slice(0, 4).join(', ')}.`)
  }
  for (const t of templates) {
    try {
      const tpl = readFileSync(resolveInWorkspace(root, t, 'template'), 'utf8')
      if (normalise(tpl) === normalise(text)) out.push(`${file} is an unchanged copy of ${t}.`)
    } catch {
      /* a template that cannot be read cannot be compared */
    }
  }
  const rules = req.frontmatter
  if (rules) {
    if (!data) {
      out.push(`${file} has no YAML frontmatter, but the requirement checks ${Object.keys(rules).join(', ')} in it.`)
      return out
    }
    for (const key of rules.required ?? []) {
      const v = data[key]
      if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0)) {
        out.push(`${file}: frontmatter "${key}" is missing or empty.`)
      }
    }
    for (const [key, allowed] of Object.entries(rules.allowed ?? {})) {
      const v = data[key]
      if (!allowed.some((a) => a === v)) out.push(`${file}: frontmatter "${key}" is ${v === undefined ? 'not set' : JSON.stringify(v)}; allowed: ${allowed.map((a) => JSON.stringify(a)).join(', ')}.`)
    }
    for (const key of rules.dates ?? []) {
      const v = data[key]
      if (typeof v !== 'string' || !parseIsoDate(v)) out.push(`${file}: frontmatter "${key}" is ${v === undefined ? 'not set' : JSON.stringify(v)}, not a date written YYYY-MM-DD.`)
    }
  }
  return out
}

function normalise(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/\s+$/g, '').trim()
}
