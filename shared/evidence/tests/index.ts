/**
 * Test result formats besides JUnit. Each reader maps its statuses onto the one `tests.*`
 * namespace through TestTally, so passed, failed, errors, skipped and flaky mean the same whatever
 * wrote the report (docs/evidence.md has the table).
 */
import type { FormatReader } from '../reader.js'
import { readDartJson, readGoTestJson } from './event-streams.js'
import { readJestJson, readMochaJson, readRspecJson } from './json-tests.js'
import { readTap } from './tap.js'
import { readNUnit, readTrx, readXUnit } from './xml-tests.js'

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
  trx: readTrx,
  nunit: readNUnit,
  'xunit-net': readXUnit,
  'mocha-json': readMochaJson,
  'jest-json': readJestJson,
  'rspec-json': readRspecJson,
  'dart-json': readDartJson,
  'go-test-json': readGoTestJson,
  tap: readTap
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

export {
  readDartJson,
  readGoTestJson,
  readJestJson,
  readMochaJson,
  readNUnit,
  readRspecJson,
  readTap,
  readTrx,
  readXUnit
}
