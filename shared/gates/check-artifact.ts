import type { ArtifactRequirement } from '../graph/index.js'
import type { CheckOutcome } from './outcome.js'
import type { EvidencePort } from './ports.js'

/**
 * An artifact requirement: the files exist, are filled in (not a copy of a template), meet their
 * frontmatter rules and are recent enough. The files are read by the port, never here.
 */
export async function checkArtifactRequirement(
  req: ArtifactRequirement,
  port: EvidencePort,
  at: { root: string; now: Date }
): Promise<CheckOutcome> {
  const result = await port.checkArtifact(req, at)
  const age =
    result.ageDays !== undefined && Number.isFinite(result.ageDays)
      ? { age_days: Math.floor(result.ageDays) }
      : undefined
  const expected = [
    req.min && req.min > 1 ? `at least ${req.min} files` : 'exists',
    'filled in (not a template)',
    ...(req.frontmatter ? ['frontmatter rules'] : []),
    ...(req.maxAgeDays !== undefined ? [`at most ${req.maxAgeDays} days old`] : [])
  ].join(', ')
  if (result.status === 'missing') {
    return {
      status: 'missing-evidence',
      check: req.path,
      expected,
      message:
        result.problems.length > 0
          ? result.problems.join(' ')
          : `${req.path} does not exist; create it from its template.`,
      evidence: result.files.length > 0 ? result.files : [req.path]
    }
  }
  if (result.status === 'failed') {
    return {
      status: 'failed',
      check: req.path,
      expected,
      ...(age ? { actual: age } : {}),
      message: result.problems.join(' ') || `${req.path} does not meet its rules.`,
      evidence: result.files
    }
  }
  return {
    status: 'passed',
    check: req.path,
    expected,
    ...(age ? { actual: age } : {}),
    message: `${result.files.join(', ')} present and filled in.`,
    evidence: result.files
  }
}
