/**
 * Escaping for every place user-controlled text (test names, messages, paths) reaches GitHub.
 * GitHub renders job summaries and comments as markdown with HTML, and `core.summary` escapes
 * nothing, so text must be neutralised before it is written.
 */

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c])
}

/**
 * Text for one markdown table cell or line: HTML escaped, markdown punctuation backslashed,
 * `@mentions` and `#refs` broken with a zero-width joiner so nobody is notified, newlines folded.
 */
export function escapeMarkdown(text: string, maxLength = 500): string {
  let t = String(text)
  // eslint-disable-next-line no-control-regex
  t = t.replace(/\r\n?|\n/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
  if (t.length > maxLength) t = `${t.slice(0, maxLength)}…`
  t = escapeHtml(t)
  t = t.replace(/([\\`*_{}[\]()#+\-.!|~])/g, '\\$1')
  t = t.replace(/@/g, '@\u200d')
  return t
}

/** Text inside an inline code span: backticks cannot close it, pipes cannot split a table. */
export function inlineCode(text: string, maxLength = 200): string {
  let t = String(text).replace(/\r\n?|\n/g, ' ')
  if (t.length > maxLength) t = `${t.slice(0, maxLength)}…`
  t = escapeHtml(t).replace(/`/g, "'").replace(/\|/g, '&#124;')
  return `<code>${t.replace(/@/g, '@\u200d')}</code>`
}

/**
 * A value for a workflow-command property or message (`::error file=…::message`). The runner
 * decodes these escapes, so evidence text cannot end the command early or start another one.
 */
export function escapeCommandData(text: string): string {
  return String(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/**
 * A single-line value for a step output: control characters removed, bounded length.
 * Outputs are consumed by other workflow steps and must never smuggle a second key.
 */
export function safeOutput(text: string, maxLength = 4096): string {
  // eslint-disable-next-line no-control-regex
  const t = String(text).replace(/[\u0000-\u001f\u007f]/g, ' ')
  return t.length > maxLength ? t.slice(0, maxLength) : t
}
