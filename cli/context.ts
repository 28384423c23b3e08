/** What every command receives: the repository, its options and where to print. */
export interface CommandContext {
  root: string
  flags: Record<string, string | undefined>
  positionals: string[]
  now: () => Date
  out: (line: string) => void
  err: (line: string) => void
}
