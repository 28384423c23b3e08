import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { COMMANDS, commandHelp, EXIT, FLAG_OPTIONS, main } from '../../cli/main.js'
import { closestName, editDistance } from '../../shared/suggest.js'

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')
const examples = path.join(repoRoot, 'examples')

async function flow(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    now: () => new Date('2026-12-01T12:00:00Z')
  })
  return { code, out, err }
}

const emptyFolder = () => mkdtempSync(path.join(tmpdir(), 'flow-cli-'))

describe('flow: typos get a suggestion and exit 2', () => {
  it('an unknown command names the closest one', async () => {
    const r = await flow('gaets', '--stage', 'dev')
    expect(r.code).toBe(2)
    expect(r.err.join('\n')).toContain('flow: unknown command "gaets"; did you mean "gates"?')
    expect(r.out).toEqual([])
    expect((await flow('validte')).err.join('\n')).toContain('did you mean "validate"?')
    expect((await flow('xyzzy')).err.join('\n')).toMatch(
      /^flow: unknown command "xyzzy"\.\nRun `flow help`/
    )
  })

  it("an unknown option names the command's closest option, not Node's parseArgs advice", async () => {
    const r = await flow('gates', '--stgae', 'dev')
    expect(r.code).toBe(2)
    const text = r.err.join('\n')
    expect(text).toContain('flow gates: unknown option --stgae; did you mean --stage?')
    expect(text).toContain('flow help gates')
    expect(text).not.toMatch(/positional argument|ERR_PARSE_ARGS/)
  })

  it('an option another command takes is refused with the nearest one this command takes', async () => {
    const r = await flow('render', '--chek')
    expect(r.err.join('\n')).toContain('did you mean --check?')
    const foreign = await flow('validate', '--stage', 'dev')
    expect(foreign.code).toBe(2)
    expect(foreign.err.join('\n')).toContain('flow validate: validate does not take --stage')
  })

  it('a missing value, a value given to a switch and a stray argument are usage errors', async () => {
    expect(await flow('gates', '--stage')).toMatchObject({
      code: 2,
      err: [
        'flow gates: --stage needs a value, e.g. --stage dev.\nRun `flow help gates` for its options.'
      ]
    })
    expect((await flow('gates', '--stage', '--json')).err.join('\n')).toContain(
      '--stage needs a value'
    )
    expect(await flow('validate', '--strict=yes')).toMatchObject({
      code: 2,
      err: [expect.stringContaining('--strict is a switch and takes no value')]
    })
    expect(await flow('validate', 'graph.yaml')).toMatchObject({
      code: 2,
      err: [expect.stringContaining('unexpected argument "graph.yaml"')]
    })
  })

  it('control characters in a typed name are not echoed to the terminal', async () => {
    const r = await flow('\u001b[2Jgates')
    expect(r.code).toBe(2)
    expect(r.err.join('\n')).not.toContain('\u001b')
  })
})

describe('flow help', () => {
  it('lists every command with one line each, the exit codes and the docs page', async () => {
    for (const argv of [['help'], [], ['--help']]) {
      const r = await flow(...argv)
      expect(r.code).toBe(0)
      const text = r.out.join('\n')
      for (const name of Object.keys(COMMANDS))
        expect(text).toMatch(new RegExp(`^  ${name} +\\S`, 'm'))
      expect(text).toContain(
        'Exit codes: 0 passed, 1 a gate or check failed, 2 a usage or configuration error.'
      )
      expect(text).toContain('docs/cli.md')
    }
  })

  it('flow help COMMAND and flow COMMAND --help print that command only', async () => {
    for (const argv of [
      ['help', 'gates'],
      ['gates', '--help'],
      ['gates', '-h']
    ]) {
      const r = await flow(...argv)
      expect(r.code).toBe(0)
      expect(r.out.join('\n')).toContain(COMMANDS.gates.help)
      expect(r.out.join('\n')).not.toContain(COMMANDS.validate.help)
    }
    expect(await flow('help', 'gaets')).toMatchObject({
      code: 2,
      err: [expect.stringContaining('did you mean "gates"?')]
    })
  })

  it("every command's options exist in the option table and its help names them", () => {
    for (const [name, c] of Object.entries(COMMANDS)) {
      for (const f of c.flags) {
        expect({ name, flag: f, known: Object.hasOwn(FLAG_OPTIONS, f) }).toEqual({
          name,
          flag: f,
          known: true
        })
        expect({ name, flag: f, documented: commandHelp(name).includes(`--${f}`) }).toEqual({
          name,
          flag: f,
          documented: true
        })
      }
      // And the other way: an option the help shows is one the parser lets through.
      for (const m of c.help.matchAll(/--([a-z][a-z-]*)/g)) {
        const accepted = [...c.flags, 'root', 'help', 'version'].includes(m[1])
        expect({ name, flag: m[1], accepted }).toEqual({ name, flag: m[1], accepted: true })
      }
    }
  })
})

describe('the exit-code contract: 0 passed, 1 a gate or check failed, 2 usage or configuration', () => {
  it('--root that does not exist is one clear line and exit 2', async () => {
    const r = await flow('--root', '/nonexistent', 'validate')
    expect(r.code).toBe(EXIT.usage)
    expect(r.err).toEqual([
      expect.stringMatching(
        /^flow validate: --root \/nonexistent does not exist; pass the repository's folder/
      )
    ])
    expect(r.err[0]).not.toContain('\n')
    const file = path.join(emptyFolder(), 'file.txt')
    writeFileSync(file, 'x')
    expect((await flow('gates', '--stage', 'dev', '--root', file)).err[0]).toContain(
      'is not a folder'
    )
  })

  it('flow validate without a graph suggests flow init and exits 2; a named graph that is missing too', async () => {
    const root = emptyFolder()
    const r = await flow('validate', '--root', root)
    expect(r.code).toBe(2)
    expect(r.err).toEqual([
      'flow validate: .process/graph.yaml does not exist. Run `flow init` to write a starter graph, or pass --graph FILE.'
    ])
    const named = await flow('validate', '--root', root, '--graph', 'nope.yaml')
    expect(named.code).toBe(2)
    expect(named.err[0]).toContain('nope.yaml does not exist; check the --graph path')
  })

  it('gates and render without a graph also point at flow init', async () => {
    const root = emptyFolder()
    for (const argv of [['gates', '--stage', 'dev'], ['render']]) {
      const r = await flow(...argv, '--root', root)
      expect(r.code).toBe(2)
      expect(r.err.join('\n')).toMatch(
        /\.process\/graph\.yaml does not exist.*Run `flow init` to write a starter graph\./
      )
    }
  })

  it('validate: 0 for a valid graph, 1 for an invalid one', async () => {
    expect((await flow('validate', '--root', examples)).code).toBe(0)
    const root = emptyFolder()
    writeFileSync(path.join(root, 'graph.yaml'), 'nodes:\n  - id: a\n    kind: activty\n')
    const r = await flow('validate', '--root', root, '--graph', 'graph.yaml')
    expect(r.code).toBe(1)
    expect(r.out.join('\n')).toContain('is not valid')
  })

  it('gates: 0 when they pass, 1 when one fails, 2 for a stage the graph does not have', async () => {
    expect((await flow('gates', '--root', examples, '--stage', 'staging')).code).toBe(0)
    expect((await flow('gates', '--root', examples, '--stage', 'production')).code).toBe(1)
    const bad = await flow('gates', '--root', examples, '--stage', 'prod')
    expect(bad.code).toBe(2)
    expect(bad.err.join('\n')).toContain('flow gates:')
  })

  it('docs/cli.md documents the same contract and every command', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs', 'cli.md'), 'utf8')
    expect(doc).toMatch(/\| `0` +\| [^|]*passed/)
    expect(doc).toMatch(/\| `1` +\| [^|]*failed/)
    expect(doc).toMatch(/\| `2` +\| [^|]*usage or configuration/)
    for (const name of [...Object.keys(COMMANDS), 'help']) expect(doc).toContain(`flow ${name}`)
  })
})

describe('closestName', () => {
  it('counts a swap of two neighbouring letters as one edit', () => {
    expect(editDistance('gaets', 'gates')).toBe(1)
    expect(editDistance('stgae', 'stage')).toBe(1)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('kitten', 'sitting')).toBe(3)
  })

  it('suggests only plausible typos, and a unique prefix', () => {
    const names = ['validate', 'gates', 'render', 'init']
    expect(closestName('gaets', names)).toBe('gates')
    expect(closestName('Gates', names)).toBe('gates')
    expect(closestName('rendr', names)).toBe('render')
    expect(closestName('val', names)).toBe('validate')
    expect(closestName('deploy', names)).toBeUndefined()
    expect(closestName('x', names)).toBeUndefined()
  })
})
