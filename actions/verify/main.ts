import { readFileSync } from 'node:fs'
import { createRunnerIO, stageIO, type ActionIO } from '../../shared/action.js'
import { run as checkGates, type CheckGatesDeps } from '../check-gates/main.js'
import { run as renderDiagram } from '../render-diagram/main.js'
import { run as validateGraph } from '../validate-graph/main.js'
import { INPUTS, OUTPUTS } from './names.js'

export interface VerifyDeps extends CheckGatesDeps {
  io?: ActionIO
}

/**
 * The whole verify pipeline in one step: validate the graph, evaluate the gates for a stage, and
 * draw the graph coloured by the result. Each stage is the same code as its own action; a graph
 * that is not valid stops before gates, so no verdict is ever computed from a broken graph.
 */
export async function run(deps: VerifyDeps = {}): Promise<void> {
  const io = deps.io ?? createRunnerIO()
  const now = deps.now ?? (() => new Date())
  const input = Object.fromEntries(Object.values(INPUTS).map((n) => [n, io.getInput(n)])) as Record<
    (typeof INPUTS)[keyof typeof INPUTS],
    string
  >

  const validation = stageIO(
    io,
    { graph: input.graph, strict: input.strict },
    { report: 'validation-report' }
  )
  await validateGraph({ io: validation, now })
  if (validation.failed) {
    io.setOutput(OUTPUTS.passed, false)
    io.appendSummary('\n_Gates were not evaluated: the graph must be valid first._\n')
    return
  }

  let gatesReport = ''
  const gates = stageIO(
    io,
    {
      graph: input.graph,
      stage: input.stage,
      gates: input.gates,
      evidence: input.evidence,
      waivers: input.waivers,
      baseline: input.baseline,
      report: input.report,
      'upload-report': input['upload-report'],
      comment: input.comment,
      token: input.token,
      'fail-on': input['fail-on'],
      'policy-source': input['policy-source'],
      'dismiss-stale': input['dismiss-stale'],
      'check-run': input['check-run']
    },
    {},
    (name, value) => {
      if (name === 'report') gatesReport = value
    }
  )
  await checkGates({ ...deps, io: gates, now })

  // The gates summary already holds the coloured diagram; this stage writes the file (if asked)
  // and fails only on its own errors, so a missing report never hides the gates' verdict.
  if (gatesReport && safeExists(gatesReport)) {
    await renderDiagram({
      io: stageIO(
        io,
        { graph: input.graph, report: gatesReport, output: input.diagram, summary: 'false' },
        { path: 'diagram-path' }
      )
    })
  }
}

function safeExists(file: string): boolean {
  try {
    readFileSync(file)
    return true
  } catch {
    return false
  }
}
