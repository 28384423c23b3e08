import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { FLOW_REPORT_SCHEMA, validateReport } from '../../shared/report/validate.js'
import { readReport } from '../../shared/report/read.js'
import { writeReport } from '../../shared/report/write.js'
import { REPORT_SCHEMA_ID } from '../../shared/report/types.js'
import { repoRoot } from '../helpers/run-action.js'
import { repo } from './helpers.js'

const run = { time: '2026-11-01T12:00:00.000Z', tool: { name: 'flow-actions', version: '1.0.0' } }
const totals = { gates: { passed: 1 }, requirements: { passed: 1 } }
const requirement = {
  id: 'tests',
  type: 'metric',
  severity: 'fail',
  status: 'passed',
  check: 'tests.failed == 0',
  message: 'ok',
  evidence: []
}
const gatesReport = () =>
  structuredClone({
    version: 1,
    kind: 'gates',
    run,
    verdict: 'passed',
    totals,
    gates: [{ id: 'G', status: 'passed', requirements: [requirement] }]
  })

describe('the published report schema', () => {
  it('is published under schemas/ as draft 2020-12 with the id the reports carry', () => {
    const published = JSON.parse(
      readFileSync(path.join(repoRoot, 'schemas', 'flow-report.schema.json'), 'utf8')
    )
    expect(published.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(published.$id).toBe(REPORT_SCHEMA_ID)
    expect((FLOW_REPORT_SCHEMA as { required: string[] }).required).toEqual([
      'version',
      'kind',
      'run',
      'verdict'
    ])
  })

  it('accepts a gates report and keeps other kinds open for their own fields', () => {
    expect(validateReport(gatesReport())).toEqual({ valid: true })
    expect(
      validateReport({
        version: 1,
        kind: 'mutation',
        run,
        verdict: 'failed',
        mutation: { score: 71.5 }
      })
    ).toEqual({ valid: true })
  })

  it('rejects what a consumer could not trust', () => {
    const bad = (mutate: (r: ReturnType<typeof gatesReport>) => unknown) => {
      const r = gatesReport()
      mutate(r)
      return validateReport(r)
    }
    expect(bad((r) => ((r as Record<string, unknown>).version = 2)).valid).toBe(false)
    expect(bad((r) => delete (r as Partial<typeof r>).gates).valid).toBe(false)
    expect(
      bad((r) => ((r.gates[0].requirements[0] as Record<string, unknown>).status = 'ok')).valid
    ).toBe(false)
    expect(
      bad((r) => ((r.gates[0].requirements[0] as Record<string, unknown>).surprise = 1)).valid
    ).toBe(false)
    expect(
      bad((r) => ((r.gates[0].requirements[0] as Record<string, unknown>).status = 'waived')).valid
    ).toBe(false)
    expect(
      bad((r) => ((r as Record<string, unknown>).metrics = { 'coverage.lines': 'high' })).valid
    ).toBe(false)
    expect(bad((r) => (r.run.time = 'yesterday')).valid).toBe(false)
    const errors = bad(
      (r) => ((r.gates[0].requirements[0] as Record<string, unknown>).surprise = 1)
    )
    expect(errors.valid ? [] : errors.errors[0]).toContain('surprise')
  })

  it('round-trips through write and read, and refuses a file that is not a report', () => {
    const root = repo({ 'not-a-report.json': '{"hello":1}', 'broken.json': '{' })
    const written = writeReport(root, 'out/flow-report.json', gatesReport() as never, {
      validate: validateReport
    })
    expect(written.schemaErrors).toEqual([])
    const broken = { ...gatesReport(), verdict: 'maybe' }
    expect(
      writeReport(root, 'out/broken-report.json', broken as never, { validate: validateReport })
        .schemaErrors
    ).not.toEqual([])
    expect(readReport(root, 'out/flow-report.json').verdict).toBe('passed')
    expect(() => readReport(root, 'not-a-report.json')).toThrow(/not a flow report/)
    expect(() => readReport(root, 'broken.json')).toThrow(/not valid JSON/)
    expect(() => writeReport(root, '../escape.json', gatesReport() as never)).toThrow(
      /outside the workspace/
    )
  })
})
