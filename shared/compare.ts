/**
 * Orders text by code unit: the same on every machine (reports and summaries must not depend on
 * the runner's locale) and far cheaper on a cold start than localeCompare, which loads ICU data.
 */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
