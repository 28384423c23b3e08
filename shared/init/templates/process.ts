/** The starter process: all four node kinds, stage-specific thresholds, evidence declarations. */
export const GRAPH_YAML = `# The process as code: flow-actions validates this graph, checks its gates against real evidence
# and recalibrates its thresholds from history. Start here and change it to fit your team.
# Expressions: docs of flow-actions, "Expressions". Stages run from dev to production.
version: 1
name: Delivery process
stages: [dev, staging, production]

vars:
  # How risky the current change is (low, medium or high); high routes through a threat model.
  risk: low

# Which files feed which metrics. Make your test run write these (see the verify workflow).
evidence:
  tests: reports/junit.xml
  coverage: coverage/lcov.info

nodes:
  - id: design
    kind: activity
    description: Decide how to build the change and record the decision as an ADR.
    produces: [docs/adr/]
    next: D-risk

  - id: D-risk
    kind: decision
    description: High-risk changes get a threat model before the design gate.
    next:
      - when: risk == "high"
        node: threat-model
      - when: else
        node: G-design

  - id: threat-model
    kind: activity
    description: Model threats and mitigations (docs/templates/THREAT_MODEL_TEMPLATE.md).
    produces: [docs/threat-models/]
    next: G-design

  - id: G-design
    kind: gate
    description: The design is recorded before building.
    requires:
      - id: adr
        artifact: docs/adr/ADR-*.md
        template: docs/templates/ADR_TEMPLATE.md
        frontmatter:
          required: [title, status, date]
          allowed:
            status: [proposed, accepted, superseded]
          dates: [date]
    pass: build
    fail: design

  - id: build
    kind: activity
    description: Implement, test and measure.
    next: G-verify

  - id: G-verify
    kind: gate
    description: Tests pass and coverage holds, stricter closer to production.
    requires:
      # tests.passed > 0: a run where every test was skipped (or none ran) proves nothing.
      - id: tests
        metric: tests.failed == 0 && tests.passed > 0
      - id: coverage
        metric: coverage.lines >= 60
        by_stage:
          staging: coverage.lines >= 70
          production: coverage.lines >= 80
    pass: release
    fail: build

  - id: release
    kind: activity
    description: Roll out progressively by a run plan (docs/templates/RUN_PLAN_TEMPLATE.md); write a postmortem for any incident.
    produces: [docs/run-plans/, docs/postmortems/]
    next: recalibrate

  - id: recalibrate
    kind: calibrate
    description: Weekly, flow-actions proposes tighter thresholds from the history of runs.
    schedule: "17 6 * * 1"
    triggers: [release, incident]
    next: design
`

/**
 * The waivers file, with an example that is valid as soon as it is uncommented: its expiry is
 * computed from the day init runs, inside the window waivers allow (see shared/gates/waivers.ts).
 */
export function waiversYaml(today: string): string {
  return `# Waivers excuse one unmet requirement of one gate for a while. Each needs a reason, an approver
# and an expiry date (at most a year away); expired or open-ended waivers fail the gates.
# To waive G-verify's coverage requirement, remove the "# " in front of the five example lines
# below (keep the two leading spaces) and put your login as approver.
version: 1
waivers:
  # - gate: G-verify
  #   requirement: coverage
  #   reason: Legacy module being rewritten (ADR-0002)
  #   approver: your-login
  #   expires: "${addDays(today, EXAMPLE_WAIVER_DAYS)}"
`
}

/** Whether text is the waivers file as init wrote it on some day (the example's date aside). */
export function isWaiversScaffold(text: string): boolean {
  const m = /^ {2}# {3}expires: "(\d{4}-\d{2}-\d{2})"$/m.exec(text)
  if (!m) return false
  const written = addDays(m[1], -EXAMPLE_WAIVER_DAYS)
  return /^\d{4}-\d{2}-\d{2}$/.test(written) && waiversYaml(written) === text
}

/** The example waiver's lifetime: well inside the year a waiver may last, past the 14-day warning. */
export const EXAMPLE_WAIVER_DAYS = 90

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`)
  // A date init computed itself, or one read back from a file it wrote: never user input.
  if (Number.isNaN(d.getTime())) return 'invalid'
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

export const BASELINE_JSON = `${JSON.stringify({ version: 1, metrics: {} }, null, 2)}\n`
