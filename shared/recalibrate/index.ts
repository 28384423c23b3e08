import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { workspaceRelative, writeFileInside } from '../safe-path.js'
import { renderDashboard } from './dashboard.js'
import { applyProposals, stampCalibration } from './proposals.js'
import type { Recalibration } from './recalibrate.js'
import { renderProgress } from './render.js'
import { writeJsonInside } from '../report/write.js'

export * from './analysis.js'
export * from './history.js'
export * from './proposals.js'
export * from './recalibrate.js'
export {
  renderSummary,
  renderPullRequestBody,
  renderProgress,
  PR_MARKER,
  fmtHours
} from './render.js'
export { renderDashboard, trendChart } from './dashboard.js'

export const DEFAULT_PROGRESS_PATH = 'PROGRESS.md'

export interface WrittenOutputs {
  dashboard: string
  progress: string
  json: string
  /** Repository files changed (graph, baseline, PROGRESS.md), workspace-relative; empty on a dry run. */
  changed: string[]
}

/**
 * Writes the dashboard, PROGRESS.md and recalibration.json into outDir (for the artifact) and,
 * unless it is a dry run, the proposals into the graph and baseline.json plus PROGRESS.md into
 * the repository. A dry run changes no file of the repository.
 */
export function writeOutputs(
  r: Recalibration,
  opts: {
    root: string
    outDir: string
    graphPath: string
    baselinePath?: string
    progressPath?: string
    dryRun: boolean
  }
): WrittenOutputs {
  mkdirSync(opts.outDir, { recursive: true })
  const dashboard = path.join(opts.outDir, 'dashboard.html')
  const progressText = renderProgress(r)
  const progress = path.join(opts.outDir, 'PROGRESS.md')
  const json = path.join(opts.outDir, 'recalibration.json')
  // Every write refuses a symlink on its path (in the repository one may be committed).
  writeFileInside(opts.outDir, 'dashboard.html', renderDashboard(r), 'dashboard')
  writeFileInside(opts.outDir, 'PROGRESS.md', progressText, 'progress file')
  writeJsonInside(opts.outDir, 'recalibration.json', r, 'recalibration file')
  const changed: string[] = []
  if (!opts.dryRun) {
    const today = r.generatedAt.slice(0, 10)
    changed.push(...applyProposals(opts.root, opts.graphPath, r.proposals, today))
    if (changed.length > 0 && !r.proposals.some((p) => p.kind === 'baseline' && p.writable))
      changed.push(stampCalibration(opts.root, opts.baselinePath, today))
    const target = writeFileInside(
      opts.root,
      opts.progressPath && opts.progressPath.trim() !== ''
        ? opts.progressPath
        : DEFAULT_PROGRESS_PATH,
      progressText,
      'progress file'
    )
    changed.push(workspaceRelative(opts.root, target))
  }
  return { dashboard, progress, json, changed: [...new Set(changed)] }
}
