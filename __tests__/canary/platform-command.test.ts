import { describe, it, expect } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runPlatformCommand, type CommandLog } from '../../shared/canary/platform-command.js'

function recorder(): CommandLog & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    info: (l) => lines.push(l),
    group: async (title, body) => {
      lines.push(`::group::${title}`)
      try {
        return await body()
      } finally {
        lines.push('::endgroup::')
      }
    }
  }
}

describe('platform commands', () => {
  it('passes values only as environment variables, never as shell text', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'canary-cmd-'))
    const marker = path.join(dir, 'pwned')
    const hostile = `10; touch ${marker} $(touch ${marker}) \`touch ${marker}\``
    const log = recorder()
    const r = await runPlatformCommand(
      {
        name: 'set-weight',
        command: 'printf "%s|%s\\n" "$CANARY_WEIGHT" "$CANARY_STEP" > "$OUT"',
        env: { CANARY_WEIGHT: hostile, CANARY_STEP: '2', OUT: path.join(dir, 'out') },
        timeoutMs: 5000
      },
      log
    )
    expect(r.ok).toBe(true)
    expect(readFileSync(path.join(dir, 'out'), 'utf8')).toBe(`${hostile}|2\n`)
    expect(existsSync(marker)).toBe(false)
  })

  it('logs output in a group between stop-commands markers and keeps the tail', async () => {
    const log = recorder()
    const r = await runPlatformCommand(
      {
        name: 'promote',
        command: 'echo "::error::forged"; echo second >&2; exit 3',
        env: {},
        timeoutMs: 5000
      },
      log
    )
    expect(r).toMatchObject({ ok: false, exitCode: 3, message: 'exited with code 3' })
    expect(r.tail).toEqual(expect.arrayContaining(['::error::forged', 'second']))
    const stop = log.lines.find((l) => l.startsWith('::stop-commands::')) as string
    const token = stop.slice('::stop-commands::'.length)
    const start = log.lines.indexOf(stop)
    const end = log.lines.indexOf(`::${token}::`)
    expect(log.lines[0]).toMatch(/^::group::promote: /)
    expect(log.lines.indexOf('::error::forged')).toBeGreaterThan(start)
    expect(log.lines.indexOf('::error::forged')).toBeLessThan(end)
  })

  it('kills the whole process group on timeout', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'canary-cmd-'))
    const late = path.join(dir, 'late')
    // Were the group not killed, the foreground `sleep 600` would hold the test until jest's timeout.
    const r = await runPlatformCommand(
      {
        name: 'set-weight',
        command: `(sleep 2; touch ${late}) & sleep 600`,
        env: {},
        timeoutMs: 300
      },
      recorder()
    )
    expect(r.timedOut).toBe(true)
    expect(r.ok).toBe(false)
    await new Promise((res) => setTimeout(res, 2200))
    // The background child was in the group and died with it.
    expect(existsSync(late)).toBe(false)
  })

  it('does not pass the action inputs (which may hold a token) to commands', async () => {
    const log = recorder()
    await runPlatformCommand(
      {
        name: 'rollback',
        command: 'echo "inputs=$(env | grep -c ^INPUT_) state=$(env | grep -c ^STATE_) mine=$MINE"',
        env: { MINE: 'yes' },
        timeoutMs: 5000
      },
      log,
      {
        ...process.env,
        'INPUT_PROMETHEUS-TOKEN': 'secret',
        INPUT_X: 'secret',
        STATE_canary: 'x'
      }
    )
    expect(log.lines).toContain('inputs=0 state=0 mine=yes')
  })
})
