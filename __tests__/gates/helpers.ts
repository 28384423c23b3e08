import { mkdirSync, mkdtempSync, writeFileSync, cpSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect } from '@jest/globals'
import { validateReport } from '../../shared/report/validate.js'
import type { FlowReport, RequirementResult } from '../../shared/report/types.js'

export const gateFixtures = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
  'fixtures',
  'gates'
)

/** A throw-away repository with the given files (paths relative to its root). */
export function repo(files: Record<string, string>, from?: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'gates-'))
  if (from) cpSync(path.join(gateFixtures, from), root, { recursive: true })
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(root, rel)
    mkdirSync(path.dirname(abs), { recursive: true })
    writeFileSync(abs, text)
  }
  return root
}

/** A JUnit file with `passed` passing and `failed` failing test cases. */
export function junit(
  passed: number,
  failed: number,
  failingName = (i: number) => `fails ${i}`,
  message = 'expected 1 to be 2'
): string {
  const esc = (s: string) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  const cases: string[] = []
  for (let i = 0; i < passed; i++)
    cases.push(`<testcase classname="suite" name="passes ${i}" time="0.001"/>`)
  for (let i = 0; i < failed; i++) {
    cases.push(
      `<testcase classname="suite" name="${esc(failingName(i))}" file="src/app.test.ts" line="${i + 1}" time="0.001"><failure message="${esc(message)}">${esc(message)}</failure></testcase>`
    )
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="suite" tests="${passed + failed}" failures="${failed}" errors="0" skipped="0">\n${cases.join('\n')}\n</testsuite></testsuites>\n`
}

export function lcov(found: number, hit: number, file = 'src/app.ts'): string {
  const lines: string[] = [`SF:${file}`]
  for (let i = 1; i <= found; i++) lines.push(`DA:${i},${i <= hit ? 1 : 0}`)
  lines.push(`LF:${found}`, `LH:${hit}`, 'end_of_record')
  return `TN:\n${lines.join('\n')}\n`
}

export const FILLED_ADR = `---
id: adr-0007
type: decision
title: "Queue orders through the outbox"
status: accepted
date: 2026-10-01
owners: [orders-team]
decision: Option A
---

## Context

Orders were lost when the broker was down.

## Decision

Write orders and their events in one transaction; a relay publishes them.
`

export const ADR_TEMPLATE = `---
id: adr-XXXX
type: decision
title: "Describe the decision succinctly"
status: proposed
date: YYYY-MM-DD
---

## Context

Describe the background.
`

/** Asserts the report matches the published schema, with ajv's messages on failure. */
export function expectValidReport(report: FlowReport | unknown): void {
  const check = validateReport(report)
  expect(check.valid ? [] : check.errors).toEqual([])
}

export function requirement(report: FlowReport, gate: string, id: string): RequirementResult {
  const g = report.gates?.find((x) => x.id === gate)
  const r = g?.requirements.find((x) => x.id === id)
  if (!r)
    throw new Error(
      `no requirement ${gate}/${id} in the report: ${JSON.stringify(report.gates?.map((x) => [x.id, x.requirements.map((y) => y.id)]))}`
    )
  return r
}
