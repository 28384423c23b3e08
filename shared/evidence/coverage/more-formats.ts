/**
 * Coverage formats besides lcov, Cobertura, JaCoCo and istanbul; docs/evidence.md has the table.
 * Each reader's module loads on first use (lazyReader), so a run pays only for the formats it reads.
 */
import { lazyReader, type FormatReader } from '../reader.js'

const json = () => import('./json-coverage.js')

export const MORE_COVERAGE_FORMATS = ['clover', 'go-cover', 'simplecov', 'gcovr-json', 'gcov-json', 'coveralls'] as const
export type MoreCoverageFormat = (typeof MORE_COVERAGE_FORMATS)[number]

export const MORE_COVERAGE_READERS: Readonly<Record<MoreCoverageFormat, FormatReader>> = {
  clover: lazyReader(async () => (await import('./clover.js')).readClover),
  'go-cover': lazyReader(async () => (await import('./go-cover.js')).readGoCover),
  simplecov: lazyReader(async () => (await json()).readSimpleCov),
  'gcovr-json': lazyReader(async () => (await json()).readGcovJson),
  'gcov-json': lazyReader(async () => (await json()).readGcovJson),
  coveralls: lazyReader(async () => (await json()).readCoveralls)
}

/**
 * Every one of them is read as a stream (XML, lines, or JSON one source file's entry at a time),
 * under the stream size cap.
 */
export const STREAMED_COVERAGE_FORMATS: readonly MoreCoverageFormat[] = MORE_COVERAGE_FORMATS
