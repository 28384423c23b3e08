import { EvidenceError } from '../../errors.js'
import type { OpenedEvidence } from '../evidence-file.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import { forEachLine, MAX_MESSAGE_CHARS, TestTally } from './tally.js'

interface Point {
  ok: boolean
  directive?: 'skip' | 'todo'
  title: string
  indent: number
  suite: boolean
  message: string
}

const POINT = /^(\s*)(not ok|ok)\b(?:\s+(\d+))?(?:\s*-)?\s?(.*)$/
const PLAN = /^(\s*)1\.\.(\d+)\b/

/**
 * TAP 13 and 14 (node --test --test-reporter=tap, node-tap, prove, bats, pytest-tap...). Every test
 * point counts, at every subtest level, except the points node marks `type: 'suite'` in their YAML
 * block (describe blocks), so totals equal node's own "# tests". `ok` passed, `not ok` failed, a
 * `# SKIP` directive skipped and a `# TODO` directive skipped (a todo test's result does not count,
 * as TAP says). A top-level plan is required: fewer test points than planned (the run was cut off)
 * or `Bail out!` count as errors.
 */
export async function readTap(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const display = opened.display
  const tally = new TestTally(display, ctx)
  let pending: Point | undefined
  let yamlIndent = -1
  let plan: number | undefined
  let topPoints = 0
  let sawTap = false

  const commit = (): void => {
    const p = pending
    pending = undefined
    if (!p || p.suite) return
    if (p.directive) tally.skip()
    else if (p.ok) tally.pass()
    else tally.fail(p.title, p.message, false)
  }

  await forEachLine(
    opened,
    ctx.maxBytes,
    (line, lineNo) => {
      if (yamlIndent >= 0) {
        const t = line.trim()
        if (t === '...' && line.length - line.trimStart().length <= yamlIndent) {
          yamlIndent = -1
          return
        }
        if (pending) {
          if (/^type:\s*'?suite'?\s*$/.test(t)) pending.suite = true
          else if (
            !pending.ok &&
            ctx.findings.wants() &&
            pending.message.length < MAX_MESSAGE_CHARS &&
            /^(error|message|expected|actual|location|operator):/.test(t)
          ) {
            pending.message += `${t}\n`
          }
        }
        return
      }
      if (pending && line.trim() === '---') {
        yamlIndent = line.length - line.trimStart().length
        return
      }
      const point = POINT.exec(line)
      if (point) {
        commit()
        sawTap = true
        const indent = point[1].length
        if (indent === 0) topPoints++
        const { title, directive } = splitDirective(point[4])
        pending = {
          ok: point[2] === 'ok',
          directive,
          title: title || `test ${point[3] ?? topPoints}`,
          indent,
          suite: false,
          message: ''
        }
        return
      }
      commit()
      const planned = PLAN.exec(line)
      if (planned) {
        sawTap = true
        if (planned[1].length === 0) {
          if (plan !== undefined)
            throw new EvidenceError(
              display,
              'malformed',
              'has two top-level plans (1..N); it is two TAP streams run together.',
              lineNo
            )
          plan = Number(planned[2])
        }
        return
      }
      const bail = /^\s*Bail out!(.*)$/i.exec(line)
      if (bail) {
        sawTap = true
        tally.fail('Bail out!', `The test run bailed out:${bail[1]}`, true)
        return
      }
      if (/^TAP version \d+/i.test(line)) sawTap = true
    },
    'a TAP stream'
  )
  commit()
  if (!sawTap)
    throw new EvidenceError(
      display,
      'malformed',
      'holds no TAP test lines (ok / not ok) and no plan (1..N).'
    )
  if (plan === undefined) {
    throw new EvidenceError(
      display,
      'malformed',
      `has ${topPoints} top-level test points but no plan (1..N): the run may have been cut off before it ended.`
    )
  }
  if (topPoints < plan) {
    for (let i = topPoints; i < plan; i++)
      tally.fail(
        `planned test ${i + 1}`,
        `The plan announced ${plan} tests and only ${topPoints} reported: the run stopped early.`,
        true
      )
  } else if (topPoints > plan) {
    tally.fail('plan', `The plan announced ${plan} tests but ${topPoints} reported.`, true)
  }
  return tally.output()
}

/** Splits "desc # SKIP reason" at the first unescaped #: TAP's directive separator. */
function splitDirective(rest: string): { title: string; directive?: 'skip' | 'todo' } {
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '\\') {
      i++
      continue
    }
    if (rest[i] === '#') {
      const d = /^#\s*(skip|todo)/i.exec(rest.slice(i))
      return {
        title: rest.slice(0, i).trim(),
        directive: d ? (d[1].toLowerCase() as 'skip' | 'todo') : undefined
      }
    }
  }
  return { title: rest.trim() }
}
