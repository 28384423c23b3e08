import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import {
  actions,
  docsText,
  repoRoot,
  stepsOf,
  workflows,
  type WorkflowFile,
  type Yaml
} from './helpers.js'

const reusable = () =>
  workflows().filter(
    (w) =>
      w.file.startsWith('.github/workflows/') &&
      typeof w.doc.on === 'object' &&
      w.doc.on !== null &&
      'workflow_call' in (w.doc.on as Yaml)
  )
const call = (w: WorkflowFile) => (w.doc.on as Yaml).workflow_call as Yaml

describe('reusable workflows pass only inputs the actions have', () => {
  it('maps every ./.flow-actions/<name> and ./../flow-actions-judge/<name> step to an action.yml and each with: key to one of its inputs', () => {
    const checked: string[] = []
    for (const w of reusable()) {
      for (const { where, step } of stepsOf(w)) {
        const uses = step.uses
        if (typeof uses !== 'string' || !uses.startsWith('./')) continue
        const m = /^\.\/(?:\.flow-actions|\.\.\/flow-actions-judge)\/([A-Za-z0-9_-]+)$/.exec(uses)
        expect({ where, uses, ok: m !== null }).toEqual({ where, uses, ok: true })
        const file = path.join(repoRoot, m![1], 'action.yml')
        expect({ where, exists: existsSync(file) }).toEqual({ where, exists: true })
        const inputs = ((parse(readFileSync(file, 'utf8')) as Yaml).inputs ?? {}) as Record<
          string,
          Yaml
        >
        for (const key of Object.keys((step.with ?? {}) as Yaml)) {
          expect({ where, input: key, known: key in inputs }).toEqual({
            where,
            input: key,
            known: true
          })
          checked.push(`${m![1]}:${key}`)
        }
        for (const [name, spec] of Object.entries(inputs)) {
          if (spec.required === true && spec.default === undefined)
            expect({ where, required: name, given: name in ((step.with ?? {}) as Yaml) }).toEqual({
              where,
              required: name,
              given: true
            })
        }
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        'check-gates:stage',
        'recalibrate:margin',
        'render-diagram:report',
        'validate-graph:graph'
      ])
    )
  })

  it('types and describes every input, secret and output of a reusable workflow', () => {
    for (const w of reusable()) {
      const c = call(w)
      for (const [name, spec] of Object.entries((c.inputs ?? {}) as Record<string, Yaml>)) {
        expect({
          w: w.file,
          name,
          type: ['string', 'number', 'boolean'].includes(spec.type as string),
          described: typeof spec.description === 'string'
        }).toEqual({ w: w.file, name, type: true, described: true })
      }
      for (const [name, spec] of Object.entries({
        ...((c.secrets ?? {}) as Record<string, Yaml>),
        ...((c.outputs ?? {}) as Record<string, Yaml>)
      })) {
        expect({ w: w.file, name, described: typeof spec.description === 'string' }).toEqual({
          w: w.file,
          name,
          described: true
        })
      }
    }
  })
})

describe('starters call the reusable workflows correctly', () => {
  it('uses only inputs the reusable workflow declares, and grants at least the permissions it needs', () => {
    const starters = workflows().filter((w) => w.file.startsWith('workflows/'))
    expect(starters.map((s) => s.file).sort()).toEqual([
      'workflows/recalibrate.yml',
      'workflows/verify.yml'
    ])
    for (const s of starters) {
      for (const [id, job] of Object.entries(s.doc.jobs as Record<string, Yaml>)) {
        const m = /^[^/]+\/flow-actions\/\.github\/workflows\/([a-z-]+\.yml)@/.exec(
          String(job.uses)
        )
        expect({ job: id, calls: m !== null }).toEqual({ job: id, calls: true })
        const callee = reusable().find((w) => w.file === `.github/workflows/${m![1]}`)!
        const inputs = (call(callee).inputs ?? {}) as Record<string, Yaml>
        for (const key of Object.keys((job.with ?? {}) as Yaml))
          expect({ key, known: key in inputs }).toEqual({ key, known: true })
        const granted = (job.permissions ?? {}) as Record<string, string>
        for (const calleeJob of Object.values(callee.doc.jobs as Record<string, Yaml>)) {
          for (const [scope, level] of Object.entries(
            (calleeJob.permissions ?? {}) as Record<string, string>
          )) {
            const ok = granted[scope] === 'write' || (level === 'read' && granted[scope] === 'read')
            expect({ starter: s.file, scope, level, ok }).toEqual({
              starter: s.file,
              scope,
              level,
              ok: true
            })
          }
        }
      }
    }
    const recal = starters.find((s) => s.file === 'workflows/recalibrate.yml')!
    expect((recal.doc.on as Yaml).schedule).toEqual([
      { cron: expect.stringMatching(/^\S+ \S+ \* \* 1$/) }
    ])
    expect(
      Object.keys(workflows().find((w) => w.file === 'workflows/verify.yml')!.doc.on as Yaml)
    ).toContain('pull_request')
  })
})

describe('verify.yml and recalibrate.yml run flow-actions at their own commit', () => {
  for (const file of ['.github/workflows/verify.yml', '.github/workflows/recalibrate.yml']) {
    it(`${file}: locates itself from job.workflow_repository and job.workflow_sha and checks that out into .flow-actions (verify.yml then moves it beside the workspace)`, () => {
      const w = workflows().find((x) => x.file === file)!
      // The job that locates flow-actions (verify.yml also has an evidence job, which never does).
      const job = Object.values(w.doc.jobs as Record<string, Yaml>).find((j) =>
        ((j.steps ?? []) as Yaml[]).some((s) => s.id === 'self')
      )!
      const steps = (job.steps ?? []) as Yaml[]
      const self = steps.find((s) => s.id === 'self')!
      expect((self.env as Yaml).JOB_CONTEXT).toBe('${{ toJSON(job) }}')
      expect(self.run).toContain('.workflow_repository')
      expect(self.run).toContain('.workflow_sha')
      const checkout = steps.find((s) => (s.with as Yaml | undefined)?.path === '.flow-actions')!
      expect(checkout.uses).toMatch(/^actions\/checkout@[0-9a-f]{40}$/)
      expect(checkout.with).toMatchObject({
        repository: '${{ steps.self.outputs.repository }}',
        ref: '${{ steps.self.outputs.sha }}'
      })
      const selfIndex = steps.indexOf(self)
      const checkoutIndex = steps.indexOf(checkout)
      const callerCheckout = steps.findIndex(
        (s) =>
          typeof s.uses === 'string' &&
          s.uses.startsWith('actions/checkout@') &&
          !(s.with as Yaml | undefined)?.path
      )
      expect(selfIndex).toBeLessThan(checkoutIndex)
      const ours = steps.filter(
        (s) => typeof s.uses === 'string' && /flow-actions|^\.\//.test(s.uses as string)
      )
      expect(ours.length).toBeGreaterThan(0)
      if (file.endsWith('verify.yml')) {
        // The judging job checks flow-actions out first, moves it beside the workspace (out of every
        // evidence glob), and only then checks out the caller, which would otherwise wipe it.
        const move = steps.findIndex(
          (s) => typeof s.run === 'string' && /mv \.flow-actions /.test(s.run)
        )
        expect(checkoutIndex).toBeLessThan(move)
        expect(move).toBeLessThan(callerCheckout)
        for (const s of ours) {
          expect(s.uses).toMatch(/^\.\/\.\.\/flow-actions-judge\/[a-z-]+$/)
          expect(steps.indexOf(s)).toBeGreaterThan(callerCheckout)
        }
      } else {
        // The caller is checked out first (a later checkout at the root would wipe .flow-actions).
        expect(callerCheckout).toBeLessThan(selfIndex)
        for (const s of ours) {
          expect(s.uses).toMatch(/^\.\/\.flow-actions\/[a-z-]+$/)
          expect(steps.indexOf(s)).toBeGreaterThan(checkoutIndex)
        }
      }
    })

    it(`${file}: the locating script gives the repository and commit, and refuses a context without them`, () => {
      const w = workflows().find((x) => x.file === file)!
      const script = stepsOf(w).find((s) => s.step.id === 'self')!.step.run as string
      const runIt = (context: unknown) => {
        const out = path.join(mkdtempSync(path.join(tmpdir(), 'flow-self-')), 'output')
        const r = spawnSync('bash', ['-e', '-c', script], {
          env: { PATH: process.env.PATH, JOB_CONTEXT: JSON.stringify(context), GITHUB_OUTPUT: out },
          encoding: 'utf8'
        })
        return {
          status: r.status,
          stdout: r.stdout,
          output: existsSync(out) ? readFileSync(out, 'utf8') : ''
        }
      }
      const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
      const ok = runIt({
        status: 'success',
        workflow_repository: 'org/flow-actions',
        workflow_sha: sha,
        workflow_ref: 'org/flow-actions/.github/workflows/verify.yml@refs/tags/v1'
      })
      expect(ok.status).toBe(0)
      expect(ok.output).toBe(`repository=org/flow-actions\nsha=${sha}\n`)
      const missing = runIt({ status: 'success' })
      expect(missing.status).toBe(1)
      expect(missing.stdout).toMatch(
        /^::error::flow-actions could not find its own repository and commit/
      )
      const hostile = runIt({ workflow_repository: 'org/x\nsha=evil', workflow_sha: sha })
      expect(hostile.status).toBe(1)
      expect(hostile.output).toBe('')
    })
  }
})

describe('documentation', () => {
  const docs = docsText()
  const all = docs.map((d) => d.text).join('\n')

  it('documents every input and output of every action (README.md or docs/*.md)', () => {
    const missing: string[] = []
    for (const a of actions()) {
      const name = a.file === 'action.yml' ? 'verify' : path.basename(path.dirname(a.file))
      // The section that documents the action names it; its inputs and outputs appear there in code.
      const home = docs.filter((d) => d.text.includes(name))
      const text = home.map((d) => d.text).join('\n')
      for (const kind of ['inputs', 'outputs'] as const) {
        for (const key of Object.keys((a.doc[kind] ?? {}) as Yaml)) {
          if (!text.includes(`\`${key}\``)) missing.push(`${a.file} ${kind}.${key}`)
        }
      }
    }
    expect(missing).toEqual([])
  })

  it('has a section per reusable workflow with its inputs, secrets, outputs, permissions and an example caller', () => {
    for (const w of reusable()) {
      const base = path.basename(w.file)
      const section = sectionAbout(all, base)
      expect({ workflow: base, found: section !== undefined }).toEqual({
        workflow: base,
        found: true
      })
      const c = call(w)
      for (const key of [
        ...Object.keys((c.inputs ?? {}) as Yaml),
        ...Object.keys((c.secrets ?? {}) as Yaml),
        ...Object.keys((c.outputs ?? {}) as Yaml)
      ]) {
        expect({ workflow: base, key, documented: section!.includes(`\`${key}\``) }).toEqual({
          workflow: base,
          key,
          documented: true
        })
      }
      for (const job of Object.values(w.doc.jobs as Record<string, Yaml>)) {
        for (const [scope, level] of Object.entries(
          (job.permissions ?? {}) as Record<string, string>
        )) {
          expect({
            workflow: base,
            permission: `${scope}: ${level}`,
            documented: section!.includes(`${scope}: ${level}`)
          }).toEqual({ workflow: base, permission: `${scope}: ${level}`, documented: true })
        }
      }
      expect(section).toMatch(
        new RegExp(`uses: [^\\n]*flow-actions/\\.github/workflows/${base.replace('.', '\\.')}@`)
      )
    }
  })
})

/** The markdown section (from its heading to the next heading of the same level) that names the file in its heading. */
function sectionAbout(text: string, name: string): string | undefined {
  const lines = text.split('\n')
  // Lines inside fenced code blocks (shell comments, YAML comments) are not headings.
  let fenced = false
  const heading = lines.map((l) => {
    if (/^(```|~~~)/.test(l)) fenced = !fenced
    return !fenced && /^#{1,6} /.test(l)
  })
  const start = lines.findIndex((l, i) => heading[i] && /^#{2,4} /.test(l) && l.includes(name))
  if (start < 0) return undefined
  const level = /^(#+)/.exec(lines[start])![1].length
  let end = lines.length
  for (let i = start + 1; i < lines.length; i++) {
    const m = heading[i] ? /^(#+) /.exec(lines[i]) : null
    if (m && m[1].length <= level) {
      end = i
      break
    }
  }
  return lines.slice(start, end).join('\n')
}
