import { ConfigurationError, EvidenceError } from '../../errors.js'
import { parseYaml } from '../../yaml.js'

/**
 * Splits YAML frontmatter (between a first line `---` and the next `---` or `...` line) from the
 * body and parses it with the safe YAML loader. No frontmatter gives data undefined; frontmatter
 * that is not a mapping or not valid YAML is a 'malformed' EvidenceError naming the file and line.
 * bodyLine is the 1-based line where the body starts.
 */
export function parseFrontmatter(
  text: string,
  file: string
): { data: Record<string, unknown> | undefined; body: string; bodyLine: number } {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const lines = clean.split('\n')
  if (lines[0]?.replace(/\r$/, '').trimEnd() !== '---')
    return { data: undefined, body: clean, bodyLine: 1 }
  let end = -1
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i].replace(/\r$/, '').trimEnd()
    if (l === '---' || l === '...') {
      end = i
      break
    }
  }
  if (end < 0)
    throw new EvidenceError(
      file,
      'malformed',
      'opens YAML frontmatter with --- but never closes it.',
      1
    )
  const yamlText = lines.slice(1, end).join('\n')
  const body = lines.slice(end + 1).join('\n')
  if (yamlText.trim() === '') return { data: {}, body, bodyLine: end + 2 }
  let value: unknown
  try {
    value = parseYaml(yamlText, file).value
  } catch (error) {
    if (error instanceof ConfigurationError) {
      // Positions inside the frontmatter are one line below the file's, because of the opening ---.
      const line = error.location?.line !== undefined ? error.location.line + 1 : 1
      throw new EvidenceError(
        file,
        'malformed',
        `has invalid frontmatter: ${error.message.replace(/^[^:]*:\d+:\d+: /, '')}`,
        line
      )
    }
    throw error
  }
  if (value === null || value === undefined) return { data: {}, body, bodyLine: end + 2 }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new EvidenceError(
      file,
      'malformed',
      'has frontmatter that is not a mapping of keys to values.',
      2
    )
  }
  return { data: value as Record<string, unknown>, body, bodyLine: end + 2 }
}
