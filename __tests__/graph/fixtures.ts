import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** A throwaway workspace holding a graph (and any extra files), for one test. */
export function workspaceWith(graphYaml: string, files: Record<string, string> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), 'flow-graph-'))
  mkdirSync(path.join(root, '.process'), { recursive: true })
  writeFileSync(path.join(root, '.process', 'graph.yaml'), graphYaml)
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true })
    writeFileSync(path.join(root, name), text)
  }
  return root
}

export const fixtures = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
  'fixtures',
  'graph'
)

/** A minimal sound graph with every kind. */
export const SOUND = `nodes:
  - id: plan
    kind: activity
    next: choose
  - id: choose
    kind: decision
    next:
      - when: risk == "high"
        node: review
      - when: else
        node: verify
  - id: review
    kind: activity
    next: verify
  - id: verify
    kind: gate
    requires:
      - metric: tests.pass_rate >= 99
    pass: recalibrate
    fail: plan
  - id: recalibrate
    kind: calibrate
    schedule: "0 6 * * 1"
    next: plan
vars:
  risk: low
`

/** One graph per error class of validate-graph: [name, graph.yaml, finding code]. */
export const ERROR_CASES: Array<[string, string, string]> = [
  ['yaml syntax error', 'nodes:\n  - id: a\n    kind: [activity\n', 'yaml'],
  ['schema violation', 'nodes:\n  - id: a\n    kind: actvity\n', 'schema'],
  ['unknown key', 'nodes:\n  - id: a\n    kind: activity\n    nxt: b\n', 'schema'],
  [
    'duplicate id',
    'nodes:\n  - id: a\n    kind: activity\n    next: a2\n  - id: a2\n    kind: activity\n  - id: a\n    kind: activity\n',
    'duplicate-id'
  ],
  [
    'missing target',
    'nodes:\n  - id: a\n    kind: activity\n    next: nowhere\n',
    'missing-target'
  ],
  [
    'unreachable node',
    'nodes:\n  - id: a\n    kind: activity\n  - id: island\n    kind: activity\n',
    'unreachable'
  ],
  [
    'trap cycle',
    'nodes:\n  - id: a\n    kind: activity\n    next: b\n  - id: b\n    kind: activity\n    next: a\n',
    'trap-cycle'
  ],
  [
    'decision without else',
    'nodes:\n  - id: d\n    kind: decision\n    next:\n      - when: x > 1\n        node: e\n  - id: e\n    kind: activity\nvars:\n  x: 2\n',
    'decision-no-else'
  ],
  [
    'gate without pass',
    'nodes:\n  - id: g\n    kind: gate\n    requires:\n      - metric: tests.failed == 0\n    fail: g\n',
    'gate-no-pass'
  ],
  [
    'gate without fail',
    'nodes:\n  - id: g\n    kind: gate\n    requires:\n      - metric: tests.failed == 0\n    pass: g\n',
    'gate-no-fail'
  ],
  [
    'unparseable expression',
    'nodes:\n  - id: g\n    kind: gate\n    requires:\n      - metric: "tests.failed >= "\n    pass: g\n    fail: g\n',
    'expression'
  ],
  [
    'ill-typed expression',
    'nodes:\n  - id: g\n    kind: gate\n    requires:\n      - metric: tests.failed + 1\n    pass: g\n    fail: g\n',
    'expression-type'
  ],
  [
    'unknown metric',
    'nodes:\n  - id: g\n    kind: gate\n    requires:\n      - metric: tests.pas_rate >= 99\n    pass: g\n    fail: g\n',
    'unknown-metric'
  ],
  [
    'missing artifact',
    'nodes:\n  - id: g\n    kind: gate\n    requires:\n      - artifact: docs/adr/*.md\n    pass: g\n    fail: g\n',
    'artifact-missing'
  ],
  [
    'missing template',
    'nodes:\n  - id: g\n    kind: gate\n    requires:\n      - artifact: README.md\n        template: docs/TEMPLATE.md\n    pass: g\n    fail: g\n',
    'template-missing'
  ],
  [
    'calibrate without schedule',
    'nodes:\n  - id: c\n    kind: calibrate\n    next: c\n',
    'calibrate-no-schedule'
  ]
]
