/**
 * XmlScanner (shared/evidence/xml-scan.ts) against saxes, the parser it replaced on the evidence
 * path: on generated XML-shaped input, split into chunks at random places, the scanner must refuse
 * every document saxes refuses (never accept malformed XML) and, where both accept, report the same
 * tags, attributes and text. Where the scanner is stricter than saxes it says so in the case list.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { SaxesParser } from 'saxes'
import { XmlScanner, XmlSyntaxError } from '../../shared/evidence/xml-scan.js'

type Event = string

function viaSaxes(xml: string): Event[] | Error {
  const events: Event[] = []
  const parser = new SaxesParser({ xmlns: false })
  parser.on('opentag', (t) =>
    events.push(`open ${t.name} ${JSON.stringify(Object.entries(t.attributes))}`)
  )
  parser.on('closetag', (t) => events.push(`close ${t.name}`))
  parser.on('text', (t) => events.push(`text ${t}`))
  parser.on('cdata', (t) => events.push(`text ${t}`))
  parser.on('doctype', (d) => events.push(`doctype ${d}`))
  try {
    parser.write(xml)
    parser.close()
  } catch (error) {
    return error as Error
  }
  return merge(events)
}

function viaScanner(xml: string, cuts: number[]): Event[] | Error {
  const events: Event[] = []
  const scanner = new XmlScanner({
    open: (t) => events.push(`open ${t.name} ${JSON.stringify(Object.entries(t.attributes))}`),
    close: (name) => events.push(`close ${name}`),
    doctype: (d) => events.push(`doctype ${d}`)
  })
  scanner.onText = (t) => events.push(`text ${t}`)
  try {
    let from = 0
    for (const cut of [...cuts.filter((c) => c < xml.length).sort((a, b) => a - b), xml.length]) {
      scanner.write(xml.slice(from, cut))
      from = cut
    }
    scanner.close()
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error
    return error
  }
  return merge(events)
}

/**
 * Adjacent text events joined, empty ones dropped: where text is cut is not meaningful. Whitespace
 * outside the root is dropped too: saxes reports it, the scanner only checks it.
 */
function merge(events: Event[]): Event[] {
  const out: Event[] = []
  let depth = 0
  for (const e of events) {
    if (e.startsWith('open ')) depth++
    if (e.startsWith('close ')) depth--
    if (depth === 0 && e.startsWith('text ')) continue
    if (e.startsWith('text ') && out.length > 0 && out[out.length - 1].startsWith('text '))
      out[out.length - 1] += e.slice(5)
    else out.push(e)
  }
  return out.filter((e) => e !== 'text ')
}

const PIECES = [
  '<a',
  '<b',
  '<c:d',
  '</a>',
  '</b>',
  '</c:d>',
  '>',
  '/>',
  ' ',
  '\n',
  '\r\n',
  '\t',
  'x="1"',
  "y='2'",
  'x="&amp;&lt;&#65;&#x42;"',
  '__proto__="p"',
  'constructor="c"',
  'z="a\r\nb\tc"',
  'w="<"',
  'v=1',
  'x',
  '=',
  '"',
  "'",
  'text',
  '&amp;',
  '&gt;',
  '&quot;',
  '&x;',
  '&#0;',
  '&#x110000;',
  '&#9;',
  '&',
  ';',
  ']]>',
  ']]',
  ']',
  '<![CDATA[',
  '<![CDATA[x]]>',
  '<!-- c -->',
  '<!-- a -- b -->',
  '<!--->',
  '<?pi data?>',
  '<?xml version="1.0"?>',
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<!DOCTYPE a>',
  '<!DOCTYPE a SYSTEM "a.dtd">',
  '<!DOCTYPE a [<!ELEMENT a ANY>]>',
  '<!doctype a>',
  '\u0001',
  '\u00e9',
  '\u00b7',
  '\ufffe',
  '\ud83d\ude00',
  '<1a>',
  '<a b="1" b="2">',
  '<a b="1"c="2">',
  '< a>',
  '</ a>',
  // Whole start tags of the shape the one-regex fast path takes, and near misses of it.
  '<t a="1" bb=\'2\' c = "3"/>',
  '<t a="1" b="2" a="3">',
  '<t\n a="x\'y"\tb=\'x"y\' >',
  '<t a="1"/ >',
  '<t a="é"/>',
  '<té a="1"/>',
  '<t a="1"b="2"/>',
  '<t :a="1" _b="2" c.d-e="3"/>'
]

describe('XmlScanner agrees with saxes', () => {
  it('refuses what saxes refuses and reports the same events for what both accept', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }),
        fc.array(fc.nat(400), { maxLength: 5 }),
        fc.boolean(),
        (pieces, cuts, wrap) => {
          const xml = wrap ? `<r>${pieces.join('')}</r>` : pieces.join('')
          const expected = viaSaxes(xml)
          const actual = viaScanner(xml, cuts)
          if (expected instanceof Error) {
            expect({ xml, refused: actual instanceof Error }).toEqual({ xml, refused: true })
          } else if (!(actual instanceof Error)) {
            expect({ xml, events: actual }).toEqual({ xml, events: expected })
          }
        }
      ),
      { numRuns: Number(process.env.XML_SCAN_RUNS ?? 3000) }
    )
  })

  it.each([
    ['an undefined entity', '<a>&xxe;</a>'],
    ['an entity in an attribute', '<a b="&xxe;"/>'],
    ['a character reference to NUL', '<a>&#0;</a>'],
    ['mismatched tags', '<a><b></a></b>'],
    ['two roots', '<a/><b/>'],
    ['text after the root', '<a/>x'],
    ['an unclosed root', '<a><b/>'],
    ['an unquoted attribute', '<a b=1/>'],
    ['a duplicate attribute', '<a b="1" b="2"/>'],
    ['a non-character in an attribute value', '<a b="x\ufffe"/>'],
    ['a control character in an attribute value', '<a b="x\u0001"/>'],
    ['a late XML declaration', ' <?xml version="1.0"?><a/>'],
    ['a DOCTYPE after the root', '<a/><!DOCTYPE a>'],
    ['a document that stops inside a tag', '<a><b c="1"'],
    ['no root', '<!-- only a comment -->']
  ])('refuses %s', (_, xml) => {
    expect(viaScanner(xml, [])).toBeInstanceOf(XmlSyntaxError)
    expect(viaSaxes(xml)).toBeInstanceOf(Error)
  })

  it('keeps __proto__ and constructor attributes as inert values, polluting nothing', () => {
    const seen: Array<Record<string, string>> = []
    const scanner = new XmlScanner({ open: (t) => seen.push(t.attributes), close: () => undefined })
    scanner.write(
      '<testsuite __proto__="polluted" constructor="c"><testcase name="a" toString="t"/></testsuite>'
    )
    scanner.close()
    expect(Object.entries(seen[0])).toEqual([
      ['__proto__', 'polluted'],
      ['constructor', 'c']
    ])
    expect(seen[1].toString).toBe('t')
    expect(seen[1].valueOf).toBeUndefined()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(seen[0])).not.toBe(Object.prototype)
  })

  it('reads a big attribute value and a big text node split into many chunks', () => {
    const value = 'v'.repeat(300_000)
    const xml = `<a b="${value}">${'t&amp;'.repeat(50_000)}<![CDATA[${'c'.repeat(100_000)}]]></a>`
    const cuts = Array.from({ length: 200 }, (_, i) => i * 3_001)
    expect(viaScanner(xml, cuts)).toEqual(viaSaxes(xml))
  })
})
