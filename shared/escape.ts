import { redact } from './redact.js'

/**
 * Escaping for every place user-controlled text (test names, messages, paths) reaches GitHub.
 * GitHub renders job summaries and comments as markdown with HTML, and `core.summary` escapes
 * nothing, so text must be neutralised before it is written. Every function here redacts first:
 * once text is escaped, a token in it no longer looks like one (`ghp\_…`).
 */

// Bidi controls reorder what a reviewer sees (`login \u202etxt.exe` shows as `loginexe.txt`);
// they are shown as their code point. Zero-width characters hide text or split a word so it
// slips past a search; they are dropped.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g

/** Untrusted text with bidi controls made visible (`[U+202E]`) and zero-width characters removed. */
export function visibleControls(text: string): string {
  return String(text)
    .replace(ZERO_WIDTH, '')
    .replace(BIDI, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`)
}

/** Redaction and visible controls: what all untrusted text gets before any escaping. */
export function untrusted(text: string): string {
  return visibleControls(redact(String(text)))
}

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
 * `@mentions` and `#123` references broken with a zero-width joiner so nobody is notified and no
 * issue is cross-referenced, newlines folded.
 */
export function escapeMarkdown(text: string, maxLength = 500): string {
  let t = untrusted(text)
  // eslint-disable-next-line no-control-regex
  t = t.replace(/\r\n?|\n/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
  if (t.length > maxLength) t = `${t.slice(0, maxLength)}…`
  t = escapeHtml(t)
  t = t.replace(/([\\`*_{}[\]()#+\-.!|~])/g, '\\$1')
  t = t.replace(/@/g, '@\u200d')
  // GitHub links `#123` and `org/repo#123` in rendered text even when the # is backslashed, and a
  // link creates a cross-reference event in the other repository. A joiner after the # (not the #
  // of an HTML entity such as `&\#39;`) breaks the reference the way it breaks a mention.
  t = t.replace(/(?<!&)\\#(?=\d)/g, '\\#\u200d')
  return t
}

/** Text inside an inline code span: backticks cannot close it, pipes cannot split a table. */
export function inlineCode(text: string, maxLength = 200): string {
  let t = untrusted(text).replace(/\r\n?|\n/g, ' ')
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
  const t = untrusted(text).replace(/[\u0000-\u001f\u007f]/g, ' ')
  return t.length > maxLength ? t.slice(0, maxLength) : t
}
