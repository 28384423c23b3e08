import { randomHex } from './random.js'

/**
 * The one logger shape library code takes: an action passes its ActionIO, the CLI a printer, tests
 * an array. Library code never writes to stdout itself.
 */
export interface Logger {
  info(line: string): void
  warning(message: string): void
}

/**
 * Starts a stretch of the log in which the runner ignores workflow commands, for text the pull
 * request controls (evidence, diffs, command output): a line reading `::add-mask::` or `::error::`
 * there stays text. The token is random per call, so the text cannot guess it and end the stretch.
 * Returns the function that ends it.
 */
export function stopCommands(log: Pick<Logger, 'info'>, prefix = 'flow'): () => void {
  const token = `${prefix}-${randomHex(16)}`
  log.info(`::stop-commands::${token}`)
  return () => log.info(`::${token}::`)
}

/** Prints untrusted text with workflow commands off. */
export function printInert(log: Pick<Logger, 'info'>, text: string, prefix?: string): void {
  const resume = stopCommands(log, prefix)
  try {
    for (const line of text.replace(/\n$/, '').split('\n')) log.info(line)
  } finally {
    resume()
  }
}
