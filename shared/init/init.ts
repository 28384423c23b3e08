import { existsSync, readFileSync } from 'node:fs'
import { resolveForWrite, writeFileInside } from '../safe-path.js'
import {
  ADR_TEMPLATE,
  firstAdr,
  isFirstAdr,
  POSTMORTEM_TEMPLATE,
  RFC_TEMPLATE,
  RUN_PLAN_TEMPLATE,
  THREAT_MODEL_TEMPLATE
} from './templates/artifacts.js'
import type { UsesRef } from './package-info.js'
import { DEFAULT_GRAPH_PATH } from '../graph/model.js'
import { BASELINE_JSON, GRAPH_YAML, isWaiversScaffold, waiversYaml } from './templates/process.js'
import { starterWorkflow } from './templates/workflows.js'

export interface ScaffoldFile {
  path: string
  content: string
  what: string
  /** For files holding the day init ran: the same scaffold written on another day is unchanged. */
  sameAs?: (current: string) => boolean
}

/**
 * The starters in workflows/ call `org/flow-actions/...@v1`, a placeholder; the copy init writes
 * calls the repository and ref the user installs from (`--uses`, default this package's own).
 */
export function withUses(starter: string, uses: UsesRef): string {
  let replaced = 0
  const out = starter.replace(
    /^(\s*uses: )org\/flow-actions\/(\S+)@v1$/gm,
    (_m, lead: string, rest: string) => {
      replaced++
      return `${lead}${uses.owner}/${uses.repo}/${rest}@${uses.ref}`
    }
  )
  // The starters are ours: a starter without the placeholder is a bug in this package, not in the input.
  if (replaced === 0)
    throw new Error('a starter workflow has no "uses: org/flow-actions/...@v1" line to rewrite')
  return out
}

/** Every file `flow init` writes, relative to the repository root. */
export function scaffoldFiles(today: string, uses: UsesRef): ScaffoldFile[] {
  return [
    {
      path: DEFAULT_GRAPH_PATH,
      content: GRAPH_YAML,
      what: 'the process graph (all four node kinds, stage thresholds, evidence)'
    },
    {
      path: '.process/waivers.yaml',
      content: waiversYaml(today),
      what: 'waivers (none yet; an example to uncomment)',
      sameAs: isWaiversScaffold
    },
    {
      path: '.process/baseline.json',
      content: BASELINE_JSON,
      what: 'baselines for ratchets (recalibration tightens them)'
    },
    { path: 'docs/templates/ADR_TEMPLATE.md', content: ADR_TEMPLATE, what: 'ADR template' },
    { path: 'docs/templates/RFC_TEMPLATE.md', content: RFC_TEMPLATE, what: 'RFC template' },
    {
      path: 'docs/templates/THREAT_MODEL_TEMPLATE.md',
      content: THREAT_MODEL_TEMPLATE,
      what: 'threat model template'
    },
    {
      path: 'docs/templates/RUN_PLAN_TEMPLATE.md',
      content: RUN_PLAN_TEMPLATE,
      what: 'run plan template'
    },
    {
      path: 'docs/templates/POSTMORTEM_TEMPLATE.md',
      content: POSTMORTEM_TEMPLATE,
      what: 'postmortem template'
    },
    {
      path: 'docs/adr/ADR-0001-process-as-code.md',
      content: firstAdr(today),
      what: 'the first ADR (adopting flow-actions)',
      sameAs: isFirstAdr
    },
    {
      path: '.github/workflows/flow-verify.yml',
      content: withUses(starterWorkflow('verify'), uses),
      what: 'verify on pull requests'
    },
    {
      path: '.github/workflows/flow-recalibrate.yml',
      content: withUses(starterWorkflow('recalibrate'), uses),
      what: 'recalibrate weekly'
    }
  ]
}

export type ScaffoldAction = 'created' | 'overwritten' | 'unchanged' | 'kept'

export interface ScaffoldResult {
  files: Array<{ path: string; action: ScaffoldAction; what: string }>
}

/**
 * Writes the scaffold into root. Idempotent: a file whose content is already the same is left
 * alone; a file that exists with other content is kept unless `force` is set. Nothing outside
 * root is written (every path is confined to the workspace).
 */
export function scaffold(
  root: string,
  opts: { today: string; force: boolean; uses: UsesRef }
): ScaffoldResult {
  const files: ScaffoldResult['files'] = []
  for (const f of scaffoldFiles(opts.today, opts.uses)) {
    // A symlink anywhere on the path (a dangling one committed in the repository) is refused.
    const target = resolveForWrite(root, f.path, 'scaffold file')
    let action: ScaffoldAction
    if (existsSync(target)) {
      const current = readFileSync(target, 'utf8')
      if (current === f.content || f.sameAs?.(current)) action = 'unchanged'
      else if (!opts.force) action = 'kept'
      else {
        writeFileInside(root, f.path, f.content, 'scaffold file')
        action = 'overwritten'
      }
    } else {
      writeFileInside(root, f.path, f.content, 'scaffold file')
      action = 'created'
    }
    files.push({ path: f.path, action, what: f.what })
  }
  return { files }
}
