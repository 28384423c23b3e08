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

export const fixtures = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'graph')

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
