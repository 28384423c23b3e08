/**
 * Test result formats besides JUnit. Each reader maps its statuses onto the one `tests.*`
 * namespace through TestTally, so passed, failed, errors, skipped and flaky mean the same whatever
 * wrote the report (docs/evidence.md has the table).
 */
import { lazyReader, type FormatReader } from '../reader.js'

const xml = () => import('./xml-tests.js')
const json = () => import('./json-tests.js')
const events = () => import('./event-streams.js')
export const TEST_FORMATS = [
  'trx',
  'nunit',
  'xunit-net',
  'mocha-json',
  'jest-json',
  'rspec-json',
  'dart-json',
  'go-test-json',
  'tap'
] as const
export type TestFormatName = (typeof TEST_FORMATS)[number]

export const TEST_READERS: Readonly<Record<TestFormatName, FormatReader>> = {
  trx: lazyReader(async () => (await xml()).readTrx),
  nunit: lazyReader(async () => (await xml()).readNUnit),
  'xunit-net': lazyReader(async () => (await xml()).readXUnit),
  'mocha-json': lazyReader(async () => (await json()).readMochaJson),
  'jest-json': lazyReader(async () => (await json()).readJestJson),
  'rspec-json': lazyReader(async () => (await json()).readRspecJson),
  'dart-json': lazyReader(async () => (await events()).readDartJson),
  'go-test-json': lazyReader(async () => (await events()).readGoTestJson),
  tap: lazyReader(async () => (await import('./tap.js')).readTap)
}

/** Formats read as a stream (XML or lines): they get the stream size cap, not the JSON one. */
export const STREAMED_TEST_FORMATS: readonly TestFormatName[] = [
  'trx',
  'nunit',
  'xunit-net',
  'dart-json',
  'go-test-json',
  'tap'
]
