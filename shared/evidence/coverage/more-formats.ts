/** Coverage formats besides lcov, Cobertura, JaCoCo and istanbul; docs/evidence.md has the table. */
import type { FormatReader } from '../reader.js'
import { readClover } from './clover.js'
import { readGoCover } from './go-cover.js'
import { readCoveralls, readGcovJson, readSimpleCov } from './json-coverage.js'

export const MORE_COVERAGE_FORMATS = ['clover', 'go-cover', 'simplecov', 'gcovr-json', 'gcov-json', 'coveralls'] as const
export type MoreCoverageFormat = (typeof MORE_COVERAGE_FORMATS)[number]

export const MORE_COVERAGE_READERS: Readonly<Record<MoreCoverageFormat, FormatReader>> = {
  clover: readClover,
  'go-cover': readGoCover,
  simplecov: readSimpleCov,
  'gcovr-json': readGcovJson,
  'gcov-json': readGcovJson,
  coveralls: readCoveralls
}

/**
 * Read as a stream (XML, lines, or JSON one source file's entry at a time), under the stream size
 * cap.
 */
export const STREAMED_COVERAGE_FORMATS: readonly MoreCoverageFormat[] = [
  'clover',
  'go-cover',
  'simplecov',
  'gcovr-json',
  'gcov-json',
  'coveralls'
]

export { readClover, readCoveralls, readGcovJson, readGoCover, readSimpleCov }
