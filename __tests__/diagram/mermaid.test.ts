import { describe, it, expect } from '@jest/globals'
import {
  colourOf,
  diagramStats,
  escapeMermaidLabel,
  gateStatuses,
  graphEdges,
  mermaidIds,
  renderMarkdown,
  renderMermaid
} from '../../shared/diagram/mermaid.js'
import { allKindsGraph, makeGraph, makeReport } from './helpers.js'

/** The mermaid line that declares a node, by its mermaid id. */
function nodeLine(text: string, mermaidId: string): string {
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.trimStart().startsWith(`${mermaidId}[`) ||
        l.trimStart().startsWith(`${mermaidId}{`) ||
        l.trimStart().startsWith(`${mermaidId}(`)
    )
  if (!line) throw new Error(`no node line for ${mermaidId} in\n${text}`)
  return line.trim()
}

/** Class name -> mermaid ids, from the `class a,b name` lines. */
function classAssignments(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const m of text.matchAll(/^ {2}class (\S+) (\S+)$/gm)) map.set(m[2], m[1].split(','))
  return map
}

describe('shapes', () => {
  const text = renderMermaid(allKindsGraph())

  it('starts with a flowchart header in the requested direction', () => {
    expect(text.split('\n')[0]).toBe('flowchart TD')
    expect(renderMermaid(allKindsGraph(), undefined, { direction: 'LR' }).split('\n')[0]).toBe(
      'flowchart LR'
    )
  })

  it('draws a rectangle, rhombus, hexagon and stadium per kind', () => {
    expect(nodeLine(text, 'n_plan')).toBe('n_plan["plan"]')
    expect(nodeLine(text, 'n_choose')).toBe('n_choose{"choose"}')
    expect(nodeLine(text, 'n_G_design')).toBe('n_G_design{{"G-design"}}')
    expect(nodeLine(text, 'n_recalibrate')).toBe('n_recalibrate(["recalibrate"])')
  })

  it('labels decision and gate edges in the -->|label| form and leaves plain transitions unlabelled', () => {
    expect(text).toContain('  n_plan --> n_choose\n')
    expect(text).toContain('  n_choose -->|"risk #lt;= medium and nfr_covered"| n_G_design\n')
    expect(text).toContain('  n_choose -->|"else"| n_threat_model\n')
    expect(text).toContain('  n_G_design -->|"pass"| n_build\n')
    expect(text).toContain('  n_G_design -->|"fail"| n_choose\n')
    expect(text).toContain('  n_recalibrate --> n_plan\n')
    expect(text).not.toMatch(/--\|/)
  })

  it('assigns each node its kind class and defines the classes and a legend', () => {
    const classes = classAssignments(text)
    expect(classes.get('activity')).toEqual(['n_plan', 'n_threat_model', 'n_build'])
    expect(classes.get('decision')).toEqual(['n_choose'])
    expect(classes.get('gate')).toEqual(['n_G_design', 'n_G_verify'])
    expect(classes.get('calibrate')).toEqual(['n_recalibrate'])
    for (const kind of ['activity', 'decision', 'gate', 'calibrate'])
      expect(text).toMatch(new RegExp(`^ {2}classDef ${kind} fill:`, 'm'))
    expect(text).toContain('  subgraph legend["Legend"]\n')
    expect(text).toContain('    legend_gate{{"gate"}}:::gate\n')
    expect(text).toContain('    legend_calibrate(["calibrate"]):::calibrate\n')
    // no report: no status classes
    expect(text).not.toContain('classDef passed')
  })

  it('adds a title as mermaid front matter, escaped as a YAML string', () => {
    const titled = renderMermaid(allKindsGraph(), undefined, {
      title: 'Our "process"\n---\nflowchart'
    })
    expect(
      titled.startsWith('---\ntitle: "Our \\"process\\" --- flowchart"\n---\nflowchart TD\n')
    ).toBe(true)
    expect(
      renderMermaid(allKindsGraph(), undefined, { title: '  ' }).startsWith('flowchart TD')
    ).toBe(true)
  })
})

describe('escaping', () => {
  it('turns every special character into a mermaid entity code', () => {
    expect(escapeMermaidLabel('a "b" | [c] {d} (e) <f> #g & h % i ; j ` k \\')).toBe(
      'a #quot;b#quot; #124; #91;c#93; #123;d#125; #40;e#41; #lt;f#gt; #35;g #amp; h #37; i #59; j #96; k #92;'
    )
  })

  it('escapes # first so user text cannot smuggle an entity code', () => {
    expect(escapeMermaidLabel('#quot;')).toBe('#35;quot#59;')
  })

  it('turns newlines into <br/>, drops control characters and keeps emoji whole', () => {
    expect(escapeMermaidLabel('one\r\ntwo\nthree\u0007')).toBe('one<br/>two<br/>three')
    expect(escapeMermaidLabel('\n\nx\n\n')).toBe('x')
    const long = escapeMermaidLabel('😀'.repeat(50), 10)
    expect(Array.from(long)).toHaveLength(10)
    expect(long.endsWith('…')).toBe(true)
    expect(long).not.toMatch(/[\ud800-\udfff](?![\udc00-\udfff])/u)
  })

  it('never produces an empty label', () => {
    expect(escapeMermaidLabel('')).toBe('#160;')
    expect(escapeMermaidLabel(' \n ')).toBe('#160;')
  })

  it('keeps hostile ids out of the mermaid syntax of the node and edge lines', () => {
    const hostile = 'x"] --> evil["pwn'
    const graph = makeGraph([
      { id: hostile, kind: 'activity', next: 'end' },
      {
        id: 'end',
        kind: 'decision',
        branches: [
          { when: 'a | b --> c', node: hostile },
          { when: 'else', node: 'end' }
        ]
      }
    ])
    const text = renderMermaid(graph)
    const ids = mermaidIds([hostile, 'end'])
    expect(ids.get('end')).toBe('n_end')
    expect(nodeLine(text, ids.get(hostile) as string)).toBe(
      `${ids.get(hostile)}["x#quot;#93; --#gt; evil#91;#quot;pwn"]`
    )
    expect(text).toContain(`n_end -->|"a #124; b --#gt; c"| ${ids.get(hostile)}`)
    // the only quotes are the label delimiters
    for (const line of text.split('\n').filter((l) => l.includes(ids.get(hostile) as string))) {
      expect(line.replace(/"[^"]*"/g, '')).not.toMatch(/["|[\]]{3,}/)
    }
  })
})

describe('ids', () => {
  it('maps ids to safe mermaid ids deterministically, whatever the order', () => {
    const a = mermaidIds(['N-vision', 'N_vision', 'N vision', 'end', 'émoji😀'])
    const b = mermaidIds(['émoji😀', 'end', 'N vision', 'N_vision', 'N-vision'])
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort())
    for (const id of a.values()) expect(id).toMatch(/^n_[A-Za-z0-9_]+$/)
    expect(new Set(a.values()).size).toBe(5)
    // sorted originals: 'N vision' < 'N-vision' < 'N_vision'
    expect(a.get('N vision')).toBe('n_N_vision')
    expect(a.get('N-vision')).toBe('n_N_vision_2')
    expect(a.get('N_vision')).toBe('n_N_vision_3')
  })

  it('does not collide with the suffix of another id', () => {
    const ids = mermaidIds(['a-b', 'a_b', 'a_b_2'])
    expect(new Set(ids.values()).size).toBe(3)
  })
})

describe('missing nodes', () => {
  const graph = makeGraph([
    { id: 'operate', kind: 'activity', next: 'recalibrate' },
    { id: 'recalibrate', kind: 'decision', next: 'requirements' },
    { id: 'G', kind: 'gate', pass: 'ghost', fail: 'operate' }
  ])
  const text = renderMermaid(graph)

  it('draws referenced but undefined nodes once, with the missing class and a (missing) label', () => {
    expect(nodeLine(text, 'n_requirements')).toBe('n_requirements["requirements (missing)"]')
    expect(nodeLine(text, 'n_ghost')).toBe('n_ghost["ghost (missing)"]')
    expect(text.match(/n_requirements\[/g)).toHaveLength(1)
    expect(classAssignments(text).get('missing')).toEqual(['n_ghost', 'n_requirements'])
    expect(text).toMatch(/^ {2}classDef missing .*stroke-dasharray/m)
    expect(text).toContain('legend_missing["missing node"]:::missing')
    expect(diagramStats(graph).missing).toEqual(['ghost', 'requirements'])
  })

  it('has no missing class or legend entry when every target exists', () => {
    const clean = renderMermaid(allKindsGraph())
    expect(clean).not.toContain('missing')
  })
})

describe('colouring by a report', () => {
  const graph = makeGraph([
    { id: 'start', kind: 'activity', next: 'G-pass' },
    { id: 'G-pass', kind: 'gate', pass: 'G-fail', fail: 'start' },
    { id: 'G-fail', kind: 'gate', pass: 'G-waived', fail: 'start' },
    { id: 'G-waived', kind: 'gate', pass: 'G-warned', fail: 'start' },
    { id: 'G-warned', kind: 'gate', pass: 'G-error', fail: 'start' },
    { id: 'G-error', kind: 'gate', pass: 'G-absent', fail: 'start' },
    { id: 'G-absent', kind: 'gate', pass: 'G-odd', fail: 'start' },
    { id: 'G-odd', kind: 'gate', pass: 'start', fail: 'start' }
  ])
  const report = makeReport([
    ['G-pass', 'passed'],
    ['G-fail', 'failed'],
    ['G-waived', 'waived'],
    ['G-warned', 'warned'],
    ['G-error', 'error'],
    ['G-odd', 'bogus' as never],
    ['not-in-graph', 'passed']
  ])
  const text = renderMermaid(graph, report)
  const classes = classAssignments(text)

  it('gives each gate the class of its status; gates missing from the report are not evaluated', () => {
    expect(classes.get('passed')).toEqual(['n_G_pass'])
    expect(classes.get('failed')).toEqual(['n_G_fail'])
    expect(classes.get('waived')).toEqual(['n_G_waived'])
    expect(classes.get('warned')).toEqual(['n_G_warned'])
    expect(classes.get('errored')).toEqual(['n_G_error'])
    expect(classes.get('notEvaluated')).toEqual(['n_G_absent', 'n_G_odd'])
    expect(classes.get('gate')).toBeUndefined()
    expect(classes.get('activity')).toEqual(['n_start'])
  })

  it('writes the status into the gate label so it does not rely on colour alone', () => {
    expect(nodeLine(text, 'n_G_pass')).toBe('n_G_pass{{"G-pass<br/>passed"}}')
    expect(nodeLine(text, 'n_G_absent')).toBe('n_G_absent{{"G-absent<br/>not evaluated"}}')
    expect(nodeLine(text, 'n_G_waived')).toBe('n_G_waived{{"G-waived<br/>waived"}}')
  })

  it('defines a distinct style per status and lists every status in the legend', () => {
    const styles = new Map(
      [...text.matchAll(/^ {2}classDef (\S+) (.*)$/gm)].map((m) => [m[1], m[2]])
    )
    const statuses = ['passed', 'failed', 'waived', 'warned', 'errored', 'notEvaluated']
    for (const s of statuses) {
      expect(styles.get(s)).toBeDefined()
      expect(text).toContain(`:::${s}\n`)
    }
    expect(new Set(statuses.map((s) => styles.get(s))).size).toBe(statuses.length)
    expect(styles.get('passed')).toContain('#1a7f37')
    expect(styles.get('failed')).toContain('#cf222e')
  })

  it('a waived gate is never drawn as passed', () => {
    const only = renderMermaid(
      makeGraph([{ id: 'G', kind: 'gate', pass: 'G', fail: 'G' }]),
      makeReport([['G', 'waived']])
    )
    expect(classAssignments(only).get('waived')).toEqual(['n_G'])
    expect(classAssignments(only).get('passed')).toBeUndefined()
  })

  it('draws the legend as one row of the kinds and colours in use, not a column of every status', () => {
    const small = renderMermaid(
      makeGraph([
        { id: 'build', kind: 'activity', next: 'G' },
        { id: 'G', kind: 'gate', pass: 'build', fail: 'build' }
      ]),
      makeReport([['G', 'passed']])
    )
    const legend = small.slice(small.indexOf('  subgraph legend'), small.indexOf('  end\n') + 6)
    expect(legend).toBe(
      [
        '  subgraph legend["Legend"]',
        '    direction LR',
        '    legend_activity["activity"]:::activity',
        '    legend_passed{{"gate passed"}}:::passed',
        '    legend_activity ~~~ legend_passed',
        '  end\n'
      ].join('\n')
    )
    expect(small).toContain('  end\n  legend ~~~ n_build\n')
    // Every status in use is in the legend, chained on one line.
    const chain = text.split('\n').find((l) => l.includes(' ~~~ '))
    expect(chain?.trim().split(' ~~~ ')).toEqual([
      'legend_activity',
      'legend_passed',
      'legend_failed',
      'legend_errored',
      'legend_waived',
      'legend_warned',
      'legend_notEvaluated'
    ])
  })

  it('an empty report colours every gate not evaluated', () => {
    const empty = renderMermaid(graph, makeReport([]))
    expect(classAssignments(empty).get('notEvaluated')).toHaveLength(7)
  })

  it('maps statuses and reads the first entry per gate', () => {
    expect(colourOf('passed')).toBe('passed')
    expect(colourOf('error')).toBe('errored')
    expect(colourOf('not-evaluated')).toBe('notEvaluated')
    expect(colourOf(undefined)).toBe('notEvaluated')
    expect(colourOf('skipped')).toBe('notEvaluated')
    const statuses = gateStatuses(
      makeReport([
        ['a', 'failed'],
        ['a', 'passed']
      ])
    )
    expect(statuses.get('a')).toBe('failed')
    const stats = diagramStats(graph, report)
    expect(stats.gates).toEqual({
      passed: 1,
      failed: 1,
      errored: 1,
      waived: 1,
      warned: 1,
      notEvaluated: 2
    })
    expect(stats.unknownReportGates).toEqual(['not-in-graph'])
  })
})

describe('determinism', () => {
  it('renders the same text every time', () => {
    const report = makeReport([['G-design', 'failed']])
    expect(renderMermaid(allKindsGraph(), report)).toBe(renderMermaid(allKindsGraph(), report))
    expect(renderMarkdown(allKindsGraph(), report)).toBe(renderMarkdown(allKindsGraph(), report))
  })

  it('does not depend on the order of report entries', () => {
    const a = makeReport([
      ['G-design', 'failed'],
      ['G-verify', 'passed']
    ])
    const b = makeReport([
      ['G-verify', 'passed'],
      ['G-design', 'failed']
    ])
    expect(renderMermaid(allKindsGraph(), a)).toBe(renderMermaid(allKindsGraph(), b))
  })

  it('draws a duplicated id once (first definition) and keeps edges in graph order', () => {
    const graph = makeGraph([
      { id: 'a', kind: 'activity', next: 'b' },
      { id: 'b', kind: 'activity', next: 'a' },
      { id: 'a', kind: 'gate', pass: 'b', fail: 'b' }
    ])
    const text = renderMermaid(graph)
    expect(text.match(/^ {2}n_a[[{(]/gm)).toHaveLength(1)
    expect(nodeLine(text, 'n_a')).toBe('n_a["a"]')
    expect(graphEdges(graph).map((e) => `${e.from}>${e.to}:${e.label ?? ''}`)).toEqual([
      'a>b:',
      'b>a:',
      'a>b:pass',
      'a>b:fail'
    ])
  })
})

describe('renderMarkdown', () => {
  it('wraps the flowchart in a mermaid fence after a status line', () => {
    const md = renderMarkdown(
      allKindsGraph(),
      makeReport([
        ['G-design', 'passed'],
        ['G-verify', 'failed']
      ]),
      { title: 'Process <b>' }
    )
    const lines = md.split('\n')
    expect(lines[0]).toBe('### Process &lt;b&gt;')
    expect(lines[2]).toContain(
      '**Process graph:** 7 nodes (3 activities, 1 decision, 2 gates, 1 calibrate node), 10 transitions.'
    )
    expect(lines[2]).toContain('**Gates:** 1 passed (green) · 1 failed (red).')
    expect(md).toContain('\n```mermaid\nflowchart TD\n')
    expect(md.endsWith('```\n')).toBe(true)
    expect(md.match(/```/g)).toHaveLength(2)
  })

  it('says when no report was given and names missing nodes escaped', () => {
    const md = renderMarkdown(makeGraph([{ id: 'a', kind: 'activity', next: '<b>@team' }]))
    expect(md).toContain('Gates are not coloured: no flow report was given.')
    expect(md).toContain(
      '**Missing:** 1 node referenced but not defined: <code>&lt;b&gt;@\u200dteam</code>'
    )
    expect(md).not.toContain('<b>')
  })
})
