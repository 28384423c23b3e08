import type { Counts } from '../namespaces.js'
import type { ReadContext } from '../reader.js'
import { denySet, isDeniedAll, SEVERITY_ORDER } from './licenses.js'

/**
 * Accumulates SBOM counts: components, licences (unknown when a component states none) and
 * vulnerabilities by their worst rating. sbom.licenses.denied is only produced when a deny-list
 * is configured, so a gate on it without one fails as "absent" instead of passing on zero.
 */
export class SbomCounter {
  components = 0
  unknownLicences = 0
  deniedCount = 0
  private readonly denied: Set<string>
  private readonly vulns = new Map<string, number>(SEVERITY_ORDER.map((s) => [s, 0]))
  private vulnTotal = 0

  constructor(
    private readonly display: string,
    private readonly ctx: ReadContext
  ) {
    this.denied = denySet(ctx.deniedLicenses)
  }

  component(name: string, licences: string[]): void {
    this.components++
    if (licences.length === 0) {
      this.unknownLicences++
      return
    }
    // Several licence entries on one component all apply (AND).
    if (this.denied.size > 0 && isDeniedAll(licences, this.denied)) {
      this.deniedCount++
      this.finding(
        name,
        `uses a denied licence: ${licences.join(' AND ')}`,
        'error',
        'denied-license'
      )
    }
  }

  vulnerability(id: string, severity: (typeof SEVERITY_ORDER)[number] | undefined): void {
    this.vulnTotal++
    if (severity) this.vulns.set(severity, (this.vulns.get(severity) ?? 0) + 1)
    if (severity === 'critical' || severity === 'high')
      this.finding(id, `${severity} vulnerability`, 'error', 'vulnerability')
  }

  private finding(title: string, message: string, level: 'error' | 'warning', kind: string): void {
    if (!this.ctx.findings.wants()) return this.ctx.findings.count()
    this.ctx.findings.add({
      file: this.display,
      title,
      message: `${title} ${message} (${this.display}).`,
      level,
      kind
    })
  }

  counts(): Counts {
    const c: Counts = new Map([
      ['components', this.components],
      ['licenses.unknown', this.unknownLicences],
      ['vulns.total', this.vulnTotal]
    ])
    for (const [s, n] of this.vulns) c.set(`vulns.${s}`, n)
    if (this.denied.size > 0) c.set('licenses.denied', this.deniedCount)
    return c
  }
}
