import { isTestFile } from '../change/metrics.js'
import type { Change } from '../change/model.js'
import type { PullRequestFacts } from './pull-request.js'

export interface ChangeSize {
  /** Lines added plus lines deleted, as GitHub's "+120 −30" adds up. */
  lines: number
  /** Test files the change deletes lines from: such a change is never "small". */
  testDeletions: Array<{ file: string; deletions: number }>
}

const count = (n: number) => (Number.isFinite(n) && n > 0 ? n : 0)

function sizeOf(
  files: Array<{ path: string; previousPath?: string; additions: number; deletions: number }>
): ChangeSize {
  return {
    lines: files.reduce((sum, f) => sum + count(f.additions) + count(f.deletions), 0),
    testDeletions: files
      .filter(
        (f) =>
          count(f.deletions) > 0 &&
          (isTestFile(f.path) || (f.previousPath !== undefined && isTestFile(f.previousPath)))
      )
      .map((f) => ({ file: f.path, deletions: count(f.deletions) }))
  }
}

/**
 * The size of the change for min_changed_lines. Deleted lines count as much as added ones, so a
 * change that removes 800 lines of tests is not a 0-line change. Unknown size (no diff, an API
 * failure) is undefined, which leaves the rule in force.
 */
export async function changeSize(
  change: Change | undefined,
  changed: Map<string, Set<number>> | undefined,
  facts: PullRequestFacts | undefined
): Promise<ChangeSize | undefined> {
  if (change) return sizeOf(change.files)
  if (facts?.hasApi) {
    try {
      return sizeOf(
        (await facts.files()).map((f) => ({
          path: f.filename,
          additions: f.additions,
          deletions: f.deletions
        }))
      )
    } catch {
      // fall through to the diff's lines, else unknown
    }
  }
  if (changed) {
    // Changed lines alone (no deletions known): the added and modified lines.
    let n = 0
    for (const lines of changed.values()) n += lines.size
    return { lines: n, testDeletions: [] }
  }
  return undefined
}

/** Why a change below min_changed_lines is still not exempt, or undefined when it is. */
export function notExemptBecause(size: ChangeSize): string | undefined {
  if (size.testDeletions.length === 0) return undefined
  const total = size.testDeletions.reduce((sum, f) => sum + f.deletions, 0)
  const files = size.testDeletions
    .slice(0, 5)
    .map((f) => `${f.file} (−${f.deletions})`)
    .join(', ')
  return `Not exempt as a small change: it deletes ${total} line(s) in test files (${files}${size.testDeletions.length > 5 ? ', …' : ''}), and deleting tests is never a small change.`
}
