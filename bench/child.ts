import { execFileSync } from 'node:child_process'

/**
 * Measuring a task in a fresh Node process: a bench file re-runs itself with `--child TASK FILE
 * [WARMUP]`, the child times the task and prints its time and memory as one JSON line. Fresh
 * processes keep one parser's heap from skewing the next one's memory figures.
 */
export interface ChildResult {
  /** Time of the task itself, in the child. */
  ms: number
  /** Wall time of the whole child process, start-up included. */
  wallMs: number
  /** The child's max RSS. */
  maxRssMb: number
  /** Max RSS above the RSS measured after loading modules, just before the work: the work's own. */
  parseMb: number
}

let baselineRss = 0

/** Call right before the measured work starts (modules loaded): the child's memory baseline. */
export function markBaseline(): void {
  baselineRss = process.memoryUsage().rss
}

/** Runs `task` on `file` in a fresh process of `script` (with tsx for TypeScript). */
export function runChild(script: string, task: string, file: string, warmUp?: string): ChildResult {
  const started = performance.now()
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', script, '--child', task, file, ...(warmUp ? [warmUp] : [])],
    {
      encoding: 'utf8',
      maxBuffer: 1024 * 1024,
      env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=8192' }
    }
  )
  const wallMs = performance.now() - started
  return {
    ...(JSON.parse(out.trim().split('\n').pop() as string) as Omit<ChildResult, 'wallMs'>),
    wallMs
  }
}

/** Best time and worst memory of several child runs. */
export function bestOf(runs: number, run: () => ChildResult): ChildResult {
  const all = Array.from({ length: runs }, run)
  return {
    ms: Math.min(...all.map((r) => r.ms)),
    wallMs: Math.min(...all.map((r) => r.wallMs)),
    maxRssMb: Math.max(...all.map((r) => r.maxRssMb)),
    parseMb: Math.max(...all.map((r) => r.parseMb))
  }
}

/**
 * The child side: when this process was started with `--child`, runs the task (after an optional
 * warm-up run on a small file), prints the result line and returns true.
 */
export async function childMain(
  runTask: (task: string, file: string) => Promise<number>
): Promise<boolean> {
  const i = process.argv.indexOf('--child')
  if (i < 0) return false
  const [task, file, warmUp] = process.argv.slice(i + 1, i + 4)
  if (warmUp) await runTask(task, warmUp)
  const ms = await runTask(task, file)
  const maxRssMb = process.resourceUsage().maxRSS / 1024
  process.stdout.write(
    `${JSON.stringify({ ms, maxRssMb, parseMb: maxRssMb - baselineRss / (1024 * 1024) })}\n`
  )
  return true
}
