import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export type StarterName = 'verify' | 'recalibrate'

/**
 * The starter callers are the files in workflows/ themselves, read when `flow init` runs: from the
 * source tree (shared/init/templates -> ../../../workflows) or from the npm package, where the
 * bundle is dist/cli/index.js and package.json's "files" ships workflows/ beside dist/
 * (-> ../../workflows). One copy, so a change to a starter reaches init without a sync step.
 */
export function starterWorkflow(name: StarterName): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const candidates = [
    path.resolve(here, '../../../workflows'),
    path.resolve(here, '../../workflows')
  ]
  for (const dir of candidates) {
    const file = path.join(dir, `${name}.yml`)
    if (existsSync(file)) return readFileSync(file, 'utf8')
  }
  // Only a broken package gets here: say what is missing rather than write half a scaffold.
  throw new Error(
    `The starter workflow workflows/${name}.yml is not installed with this CLI (looked in ${candidates.join(', ')}); reinstall flow-actions.`
  )
}
