import type { ActionIO } from '../../shared/action.js'
import type { Annotation } from '../../shared/annotations.js'

/** An in-memory ActionIO: inputs in, everything the action says to the runner recorded. */
export class FakeIO implements ActionIO {
  readonly env: Record<string, string | undefined>
  readonly outputs: Record<string, string> = {}
  readonly log: string[] = []
  readonly warnings: Array<{ message: string; props?: Omit<Annotation, 'level' | 'message'> }> = []
  readonly annotations: Annotation[] = []
  failure: string | undefined
  summary = ''
  private readonly state: Record<string, string> = {}

  constructor(
    private readonly inputs: Record<string, string> = {},
    env: Record<string, string | undefined> = {}
  ) {
    this.env = env
  }

  get failed(): boolean {
    return this.failure !== undefined
  }
  getInput(name: string): string {
    return (this.inputs[name] ?? '').trim()
  }
  setOutput(name: string, value: string | number | boolean): void {
    this.outputs[name] = String(value)
  }
  saveState(name: string, value: string): void {
    this.state[name] = value
  }
  getState(name: string): string {
    return this.state[name] ?? ''
  }
  appendSummary(markdown: string): void {
    this.summary += markdown.endsWith('\n') ? markdown : `${markdown}\n`
  }
  info(line: string): void {
    this.log.push(line)
  }
  warning(message: string, props?: Omit<Annotation, 'level' | 'message'>): void {
    this.warnings.push({ message, props })
  }
  debug(message: string): void {
    this.log.push(`::debug::${message}`)
  }
  async group<T>(title: string, body: () => Promise<T>): Promise<T> {
    this.log.push(`::group::${title}`)
    try {
      return await body()
    } finally {
      this.log.push('::endgroup::')
    }
  }
  annotate(annotations: Annotation[]): void {
    this.annotations.push(...annotations)
  }
  setSecret(): void {}
  setFailed(message: string): void {
    this.failure = message
  }
}
