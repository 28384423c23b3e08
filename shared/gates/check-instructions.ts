import { existsSync } from 'node:fs'
import {
  checkCopilotInstructions,
  checkInstructionFile
} from '../evidence/documents/instructions.js'
import { globFiles, WorkspaceGlob } from '../glob.js'
import type { InstructionsRequirement } from '../graph/model.js'
import { resolveInWorkspace } from '../safe-path.js'
import type { CheckOutcome } from './outcome.js'

/** Copilot's repository-wide instructions: checked with every instructions requirement when present. */
export const COPILOT_INSTRUCTIONS = '.github/copilot-instructions.md'

const EXPECTED =
  'each file has frontmatter applyTo (valid globs, each matching a file) and a non-empty description'

/**
 * Seed 003's instruction files: every file the glob matches needs YAML frontmatter with applyTo
 * (a glob or list of globs, each valid and matching at least one repository file) and a
 * non-empty description; .github/copilot-instructions.md, when present, must be readable and not
 * empty. A glob that matches no file is missing evidence: a requirement on instruction files
 * that do not exist proves nothing.
 */
export async function checkInstructions(
  req: InstructionsRequirement,
  ctx: { root: string }
): Promise<CheckOutcome> {
  const check = req.glob
  const matched = globFiles(ctx.root, req.glob)
  if (matched.length === 0) {
    // Fail closed: a glob that matches nothing is evidence that is missing (or a typo), even when
    // .github/copilot-instructions.md exists.
    return {
      status: 'missing-evidence',
      check,
      expected: EXPECTED,
      message: `No instruction file matches ${req.glob}; add one (frontmatter applyTo: "**/*.ts" and description: "...") or fix the glob.`,
      evidence: [req.glob]
    }
  }
  // The repository-wide file has no applyTo (it applies everywhere): it gets its own check, when
  // present, whether or not the glob names it.
  const files = matched.filter((f) => f !== COPILOT_INSTRUCTIONS)
  const copilot = existsSync(resolveInWorkspace(ctx.root, COPILOT_INSTRUCTIONS, 'path'))
  // One walk of the repository serves every applyTo glob of every file.
  const repository = new WorkspaceGlob(ctx.root, 'configuration')
  const problems: string[] = []
  const broken: string[] = []
  for (const file of files) {
    const found = await checkInstructionFile(file, { root: ctx.root, repository })
    if (found.length > 0) broken.push(file)
    problems.push(...found)
  }
  if (copilot) {
    const found = await checkCopilotInstructions(COPILOT_INSTRUCTIONS, { root: ctx.root })
    if (found.length > 0) broken.push(COPILOT_INSTRUCTIONS)
    problems.push(...found)
  }
  const all = copilot ? [...files, COPILOT_INSTRUCTIONS] : files
  if (problems.length > 0) {
    return {
      status: 'failed',
      check,
      expected: EXPECTED,
      actual: { 'instructions.invalid': broken.length, 'instructions.files': all.length },
      message: problems.join(' '),
      evidence: [...broken, ...all.filter((f) => !broken.includes(f))]
    }
  }
  return {
    status: 'passed',
    check,
    expected: EXPECTED,
    actual: { 'instructions.files': all.length },
    message: `${all.length} instruction file(s) valid: ${all.join(', ')}.`,
    evidence: all
  }
}
