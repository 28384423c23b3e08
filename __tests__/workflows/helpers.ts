import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

export type Yaml = Record<string, unknown>

export interface WorkflowFile {
  file: string
  text: string
  doc: Yaml
}

function yamlFiles(dir: string): string[] {
  const abs = path.join(repoRoot, dir)
  if (!existsSync(abs)) return []
  return readdirSync(abs)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f))
}

function load(file: string): WorkflowFile {
  const text = readFileSync(path.join(repoRoot, file), 'utf8')
  return { file, text, doc: parse(text) as Yaml }
}

/** Every workflow: the reusable ones and the repository's CI in .github/workflows, the starters in workflows/. */
export function workflows(): WorkflowFile[] {
  return [...yamlFiles('.github/workflows'), ...yamlFiles('workflows')].map(load)
}

/** Every action metadata file: the root action.yml and <name>/action.yml for each action in actions/. */
export function actions(): WorkflowFile[] {
  return actionMetadataFiles().map(load)
}

/** Paths (from the repository root) of every action.yml and action.yaml anywhere in the tree. */
export function actionMetadataFiles(): string[] {
  const files = existsSync(path.join(repoRoot, 'action.yml')) ? ['action.yml'] : []
  for (const name of readdirSync(path.join(repoRoot, 'actions')).sort()) {
    for (const f of ['action.yml', 'action.yaml'])
      if (existsSync(path.join(repoRoot, name, f))) files.push(path.join(name, f))
  }
  return files
}

export interface Step {
  where: string
  step: Yaml
}

/** Steps of a workflow's jobs, or of a composite action. */
export function stepsOf(w: WorkflowFile): Step[] {
  const out: Step[] = []
  const jobs = (w.doc.jobs ?? {}) as Record<string, Yaml>
  for (const [id, job] of Object.entries(jobs)) {
    ;((job.steps ?? []) as Yaml[]).forEach((step, i) =>
      out.push({ where: `${w.file} jobs.${id}.steps[${i}]`, step })
    )
  }
  const runs = w.doc.runs as Yaml | undefined
  if (runs?.using === 'composite')
    ((runs.steps ?? []) as Yaml[]).forEach((step, i) =>
      out.push({ where: `${w.file} runs.steps[${i}]`, step })
    )
  return out
}

/** `uses:` of steps and of jobs that call reusable workflows. */
export function usesOf(w: WorkflowFile): Array<{ where: string; uses: string }> {
  const out = stepsOf(w)
    .filter((s) => typeof s.step.uses === 'string')
    .map((s) => ({ where: s.where, uses: s.step.uses as string }))
  for (const [id, job] of Object.entries((w.doc.jobs ?? {}) as Record<string, Yaml>)) {
    if (typeof job.uses === 'string') out.push({ where: `${w.file} jobs.${id}`, uses: job.uses })
  }
  return out
}

export function isComposite(w: WorkflowFile): boolean {
  return (w.doc.runs as Yaml | undefined)?.using === 'composite'
}

/** The README and every docs/*.md, where actions and workflows are documented. */
export function docsText(): Array<{ file: string; text: string }> {
  const files = existsSync(path.join(repoRoot, 'README.md')) ? ['README.md'] : []
  for (const f of readdirSync(path.join(repoRoot, 'docs')).sort())
    if (f.endsWith('.md')) files.push(path.join('docs', f))
  return files.map((file) => ({ file, text: readFileSync(path.join(repoRoot, file), 'utf8') }))
}
