import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { COMMANDS } from '../../cli/main.js'
import { PACKAGE_NAME } from '../../shared/init/package-info.js'

// docs/init.md's fenced examples are the commands a new user copies: each is checked against
// what the package and the starter really do (the pack test runs the install and init commands).
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')
const doc = readFileSync(path.join(repoRoot, 'docs/init.md'), 'utf8')
const sh = [...doc.matchAll(/```sh\n([\s\S]*?)\n```/g)].map((m) => m[1])

describe('docs/init.md', () => {
  it('has exactly the three shell examples checked here', () => {
    expect(sh).toHaveLength(3)
  })

  it('installs and runs the package by its real name and runs only commands the CLI has', () => {
    expect(sh[0]).toBe(`npx ${PACKAGE_NAME} init`)
    const lines = sh[1].split('\n')
    expect(lines[0]).toBe(`npm install --save-dev ${PACKAGE_NAME}`)
    for (const line of lines.slice(1)) {
      const [npx, bin, command] = line.split(' ')
      expect([npx, bin]).toEqual(['npx', 'flow'])
      expect(Object.keys(COMMANDS)).toContain(command)
    }
  })

  it('shows the evidence command the verify starter runs', () => {
    const starter = parse(readFileSync(path.join(repoRoot, 'workflows/verify.yml'), 'utf8')) as {
      jobs: { verify: { with: Record<string, string> } }
    }
    const shown = sh[2].replace(/\\\n\s*/g, '').replace(/\n\s*/g, ' ')
    expect(shown).toBe(starter.jobs.verify.with['evidence-command'])
  })
})
