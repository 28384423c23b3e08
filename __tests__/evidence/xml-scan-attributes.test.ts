/**
 * XmlScanner's attributes are read from its buffer on demand (shared/evidence/xml-scan.ts): the
 * one-attribute lookup and the whole map agree, decoded values are decoded, duplicates are refused
 * however many attributes a tag has, and a tag read after its handler returned fails loudly
 * instead of showing another tag's bytes.
 */
import { describe, expect, it } from '@jest/globals'
import { XmlScanner, XmlSyntaxError, type XmlTag } from '../../shared/evidence/xml-scan.js'

function scan(xml: string, open: (tag: XmlTag) => void, cut = 0): void {
  const scanner = new XmlScanner({ open, close: () => undefined })
  if (cut > 0) {
    for (let i = 0; i < xml.length; i += cut) scanner.write(xml.slice(i, i + cut))
  } else scanner.write(xml)
  scanner.close()
}

describe('XmlScanner attributes', () => {
  it('attribute(name) and attributes agree, plain and decoded, whole or cut into pieces', () => {
    const xml =
      '<r a="1" bb=\'two\' c = "x &amp; y&#10;z" d="tab\there" é="\u00e9"><t status="failed"/></r>'
    for (const cut of [0, 1, 3, 7]) {
      const seen: Array<Record<string, string | undefined>> = []
      scan(
        xml,
        (tag) => {
          const one = Object.fromEntries(
            ['a', 'bb', 'c', 'd', 'é', 'status', 'missing'].map((n) => [n, tag.attribute(n)])
          )
          expect({ ...tag.attributes }).toEqual(
            Object.fromEntries(Object.entries(one).filter(([, v]) => v !== undefined))
          )
          seen.push(one)
        },
        cut
      )
      expect(seen[0]).toMatchObject({ a: '1', bb: 'two', c: 'x & y\nz', d: 'tab here', é: 'é' })
      expect(seen[0].missing).toBeUndefined()
      expect(seen[1]).toMatchObject({ status: 'failed', a: undefined })
    }
  })

  it('an attribute named like an Object property is only an attribute', () => {
    scan('<r __proto__="p" toString="s"/>', (tag) => {
      expect(tag.attribute('__proto__')).toBe('p')
      expect(tag.attribute('constructor')).toBeUndefined()
      expect(tag.attributes.toString).toBe('s')
      expect(tag.attribute('hasOwnProperty')).toBeUndefined()
    })
  })

  it('refuses duplicates among a few attributes and among hundreds', () => {
    expect(() => scan('<r ab="1" ba="2" ab="3"/>', () => undefined)).toThrow(
      new XmlSyntaxError('duplicate attribute: ab')
    )
    const many = Array.from({ length: 300 }, (_, i) => `a${i}="${i}"`).join(' ')
    let count = 0
    scan(`<r ${many}/>`, (tag) => {
      count = Object.keys(tag.attributes).length
      expect(tag.attribute('a299')).toBe('299')
    })
    expect(count).toBe(300)
    expect(() => scan(`<r ${many} a17="again"/>`, () => undefined)).toThrow(
      new XmlSyntaxError('duplicate attribute: a17')
    )
    // A duplicate on the general path (a value with a reference) is refused too.
    expect(() => scan('<r a="&lt;" a="&gt;"/>', () => undefined)).toThrow(XmlSyntaxError)
  })

  it('a tag kept past its handler fails when read, instead of reading the next tag', () => {
    const kept: XmlTag[] = []
    scan('<r a="1"><t a="2"/></r>', (tag) => {
      kept.push(tag)
    })
    expect(() => kept[0].attribute('a')).toThrow(/after its handler returned/)
    expect(() => kept[1].attributes).toThrow(/after its handler returned/)
  })

  it('a map read in the handler stays valid afterwards', () => {
    const kept: XmlTag[] = []
    scan('<r a="1"><t a="2"/></r>', (tag) => {
      void tag.attributes
      kept.push(tag)
    })
    expect(kept.map((t) => t.attribute('a'))).toEqual(['1', '2'])
  })
})
