// spdx-expression-parse ships no types; this is the part of its API the licence check uses.
declare module 'spdx-expression-parse' {
  interface LicenseNode {
    license: string
    plus?: true
    exception?: string
  }
  interface ConjunctionNode {
    left: LicenseNode | ConjunctionNode
    conjunction: 'and' | 'or'
    right: LicenseNode | ConjunctionNode
  }
  /** Throws on text that is not a valid SPDX expression. */
  function parse(source: string): LicenseNode | ConjunctionNode
  export = parse
}
