import { EvidenceError } from '../../errors.js'
import { printable } from '../../safe-path.js'
import type { OpenedEvidence } from '../evidence-file.js'
import type { NormalisedMutant } from '../types.js'
import { streamXml, type XmlTag } from '../xml-stream.js'
import { PIT_STATUS } from './statuses.js'

const FIELDS = new Set([
  'sourceFile',
  'mutatedClass',
  'mutatedMethod',
  'lineNumber',
  'mutator',
  'description'
])

/**
 * PIT mutations.xml: <mutations><mutation detected status ...><sourceFile>Foo.java</sourceFile>
 * <mutatedClass>com.acme.Foo</mutatedClass><lineNumber>12</lineNumber><mutator>...</mutator>...
 * The file is the class's package folder plus sourceFile (com/acme/Foo.java).
 */
export async function readPitMutants(
  opened: OpenedEvidence,
  maxBytes: number
): Promise<NormalisedMutant[]> {
  const display = opened.display
  const mutants: NormalisedMutant[] = []
  let current: { status: string; fields: Map<string, string> } | undefined
  let field: string | undefined
  let checkedRoot = false
  const open = (tag: XmlTag): void => {
    if (!checkedRoot) {
      checkedRoot = true
      if (tag.name !== 'mutations')
        throw new EvidenceError(
          display,
          'unsupported',
          `is not a PIT mutations.xml: its root element is <${tag.name}>.`
        )
      return
    }
    if (tag.name === 'mutation') {
      current = { status: tag.attributes.status ?? '', fields: new Map() }
    } else if (current && FIELDS.has(tag.name)) {
      field = tag.name
      current.fields.set(field, '')
    }
  }
  const close = (name: string): void => {
    if (name === 'mutation' && current) {
      const f = current.fields
      const status = PIT_STATUS[current.status]
      if (!status)
        throw new EvidenceError(
          display,
          'unsupported',
          `mutation ${mutants.length + 1} has status "${printable(current.status, 40)}", which PIT does not define.`
        )
      const line = Number(f.get('lineNumber'))
      if (!Number.isInteger(line) || line < 1)
        throw new EvidenceError(
          display,
          'malformed',
          `mutation ${mutants.length + 1} has no valid lineNumber.`
        )
      const cls = (f.get('mutatedClass') ?? '').trim()
      const pkg = cls.includes('.') ? cls.slice(0, cls.lastIndexOf('.')).replace(/\./g, '/') : ''
      const source =
        (f.get('sourceFile') ?? '').trim() ||
        `${cls.slice(cls.lastIndexOf('.') + 1).split('$')[0]}.java`
      const mutator = (f.get('mutator') ?? 'unknown').trim()
      mutants.push({
        id: String(mutants.length + 1),
        file: pkg ? `${pkg}/${source}` : source,
        mutatorName: mutator.slice(mutator.lastIndexOf('.') + 1),
        status,
        line,
        replacement: f.get('description')?.trim() || undefined,
        originalStatus: current.status
      })
      current = undefined
    } else if (name === field) {
      field = undefined
    }
  }
  await streamXml(opened, maxBytes, {
    open,
    close,
    wantText: () => field !== undefined,
    text: (t) => {
      if (current && field) current.fields.set(field, (current.fields.get(field) ?? '') + t)
    }
  })
  return mutants
}
