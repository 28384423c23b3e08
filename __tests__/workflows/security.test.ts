import { describe, expect, it } from '@jest/globals'
import { actions, isComposite, stepsOf, usesOf, workflows, type Yaml } from './helpers.js'

/** Expressions attackers can shape, which must reach scripts through env, never inline. */
const UNTRUSTED = /\$\{\{[^}]*\b(inputs\.|github\.event\.|github\.head_ref\b)/

/** This project's own reusable workflows and actions, which starters reference by release. */
const FIRST_PARTY = /^[A-Za-z0-9_.-]+\/flow-actions\//

describe('every workflow and composite action', () => {
  const files = [...workflows(), ...actions().filter(isComposite)]

  it('finds the files to check', () => {
    expect(files.map((f) => f.file)).toEqual(
      expect.arrayContaining([
        '.github/workflows/verify.yml',
        '.github/workflows/recalibrate.yml',
        'workflows/verify.yml',
        'workflows/recalibrate.yml'
      ])
    )
  })

  it('puts no inputs, event payload or head_ref expression inside run:', () => {
    const bad = files.flatMap((w) =>
      stepsOf(w)
        .filter((s) => typeof s.step.run === 'string' && UNTRUSTED.test(s.step.run as string))
        .map((s) => s.where)
    )
    expect(bad).toEqual([])
  })

  it('the check would catch one', () => {
    expect(UNTRUSTED.test('echo "${{ inputs.stage }}"')).toBe(true)
    expect(UNTRUSTED.test('echo ${{github.event.pull_request.title}}')).toBe(true)
    expect(UNTRUSTED.test('git checkout ${{ github.head_ref }}')).toBe(true)
    expect(UNTRUSTED.test('echo "$STAGE"')).toBe(false)
  })

  it('sets permissions at the top of every workflow, and {} where it is reusable or a starter', () => {
    for (const w of workflows()) {
      expect({ file: w.file, has: 'permissions' in w.doc }).toEqual({ file: w.file, has: true })
    }
    for (const w of workflows().filter(
      (x) => x.file.startsWith('workflows/') || isReusable(x.doc)
    )) {
      expect({ file: w.file, permissions: w.doc.permissions }).toEqual({
        file: w.file,
        permissions: {}
      })
    }
  })

  it('gives every job of a reusable workflow or starter only the permissions it names, never write-all', () => {
    for (const w of workflows().filter(
      (x) => x.file.startsWith('workflows/') || isReusable(x.doc)
    )) {
      for (const [id, job] of Object.entries(w.doc.jobs as Record<string, Yaml>)) {
        expect({ where: `${w.file} ${id}`, type: typeof job.permissions }).toEqual({
          where: `${w.file} ${id}`,
          type: 'object'
        })
        expect(
          Object.values(job.permissions as Record<string, string>).every(
            (v) => v === 'read' || v === 'write' || v === 'none'
          )
        ).toBe(true)
      }
    }
  })

  it('pins every third-party action and reusable workflow to a full commit SHA', () => {
    const bad: string[] = []
    for (const w of files) {
      for (const { where, uses } of usesOf(w)) {
        if (uses.startsWith('./') || uses.startsWith('docker://') || FIRST_PARTY.test(uses))
          continue
        if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/.test(uses))
          bad.push(`${where}: ${uses}`)
      }
    }
    expect(bad).toEqual([])
  })

  it('never persists checkout credentials in the reusable workflows', () => {
    for (const w of workflows().filter((x) => isReusable(x.doc))) {
      for (const { where, step } of stepsOf(w)) {
        if (typeof step.uses === 'string' && step.uses.startsWith('actions/checkout@')) {
          expect({
            where,
            persist: (step.with as Yaml | undefined)?.['persist-credentials']
          }).toEqual({ where, persist: false })
        }
      }
    }
  })
})

function isReusable(doc: Yaml): boolean {
  const on = doc.on as Yaml | undefined
  return typeof on === 'object' && on !== null && 'workflow_call' in on
}
