import { existsSync } from 'node:fs'
import { resolveInWorkspace, workspaceRelative } from '../safe-path.js'
import { loadYamlFile } from '../yaml.js'
import { ConfigurationError } from '../errors.js'

export const DEFAULT_SIGNOFFS_PATH = '.process/signoffs.yaml'

export interface SignoffBook {
  file?: string
  /** Flat dotted names, e.g. privacy.signoff -> true, privacy.by -> "dana". */
  values: Map<string, string | number | boolean>
  /** Top-level sign-off names whose entry says who signed (`by`) and when (`date`). */
  attributed: Set<string>
}

/**
 * Sign-offs recorded in the repository: `.process/signoffs.yaml`, one mapping per area, e.g.
 *   privacy: { signoff: true, by: dana, date: 2026-11-02 }
 * so the seed's `review: privacy.signoff == true` resolves to a recorded, attributed decision.
 * The file is optional; a review that needs it then fails, saying where to record the sign-off.
 */
export function loadSignoffs(root: string, userPath = DEFAULT_SIGNOFFS_PATH): SignoffBook {
  const absolute = resolveInWorkspace(root, userPath, 'sign-offs file')
  const book: SignoffBook = { values: new Map(), attributed: new Set() }
  if (!existsSync(absolute)) return book
  const file = workspaceRelative(root, absolute)
  const doc = loadYamlFile(absolute, file)
  book.file = file
  if (doc.value === null) return book
  if (typeof doc.value !== 'object' || Array.isArray(doc.value)) {
    throw new ConfigurationError(
      `${file}: expected a mapping of sign-offs, e.g. "privacy: { signoff: true, by: dana, date: 2026-11-02 }".`
    )
  }
  for (const [area, entry] of Object.entries(doc.value as Record<string, unknown>)) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) continue
    const rec = entry as Record<string, unknown>
    if (
      typeof rec.by === 'string' &&
      rec.by.trim() !== '' &&
      typeof rec.date === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(rec.date)
    ) {
      book.attributed.add(area)
    }
    for (const [key, v] of Object.entries(rec)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
        book.values.set(`${area}.${key}`, v)
    }
  }
  return book
}
