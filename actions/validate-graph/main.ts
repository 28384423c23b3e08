import {
  booleanInput,
  createRunnerIO,
  runAction,
  workspaceOf,
  type ActionIO
} from '../../shared/action.js'
import { outputDir } from '../../shared/context.js'
import {
  validationReport,
  validationSummary,
  findingAnnotations
} from '../../shared/graph/report.js'
import { validateGraphFile } from '../../shared/graph/index.js'
import { writeFileInside } from '../../shared/safe-path.js'
import { redact } from '../../shared/redact.js'
import { DEFAULT_GRAPH_PATH } from '../../shared/graph/model.js'
import { INPUTS, OUTPUTS } from './names.js'

export interface ValidateGraphInputs {
  graph: string
  strict: boolean
  report: string
}

export function readInputs(io: ActionIO): ValidateGraphInputs {
  return {
    graph: io.getInput(INPUTS.graph) || DEFAULT_GRAPH_PATH,
    strict: booleanInput(io, INPUTS.strict, false),
    report: io.getInput(INPUTS.report)
  }
}

export interface ValidateGraphDeps {
  io?: ActionIO
  now?: () => Date
}

export async function run(deps: ValidateGraphDeps = {}): Promise<void> {
  const io = deps.io ?? createRunnerIO()
  const now = deps.now ?? (() => new Date())
  await runAction('validate-graph', io, async () => {
    const inputs = readInputs(io)
    const root = workspaceOf(io)
    const result = validateGraphFile(root, inputs.graph)
    const valid = result.valid && !(inputs.strict && result.warnings > 0)
    const report = validationReport(result, {
      env: io.env,
      now: now(),
      graph: inputs.graph,
      strict: inputs.strict
    })
    const reportText = redact(`${JSON.stringify(report, null, 2)}\n`)
    // A symlink anywhere on the report path is refused, never followed.
    const reportPath = inputs.report
      ? writeFileInside(root, inputs.report, reportText, 'report path')
      : writeFileInside(outputDir(io.env), 'validation-report.json', reportText, 'report path')
    io.annotate(findingAnnotations(result.findings, inputs.strict))
    io.appendSummary(validationSummary(result, { graph: inputs.graph, strict: inputs.strict }))
    io.setOutput(OUTPUTS.valid, valid)
    io.setOutput(OUTPUTS.errors, result.errors)
    io.setOutput(OUTPUTS.warnings, result.warnings)
    io.setOutput(OUTPUTS.report, reportPath)
    io.info(
      `${inputs.graph}: ${result.errors} error(s), ${result.warnings} warning(s)${inputs.strict ? ' (strict)' : ''}.`
    )
    if (!valid) {
      io.setFailed(
        `validate-graph: ${inputs.graph} is not valid: ${result.errors} error(s)${inputs.strict ? ` and ${result.warnings} warning(s) under strict` : ''}. Fix the findings listed above (each names file, line and node).`
      )
    }
  })
}
