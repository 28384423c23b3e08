import { errorMessage } from '../../errors.js'
import { openEvidence, readWholeText } from '../evidence-file.js'
import type { EvidenceOptions } from '../types.js'
import { parseFrontmatter } from './frontmatter.js'

const MAX_INSTRUCTION_BYTES = 1024 * 1024

/**
 * Seed 003's check of `*.instructions.md`: YAML frontmatter with `applyTo` (a glob string or a
 * list of glob strings) and a non-empty `description`. Returns the problems (empty when valid);
 * a file that cannot be read is reported as a problem too.
 */
export async function checkInstructionFile(file: string, opts: EvidenceOptions): Promise<string[]> {
  let text: string
  let display: string
  try {
    const opened = await openEvidence(opts.root, file, Math.min(opts.maxBytes ?? MAX_INSTRUCTION_BYTES, MAX_INSTRUCTION_BYTES))
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
    return [`${display} has no YAML frontmatter; add applyTo: "**/*.ts" and description: "..." between --- lines.`]
  }
  const problems: string[] = []
  const applyTo = data.applyTo
  if (applyTo === undefined || applyTo === null) {
    problems.push(`${display}: missing applyTo; add applyTo: "**/*.py" (a glob or a list of globs).`)
  } else if (typeof applyTo === 'string') {
    if (applyTo.trim() === '') problems.push(`${display}: applyTo is empty; give a glob such as "**/*.py".`)
  } else if (Array.isArray(applyTo)) {
    if (applyTo.length === 0 || applyTo.some((g) => typeof g !== 'string' || g.trim() === '')) {
      problems.push(`${display}: applyTo must be a string or a non-empty list of non-empty strings.`)
    }
  } else {
    problems.push(`${display}: applyTo is a ${typeof applyTo}; use a string or a list of strings.`)
  }
  const description = data.description
  if (description === undefined || description === null) {
    problems.push(`${display}: missing description; add description: "what these instructions cover".`)
  } else if (typeof description !== 'string' || description.trim() === '') {
    problems.push(`${display}: description must be a non-empty string.`)
  }
  return problems
}
