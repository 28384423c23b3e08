import { describe, it, expect } from '@jest/globals'
import fc from 'fast-check'
import { diffLines, splitLines, unifiedDiff } from '../../shared/diagram/diff.js'

/** Applies a unified diff to the old lines, the way `patch` would; throws when a hunk does not fit. */
function applyUnified(oldText: string, diff: string): string {
  const a = splitLines(oldText)
  const out: string[] = []
  let pos = 0 // index into a
  const lines = diff.split('\n')
  for (let i = 2; i < lines.length; i++) {
    const h = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(lines[i])
    if (!h) continue
    const start = Number(h[2]) === 0 ? Number(h[1]) : Number(h[1]) - 1
    while (pos < start) out.push(a[pos++])
    let j = i + 1
    for (; j < lines.length && !lines[j].startsWith('@@') && lines[j] !== ''; j++) {
      const t = lines[j][0]
      const text = lines[j].slice(1)
      if (t === ' ' || t === '-') {
        if (a[pos] !== text)
          throw new Error(
            `hunk does not fit at ${pos}: ${JSON.stringify(a[pos])} vs ${JSON.stringify(text)}`
          )
        pos++
      }
      if (t === ' ' || t === '+') out.push(text)
    }
    i = j - 1
  }
  while (pos < a.length) out.push(a[pos++])
  return out.join('\n')
}

describe('unifiedDiff', () => {
  it('is empty for equal texts, also across line endings and a final newline', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n')).toBe('')
    expect(unifiedDiff('a\r\nb\r\n', 'a\nb')).toBe('')
  })

  it('writes headers and a hunk with context', () => {
    const old = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n')
    const now = ['1', '2', '3', '4', 'five', '6', '7', '8', '9'].join('\n')
    expect(unifiedDiff(old, now, { fromFile: 'a/x', toFile: 'b/x' })).toBe(
      [
        '--- a/x',
        '+++ b/x',
        '@@ -2,7 +2,7 @@',
        ' 2',
        ' 3',
        ' 4',
        '-5',
        '+five',
        ' 6',
        ' 7',
        ' 8',
        ''
      ].join('\n')
    )
  })

  it('splits far-apart changes into separate hunks and joins close ones', () => {
    const old = Array.from({ length: 30 }, (_, i) => `l${i}`)
    const far = [...old]
    far[2] = 'x'
    far[25] = 'y'
    expect(unifiedDiff(old.join('\n'), far.join('\n')).match(/^@@/gm)).toHaveLength(2)
    const close = [...old]
    close[2] = 'x'
    close[8] = 'y'
    expect(unifiedDiff(old.join('\n'), close.join('\n')).match(/^@@/gm)).toHaveLength(1)
  })

  it('diffs from an empty file', () => {
    expect(unifiedDiff('', 'a\nb\n', { fromFile: '/dev/null', toFile: 'b/f' })).toBe(
      '--- /dev/null\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n'
    )
  })

  it('caps the printed lines', () => {
    const big = Array.from({ length: 1000 }, (_, i) => `l${i}`).join('\n')
    const out = unifiedDiff('', big, { maxLines: 50 })
    expect(out.split('\n')).toHaveLength(52)
    expect(out).toContain('… 953 more diff lines not shown')
  })

  it('finds a minimal edit script (LCS length) on small inputs', () => {
    const lcs = (a: string[], b: string[]) => {
      const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0))
      for (let i = 1; i <= a.length; i++)
        for (let j = 1; j <= b.length; j++)
          t[i][j] = a[i - 1] === b[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1])
      return t[a.length][b.length]
    }
    const line = fc.constantFrom('a', 'b', 'c', 'd')
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.array(line, { maxLength: 20 }), (a, b) => {
        const ops = diffLines(a, b)
        expect(ops.filter((o) => o.t === ' ').length).toBe(lcs(a, b))
        expect(ops.filter((o) => o.t !== '+').map((o) => o.line)).toEqual(a)
        expect(ops.filter((o) => o.t !== '-').map((o) => o.line)).toEqual(b)
      }),
      { numRuns: 300 }
    )
  })

  it('produces hunks that patch the old text into the new one', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'flowchart TD', '  n_x --> n_y', '')
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 40 }),
        fc.array(line, { maxLength: 40 }),
        fc.nat(4),
        (a, b, context) => {
          const oldText = a.join('\n')
          const newText = b.join('\n')
          const diff = unifiedDiff(oldText, newText, { context, maxLines: 10_000 })
          if (splitLines(oldText).join('\n') === splitLines(newText).join('\n'))
            expect(diff).toBe('')
          else expect(applyUnified(oldText, diff)).toBe(splitLines(newText).join('\n'))
        }
      ),
      { numRuns: 300 }
    )
  })

  it('stays cheap on large, completely different texts', () => {
    const a = Array.from({ length: 20_000 }, (_, i) => `a${i}`).join('\n')
    const b = Array.from({ length: 20_000 }, (_, i) => `b${i}`).join('\n')
    const out = unifiedDiff(a, b, { maxLines: 10 })
    expect(out.split('\n')[2]).toBe('@@ -1,20000 +1,20000 @@')
  })
})
