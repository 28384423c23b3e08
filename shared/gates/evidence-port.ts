import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { changeMetrics } from '../change/metrics.js'
import { changedLinesOf } from '../change/model.js'
import { collectEvidence } from '../evidence/collect.js'
import {
  loadEvidenceDeclarations,
  mergeEvidenceDeclarations,
  parseEvidenceOverrides
} from '../evidence/declarations.js'
import { parseFrontmatter } from '../evidence/documents/frontmatter.js'
import { errorMessage } from '../errors.js'
import { resolveInWorkspace } from '../safe-path.js'
import { checkArtifact } from '../evidence/documents/artifact.js'
import type { CollectedEvidence, EvidencePort } from './ports.js'

const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024

/** The real evidence readers of shared/evidence, behind the engine's port. */
export const evidencePort: EvidencePort = {
  async collect({
    root,
    policyRoot,
    graphDeclarations,
    overrides,
    now,
    changedLines,
    change,
    changeProblem,
    maxFindings
  }): Promise<CollectedEvidence> {
    const base = loadEvidenceDeclarations(policyRoot ?? root, graphDeclarations)
    const decls =
      overrides && overrides.trim() !== ''
        ? mergeEvidenceDeclarations(base, parseEvidenceOverrides(overrides))
        : base
    const c = await collectEvidence(decls, {
      root,
      now,
      changedLines: changedLines ?? (change ? changedLinesOf(change) : undefined),
      maxFindings
    })
    if (change) {
      for (const [k, v] of changeMetrics(change)) {
        c.metrics.set(k, v)
        c.sources.set(k, [change.description])
      }
    }
    const problem = (e: { file: string; problem: string; message: string; line?: number }) => ({
      file: e.file,
      problem: e.problem,
      message: e.message,
      ...(e.line ? { line: e.line } : {})
    })
    return {
      metrics: c.metrics,
      sources: c.sources,
      sets: c.sets.map((s) => ({
        declaration: s.declaration,
        files: s.files,
        errors: s.errors.map(problem)
      })),
      errors: c.errors.map(problem),
      findings: c.findings,
      findingsTotal: c.findingsTotal,
      ...(change
        ? { change: { description: change.description, notes: change.notes } }
        : changeProblem
          ? { change: { problem: changeProblem } }
          : {})
    }
  },
  checkArtifact: (req, opts) =>
    checkArtifact(req, {
      root: opts.root,
      now: opts.now,
      templatePaths: templatesBeside(opts.root, req.path, req.template)
    }),
  readFrontmatter(root, file) {
    try {
      const abs = resolveInWorkspace(root, file, 'sign-off file')
      let size: number
      try {
        size = statSync(abs).size
      } catch {
        return {
          problem: `${file} does not exist; record the sign-off there (frontmatter between --- lines).`
        }
      }
      if (size > MAX_DOCUMENT_BYTES)
        return { problem: `${file} is ${size} bytes, over the ${MAX_DOCUMENT_BYTES}-byte limit.` }
      const { data } = parseFrontmatter(readFileSync(abs, 'utf8'), file)
      return data
        ? { data }
        : {
            problem: `${file} has no YAML frontmatter; start it with --- lines holding the sign-off keys.`
          }
    } catch (error) {
      return { problem: errorMessage(error) }
    }
  }
}

/** Templates the artifact must not merely copy: the declared one and *TEMPLATE* files beside it. */
function templatesBeside(root: string, artifactPath: string, declared?: string): string[] {
  const out = new Set<string>()
  if (declared) out.add(declared)
  const dir = path.posix.dirname(artifactPath.replace(/\\/g, '/'))
  if (/[*?[{]/.test(dir)) return [...out]
  try {
    const abs = resolveInWorkspace(root, dir === '' ? '.' : dir, 'artifact folder')
    if (existsSync(abs)) {
      for (const name of readdirSync(abs))
        if (/template/i.test(name)) out.add(dir === '.' ? name : `${dir}/${name}`)
    }
  } catch {
    /* a folder outside the workspace is refused by the artifact check itself */
  }
  return [...out]
}
