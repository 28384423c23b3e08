import { EvidenceError } from '../../errors.js'
import type { OpenedEvidence } from '../evidence-file.js'
import { isRecord, readJson } from '../json-file.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import { SbomCounter } from './sbom-counts.js'

const NO_LICENCE = new Set(['NOASSERTION', 'NONE', ''])

/**
 * SPDX 2.x JSON: every package is a component; its licence is licenseConcluded, else
 * licenseDeclared (NOASSERTION and NONE count as unknown). SPDX 2 documents carry no
 * vulnerabilities, so the sbom.vulns.* counts stay at zero for them: use a CycloneDX BOM or SARIF
 * from a scanner to gate on vulnerabilities.
 */
export async function readSpdxJson(
  opened: OpenedEvidence,
  ctx: ReadContext
): Promise<ReaderOutput> {
  const display = opened.display
  const data = await readJson(opened, ctx.maxBytes)
  if (!isRecord(data) || typeof data.spdxVersion !== 'string')
    throw new EvidenceError(display, 'malformed', 'is not an SPDX JSON document (no spdxVersion).')
  if (!data.spdxVersion.startsWith('SPDX-2.'))
    throw new EvidenceError(
      display,
      'unsupported',
      `is ${data.spdxVersion}; only SPDX 2.x JSON is read.`
    )
  if (data.packages !== undefined && !Array.isArray(data.packages))
    throw new EvidenceError(display, 'malformed', '"packages" is not an array.')
  const counter = new SbomCounter(display, ctx)
  for (const p of (data.packages as unknown[] | undefined) ?? []) {
    if (!isRecord(p))
      throw new EvidenceError(display, 'malformed', 'has a package that is not an object.')
    const licence = [p.licenseConcluded, p.licenseDeclared].find(
      (l) => typeof l === 'string' && !NO_LICENCE.has(l.trim())
    ) as string | undefined
    const name = [p.name, p.versionInfo].filter((s) => typeof s === 'string').join('@')
    counter.component(name || String(p.SPDXID ?? '(unnamed)'), licence ? [licence] : [])
  }
  return { namespace: 'sbom', counts: counter.counts() }
}
