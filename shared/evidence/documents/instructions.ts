import { existsSync } from 'node:fs'
import picomatch from 'picomatch'
import { errorMessage } from '../../errors.js'
import { isGlob, normalisePattern, WorkspaceGlob } from '../../glob.js'
import { resolveInWorkspace } from '../../safe-path.js'
import { openEvidence, readWholeText } from '../evidence-file.js'
import type { EvidenceOptions } from '../types.js'
import { parseFrontmatter } from './frontmatter.js'

const MAX_INSTRUCTION_BYTES = 1024 * 1024

/**
 * Seed 003's check of `*.instructions.md`: YAML frontmatter with `applyTo` (a glob string or a
 * list of glob strings) and a non-empty `description`. Returns the problems (empty when valid);
 * a file that cannot be read is reported as a problem too.
 */
export interface InstructionCheckOptions extends EvidenceOptions {
  /**
   * When given, each applyTo glob must also be a valid glob that matches at least one file of
   * the repository (the gate and validate-graph pass one; the walk is cached across files).
   */
  repository?: WorkspaceGlob
}

export async function checkInstructionFile(
  file: string,
  opts: InstructionCheckOptions
): Promise<string[]> {
  let text: string
  let display: string
  try {
    const opened = await openEvidence(
      opts.root,
      file,
      Math.min(opts.maxBytes ?? MAX_INSTRUCTION_BYTES, MAX_INSTRUCTION_BYTES)
    )
    display = opened.display
    text = await readWholeText(opened, MAX_INSTRUCTION_BYTES)
  } catch (error) {
    return [errorMessage(error)]
  }
  let data: Record<string, unknown> | undefined
  try {
    data = parseFrontmatter(text, display).data
  } catch (error) {
    return [errorMessage(error)]
  }
  if (data === undefined) {
    return [
      `${display} has no YAML frontmatter; add applyTo: "**/*.ts" and description: "..." between --- lines.`
    ]
  }
  const problems: string[] = []
  const applyTo = data.applyTo
  if (applyTo === undefined || applyTo === null) {
    problems.push(
      `${display}: missing applyTo; add applyTo: "**/*.py" (a glob or a list of globs).`
    )
  } else if (typeof applyTo === 'string') {
    if (applyTo.trim() === '')
      problems.push(`${display}: applyTo is empty; give a glob such as "**/*.py".`)
    else if (opts.repository)
      problems.push(...applyToProblems(display, splitApplyTo(applyTo), opts.root, opts.repository))
  } else if (Array.isArray(applyTo)) {
    if (applyTo.length === 0 || applyTo.some((g) => typeof g !== 'string' || g.trim() === '')) {
      problems.push(
        `${display}: applyTo must be a string or a non-empty list of non-empty strings.`
      )
    } else if (opts.repository) {
      problems.push(
        ...applyToProblems(
          display,
          (applyTo as string[]).flatMap(splitApplyTo),
          opts.root,
          opts.repository
        )
      )
    }
  } else {
    problems.push(`${display}: applyTo is a ${typeof applyTo}; use a string or a list of strings.`)
  }
  const description = data.description
  if (description === undefined || description === null) {
    problems.push(
      `${display}: missing description; add description: "what these instructions cover".`
    )
  } else if (typeof description !== 'string' || description.trim() === '') {
    problems.push(`${display}: description must be a non-empty string.`)
  }
  return problems
}

// Copilot reads a string applyTo with commas ("src/a.ts,src/b.ts") as several globs; commas
// inside {a,b} belong to the glob itself.
export function splitApplyTo(text: string): string[] {
  const out: string[] = []
  let depth = 0
  let current = ''
  for (const ch of text) {
    if (ch === '{') depth++
    else if (ch === '}' && depth > 0) depth--
    if (ch === ',' && depth === 0) {
      out.push(current)
      current = ''
    } else current += ch
  }
  out.push(current)
  return out.map((g) => g.trim()).filter((g) => g !== '')
}

function applyToProblems(
  display: string,
  globs: string[],
  root: string,
  repository: WorkspaceGlob
): string[] {
  const problems: string[] = []
  for (const glob of globs) {
    const shown = JSON.stringify(glob.slice(0, 200))
    try {
      // strictBrackets: an unclosed [ { ( is a typo, not a literal character.
      picomatch.makeRe(glob, { strictBrackets: true })
    } catch (error) {
      problems.push(`${display}: applyTo ${shown} is not a valid glob (${errorMessage(error)}).`)
      continue
    }
    let matched: boolean
    try {
      const pattern = normalisePattern(glob)
      matched = isGlob(pattern)
        ? repository.match(pattern).length > 0
        : existsSync(resolveInWorkspace(root, pattern, 'applyTo path'))
    } catch (error) {
      problems.push(`${display}: applyTo ${shown}: ${errorMessage(error)}`)
      continue
    }
    if (!matched)
      problems.push(
        `${display}: applyTo ${shown} matches no file in the repository; fix the glob or remove it.`
      )
  }
  return problems
}

const COPILOT_MAX_BYTES = 1024 * 1024

/**
 * `.github/copilot-instructions.md`, the repository-wide instructions, when present: readable,
 * not empty, and any frontmatter it has is valid YAML. It needs no applyTo (it applies everywhere).
 */
export async function checkCopilotInstructions(
  file: string,
  opts: EvidenceOptions
): Promise<string[]> {
  let text: string
  let display: string
  try {
    const opened = await openEvidence(opts.root, file, COPILOT_MAX_BYTES)
    display = opened.display
    text = await readWholeText(opened, COPILOT_MAX_BYTES)
  } catch (error) {
    return [errorMessage(error)]
  }
  let body: string
  try {
    body = parseFrontmatter(text, display).body
  } catch (error) {
    return [errorMessage(error)]
  }
  if (body.trim() === '')
    return [`${display} is empty; write the repository-wide instructions or delete the file.`]
  return []
}
