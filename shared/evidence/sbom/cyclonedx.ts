import { EvidenceError } from '../../errors.js'
import type { OpenedEvidence } from '../evidence-file.js'
import { isRecord, readJson } from '../json-file.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import { streamXml, type XmlTag } from '../xml-stream.js'
import { severityWord, SEVERITY_ORDER } from './licenses.js'
import { SbomCounter } from './sbom-counts.js'

const MAX_COMPONENT_DEPTH = 64

/** Worst severity among a vulnerability's ratings. */
function worst(severities: unknown[]): (typeof SEVERITY_ORDER)[number] | undefined {
  let best: number | undefined
  for (const s of severities) {
    const w = severityWord(s)
    if (!w) continue
    const i = SEVERITY_ORDER.indexOf(w)
    if (best === undefined || i < best) best = i
  }
  return best === undefined ? undefined : SEVERITY_ORDER[best]
}

function jsonLicences(c: Record<string, unknown>): string[] {
  if (!Array.isArray(c.licenses)) return []
  const out: string[] = []
  for (const l of c.licenses) {
    if (!isRecord(l)) continue
    if (typeof l.expression === 'string') out.push(l.expression)
    else if (isRecord(l.license)) {
      const id = l.license.id ?? l.license.name
      if (typeof id === 'string' && id.trim() !== '') out.push(id)
    }
  }
  return out
}

/**
 * CycloneDX JSON (1.2 to 1.6): components counted through nested components (iteratively, so a
 * deep tree cannot overflow the stack), the root metadata component excluded; vulnerabilities by
 * their worst rating.
 */
export async function readCycloneDxJson(
  opened: OpenedEvidence,
  ctx: ReadContext
): Promise<ReaderOutput> {
  const display = opened.display
  const data = await readJson(opened, ctx.maxBytes)
  if (!isRecord(data) || data.bomFormat !== 'CycloneDX')
    throw new EvidenceError(
      display,
      'malformed',
      'is not a CycloneDX BOM (bomFormat is not "CycloneDX").'
    )
  const counter = new SbomCounter(display, ctx)
  const stack: Array<[unknown, number]> = Array.isArray(data.components)
    ? data.components.map((c) => [c, 1])
    : []
  if (data.components !== undefined && !Array.isArray(data.components))
    throw new EvidenceError(display, 'malformed', '"components" is not an array.')
  while (stack.length > 0) {
    const [c, depth] = stack.pop() as [unknown, number]
    if (!isRecord(c))
      throw new EvidenceError(display, 'malformed', 'has a component that is not an object.')
    if (depth > MAX_COMPONENT_DEPTH)
      throw new EvidenceError(
        display,
        'malformed',
        `nests components deeper than ${MAX_COMPONENT_DEPTH} levels.`
      )
    const name = [c.group, c.name, c.version]
      .filter((s) => typeof s === 'string' && s !== '')
      .join(c.version ? '@' : '/')
    counter.component(name || String(c['bom-ref'] ?? '(unnamed)'), jsonLicences(c))
    if (Array.isArray(c.components))
      for (const child of c.components) stack.push([child, depth + 1])
  }
  if (data.vulnerabilities !== undefined) {
    if (!Array.isArray(data.vulnerabilities))
      throw new EvidenceError(display, 'malformed', '"vulnerabilities" is not an array.')
    for (const v of data.vulnerabilities) {
      if (!isRecord(v)) continue
      const ratings = Array.isArray(v.ratings)
        ? v.ratings.filter(isRecord).map((r) => r.severity)
        : []
      counter.vulnerability(String(v.id ?? '(no id)'), worst(ratings))
    }
  }
  return { namespace: 'sbom', counts: counter.counts() }
}

/** CycloneDX XML, streamed: <components><component> (nested too), licences, vulnerabilities. */
export async function readCycloneDxXml(
  opened: OpenedEvidence,
  ctx: ReadContext
): Promise<ReaderOutput> {
  const display = opened.display
  const counter = new SbomCounter(display, ctx)
  const components: Array<{ name: string; licences: string[] }> = []
  const path: string[] = []
  let inMetadata = 0
  let text: string | undefined
  let vuln: { id: string; severities: string[] } | undefined
  const local = (n: string) => (n.includes(':') ? n.slice(n.indexOf(':') + 1) : n)
  const open = (tag: XmlTag): void => {
    const name = local(tag.name)
    const parent = path[path.length - 1]
    path.push(name)
    if (path.length === 1) {
      if (name !== 'bom')
        throw new EvidenceError(
          display,
          'unsupported',
          `is not a CycloneDX BOM: its root element is <${tag.name}>.`
        )
      return
    }
    if (name === 'metadata') inMetadata++
    if (inMetadata > 0) return
    if (name === 'component') components.push({ name: '', licences: [] })
    else if (name === 'vulnerability') vuln = { id: '', severities: [] }
    else if (
      (parent === 'component' && name === 'name') ||
      (parent === 'license' && (name === 'id' || name === 'name')) ||
      (parent === 'licenses' && name === 'expression') ||
      (parent === 'vulnerability' && name === 'id') ||
      (parent === 'rating' && name === 'severity')
    ) {
      text = ''
    }
  }
  const close = (raw: string): void => {
    const name = local(raw)
    path.pop()
    const parent = path[path.length - 1]
    if (name === 'metadata') {
      inMetadata--
      return
    }
    if (inMetadata > 0) return
    const top = components[components.length - 1]
    if (name === 'component' && top) {
      components.pop()
      counter.component(top.name || '(unnamed)', top.licences)
    } else if (name === 'vulnerability' && vuln) {
      counter.vulnerability(vuln.id || '(no id)', worst(vuln.severities))
      vuln = undefined
    } else if (text !== undefined) {
      const t = text.trim()
      text = undefined
      if (parent === 'vulnerability' && vuln && !vuln.id) vuln.id = t
      else if (parent === 'rating' && vuln) vuln.severities.push(t)
      else if (parent === 'component' && top) top.name = t
      else if (top && t && (parent === 'license' || parent === 'licenses')) top.licences.push(t)
    }
  }
  await streamXml(opened, ctx.maxBytes, {
    open,
    close,
    wantText: () => text !== undefined,
    text: (t) => {
      if (text !== undefined && text.length < 1000) text += t
    }
  })
  return { namespace: 'sbom', counts: counter.counts() }
}
