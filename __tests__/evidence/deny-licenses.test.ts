import { describe, expect, it } from '@jest/globals'
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { collectEvidence, loadEvidenceDeclarations } from '../../shared/evidence/index.js'
import { loadGraph } from '../../shared/graph/index.js'

const bom = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../fixtures/evidence/real-tools/bom.cdx.json'
)

function workspace(graph: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'flow-deny-'))
  mkdirSync(path.join(root, '.process'))
  mkdirSync(path.join(root, 'reports'))
  copyFileSync(bom, path.join(root, 'reports', 'bom.cdx.json'))
  writeFileSync(path.join(root, '.process', 'graph.yaml'), graph)
  return root
}

const graphWith = (deny: string) =>
  `evidence:\n  sbom:\n    path: reports/bom.cdx.json\n${deny}nodes:\n  - id: a\n    kind: activity\n`

describe('a licence deny-list declared with the evidence', () => {
  it('counts components whose licence is denied', async () => {
    const root = workspace(graphWith('    deny_licenses: [GPL-3.0-only]\n'))
    const { graph, findings } = loadGraph(root, '.process/graph.yaml')
    expect(findings).toEqual([])
    expect(graph.evidence[0].denyLicenses).toEqual(['GPL-3.0-only'])
    const c = await collectEvidence(loadEvidenceDeclarations(root, graph.evidence), { root })
    expect(c.metrics.get('sbom.licenses.denied')).toBeGreaterThan(0)
    expect(c.findings.some((f) => f.kind === 'denied-license')).toBe(true)
  })

  it('gives zero when no component uses a denied licence', async () => {
    const root = workspace(graphWith('    deny_licenses: [AGPL-3.0-only]\n'))
    const { graph } = loadGraph(root, '.process/graph.yaml')
    const c = await collectEvidence(loadEvidenceDeclarations(root, graph.evidence), { root })
    expect(c.metrics.get('sbom.licenses.denied')).toBe(0)
  })

  it('gives no value at all without a deny-list, so a gate on it cannot pass on nothing', async () => {
    const root = workspace(graphWith(''))
    const { graph } = loadGraph(root, '.process/graph.yaml')
    const c = await collectEvidence(loadEvidenceDeclarations(root, graph.evidence), { root })
    expect(c.metrics.has('sbom.licenses.denied')).toBe(false)
    expect(c.metrics.get('sbom.components')).toBeGreaterThan(0)
  })
})
