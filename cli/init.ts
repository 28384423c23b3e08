import { scaffold } from '../shared/init/init.js'
import type { CommandContext } from './main.js'
import { styler } from './terminal.js'

export const INIT_HELP = `flow init [--root DIR] [--force]
  Scaffolds flow-actions into a repository: .process/graph.yaml (a starter process), waivers and
  baseline files, artifact templates (ADR, RFC, threat model, run plan, postmortem), a first ADR,
  and the caller workflows (verify on pull requests, recalibrate weekly). Safe to run again: files
  that exist are kept unless --force is given. Exit 0 done, 2 usage error.`

export function initCommand(ctx: CommandContext): number {
  const force = ctx.flags.force === 'true'
  const today = ctx.now().toISOString().slice(0, 10)
  const result = scaffold(ctx.root, { today, force })
  const s = styler()
  const label = { created: s.green('created    '), overwritten: s.yellow('overwritten'), unchanged: s.dim('unchanged  '), kept: s.yellow('kept       ') }
  for (const f of result.files) ctx.out(`${label[f.action]} ${f.path}  ${s.dim(f.what)}`)
  const kept = result.files.filter((f) => f.action === 'kept')
  const written = result.files.filter((f) => f.action === 'created' || f.action === 'overwritten')
  ctx.out('')
  if (kept.length > 0) ctx.out(`${kept.length} existing file(s) differ from the scaffold and were kept; run flow init --force to replace them.`)
  ctx.out(written.length === 0 ? 'Nothing to write: the repository is already scaffolded.' : `Wrote ${written.length} file(s).`)
  ctx.out('')
  ctx.out('Next: run `flow validate`, then `flow gates --stage dev` (it fails until your tests write')
  ctx.out('reports/junit.xml and coverage/lcov.info). Set the evidence command in')
  ctx.out('.github/workflows/flow-verify.yml, commit, and open a pull request: the verify workflow gates it.')
  return 0
}
