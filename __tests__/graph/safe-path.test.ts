import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { resolveInWorkspace, resolveInWorkspaceOr } from '../../shared/safe-path.js'

function setup() {
  const base = mkdtempSync(path.join(tmpdir(), 'flow-paths-'))
  const root = path.join(base, 'workspace')
  const own = path.join(base, 'runner-temp', 'flow-actions')
  const other = path.join(base, 'runner-temp', 'elsewhere')
  for (const d of [root, own, other]) mkdirSync(d, { recursive: true })
  writeFileSync(path.join(own, 'flow-report.json'), '{}')
  writeFileSync(path.join(other, 'credentials.json'), '{}')
  return { root, own, other }
}

describe('workspace confinement', () => {
  it('refuses .., absolute paths and symlinks that lead out of the workspace', () => {
    const { root, other } = setup()
    symlinkSync('/proc/self/environ', path.join(root, 'environ'))
    expect(() => resolveInWorkspace(root, '../../etc/passwd')).toThrow(/outside the workspace/)
    expect(() => resolveInWorkspace(root, path.join(other, 'credentials.json'))).toThrow(
      /outside the workspace/
    )
    expect(() => resolveInWorkspace(root, 'environ')).toThrow(/symbolic link/)
  })

  it("also accepts flow-actions' own output folder when asked, and nothing else outside", () => {
    const { root, own, other } = setup()
    expect(resolveInWorkspaceOr(root, path.join(own, 'flow-report.json'), 'report', [own])).toBe(
      path.join(own, 'flow-report.json')
    )
    expect(() =>
      resolveInWorkspaceOr(root, path.join(other, 'credentials.json'), 'report', [own])
    ).toThrow(/outside the workspace/)
    expect(() =>
      resolveInWorkspaceOr(root, path.join(own, '..', 'elsewhere', 'credentials.json'), 'report', [
        own
      ])
    ).toThrow(/outside the workspace/)
    symlinkSync(path.join(other, 'credentials.json'), path.join(own, 'link.json'))
    expect(() => resolveInWorkspaceOr(root, path.join(own, 'link.json'), 'report', [own])).toThrow(
      /outside the workspace/
    )
  })
})
