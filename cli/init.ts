import { scaffold } from '../shared/init/init.js'
import { defaultUses, PACKAGE_NAME, parseUses } from '../shared/init/package-info.js'
import type { CommandContext } from './context.js'
import { styler } from './terminal.js'

export const INIT_HELP = `flow init [--root DIR] [--force] [--uses OWNER/REPO@REF]
  Scaffolds flow-actions into a repository: .process/graph.yaml (a starter process), waivers and
  baseline files, artifact templates (ADR, RFC, threat model, run plan, postmortem), a first ADR,
  and the caller workflows (verify on pull requests, recalibrate weekly). The workflows call the
  reusable workflows of --uses (default: this package's repository at its major version tag, e.g.
  --uses acme/flow-actions@v1 for a fork). Safe to run again: files that exist are kept unless
  --force is given. Exit 0 done, 2 usage error.`

export function initCommand(ctx: CommandContext): number {
  const force = ctx.flags.force === 'true'
  // A bad --uses is a ConfigurationError: main prints it and exits 2 before anything is written.
  const uses = ctx.flags.uses !== undefined ? parseUses(ctx.flags.uses) : defaultUses()
  const today = ctx.now().toISOString().slice(0, 10)
  const result = scaffold(ctx.root, { today, force, uses })
  const s = styler()
  const label = {
    created: s.green('created    '),
    overwritten: s.yellow('overwritten'),
    unchanged: s.dim('unchanged  '),
    kept: s.yellow('kept       ')
  }
  for (const f of result.files) ctx.out(`${label[f.action]} ${f.path}  ${s.dim(f.what)}`)
  const kept = result.files.filter((f) => f.action === 'kept')
  const written = result.files.filter((f) => f.action === 'created' || f.action === 'overwritten')
  ctx.out('')
  if (kept.length > 0)
    ctx.out(
      `${kept.length} existing file(s) differ from the scaffold and were kept; run flow init --force to replace them.`
    )
  ctx.out(
    written.length === 0
      ? 'Nothing to write: the repository is already scaffolded.'
      : `Wrote ${written.length} file(s).`
  )
  ctx.out(
    `The workflows call ${uses.owner}/${uses.repo}@${uses.ref} (change it with --uses OWNER/REPO@REF).`
  )
  ctx.out('')
  ctx.out('Next:')
  ctx.out('  npx flow validate            # the graph is valid')
  ctx.out(
    '  npx flow gates --stage dev   # fails until your tests write reports/junit.xml and coverage/lcov.info'
  )
  ctx.out(
    `\`npx flow\` runs this CLI once it is a dev dependency: npm install --save-dev ${PACKAGE_NAME}`
  )
  ctx.out(
    `(without installing: npx ${PACKAGE_NAME} validate, npx ${PACKAGE_NAME} gates --stage dev).`
  )
  ctx.out(
    'Then check that the evidence-command in .github/workflows/flow-verify.yml writes those two'
  )
  ctx.out('files, commit, and open a pull request: the verify workflow gates it.')
  return 0
}
