import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { repoRoot } from '../helpers/run-action.js'

// Each action keeps its input and output names as constants in one module (as actions/cache's
// constants.ts does); these tests hold the constants equal to action.yml and keep string literals
// out of the code that reads inputs, so a rename cannot leave a reader behind.
const ACTIONS: Array<{ action: string; yml: string; names: string; readers: string[] }> = [
  {
    action: 'verify',
    yml: 'action.yml',
    names: 'actions/verify/names.ts',
    readers: ['actions/verify/main.ts']
  },
  {
    action: 'validate-graph',
    yml: 'validate-graph/action.yml',
    names: 'actions/validate-graph/names.ts',
    readers: ['actions/validate-graph/main.ts']
  },
  {
    action: 'render-diagram',
    yml: 'render-diagram/action.yml',
    names: 'actions/render-diagram/names.ts',
    readers: ['actions/render-diagram/main.ts']
  },
  {
    action: 'check-gates',
    yml: 'check-gates/action.yml',
    names: 'actions/check-gates/names.ts',
    readers: ['actions/check-gates/main.ts', 'actions/check-gates/policy.ts']
  },
  {
    action: 'mutation-gate',
    yml: 'mutation-gate/action.yml',
    names: 'actions/mutation-gate/names.ts',
    readers: ['actions/mutation-gate/main.ts']
  },
  {
    action: 'recalibrate',
    yml: 'recalibrate/action.yml',
    names: 'actions/recalibrate/names.ts',
    readers: ['actions/recalibrate/main.ts']
  },
  {
    action: 'canary-rollout',
    yml: 'canary-rollout/action.yml',
    names: 'shared/canary/action-names.ts',
    readers: [
      'actions/canary-rollout/main.ts',
      'actions/canary-rollout/post-run.ts',
      'shared/canary/read-settings.ts'
    ]
  }
]

const LITERAL_READ =
  /\b(getInput|booleanInput|choiceInput|integerInput|percentInput|listInput|durationInput|requiredInput)\((io, )?'[^']*'|\bsetOutput\('[^']*'/

describe.each(ACTIONS)(
  '$action keeps its input and output names in $names',
  ({ yml, names, readers }) => {
    it('the constants are exactly the inputs and outputs of its action.yml', async () => {
      const meta = parse(readFileSync(path.join(repoRoot, yml), 'utf8')) as {
        inputs?: Record<string, unknown>
        outputs?: Record<string, unknown>
      }
      const mod = (await import(path.join(repoRoot, names))) as {
        INPUTS: Record<string, string>
        OUTPUTS: Record<string, string>
      }
      expect(Object.values(mod.INPUTS).sort()).toEqual(Object.keys(meta.inputs ?? {}).sort())
      expect(Object.values(mod.OUTPUTS).sort()).toEqual(Object.keys(meta.outputs ?? {}).sort())
    })

    it.each(readers)('%s reads inputs and sets outputs only through the constants', (file) => {
      const lines = readFileSync(path.join(repoRoot, file), 'utf8').split('\n')
      expect(
        lines.map((l, i) => `${i + 1}: ${l.trim()}`).filter((l) => LITERAL_READ.test(l))
      ).toEqual([])
    })
  }
)
