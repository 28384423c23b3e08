/**
 * The one redaction every outbound text goes through: log lines, the step summary and summary
 * files, PR comments, annotations, outputs and written reports.
 *
 * Two passes keep a secret out whatever happened to the text on its way:
 * - escaping functions (shared/escape.ts) redact untrusted text *before* they escape it, so a
 *   token quoted in a test message never reaches the markdown at all;
 * - the writers redact the finished text again, and that pass also matches the forms escaping
 *   produces (`ghp\_…`, `x\-api\-key`, `&amp;`, `%3A`, `@` + zero-width joiner): CommonMark drops
 *   the backslash when it renders, so `ghp\_abc` on a page *is* the token.
 */

/** GitHub token shapes and whatever follows an Authorization scheme. `\\?` accepts markdown escapes. */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /\b(?:ghp|gho|ghu|ghs|ghr)\\?_[A-Za-z0-9]{20,}\b/g,
  /\bgithub\\?_pat\\?_(?:\\?[A-Za-z0-9_]){20,}/g,
  /\b(authorization:\s*(?:token|bearer|basic)\s+)\S+/gi,
  /\b((?:token|bearer)\s+)(?:\\?[A-Za-z0-9._~+/=-]){20,}/gi
]

/** Shorter values would blank out ordinary words; a real credential is never that short. */
export const MIN_SECRET_LENGTH = 8

const registered = new Set<string>()

/**
 * Registers a value (a token input, a value passed to setSecret) for the rest of the process, so
 * escaping functions that never see the caller's secrets still redact it before they escape.
 */
export function registerSecret(value: string | undefined): void {
  const v = (value ?? '').trim()
  if (v.length >= MIN_SECRET_LENGTH) registered.add(v)
}

export function registeredSecrets(): string[] {
  return [...registered]
}

// Environment names that carry credentials by convention. Paths and addresses next to them
// (SSH_AUTH_SOCK, *_TOKEN_FILE, *_URL) are not secrets and would only garble messages.
const SECRET_NAME =
  /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|ACCESS_KEY|PRIVATE_KEY|(?:^|_)AUTH(?:_|$)/i
const NOT_SECRET_NAME = /_(SOCK|PATH|FILE|DIR|URL|HOST|USER|USERNAME|NAME|ID)$/i

/**
 * Values of environment variables whose names say they hold a credential (PLATFORM_TOKEN,
 * DEPLOY_PASSWORD, AWS_SECRET_ACCESS_KEY …): a command that echoes one (`set -x`) must not put it
 * into a report that is uploaded as an artifact, where the runner's log masking does not reach.
 */
export function secretsFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = []
  for (const [name, value] of Object.entries(env)) {
    if (!value || !SECRET_NAME.test(name) || NOT_SECRET_NAME.test(name)) continue
    const v = value.trim()
    if (v.length >= MIN_SECRET_LENGTH) out.push(v)
  }
  return out
}

// What each escaping function in shared/escape.ts (and JSON.stringify) may turn a character into.
const FORMS: Record<string, string[]> = {
  '&': ['&amp;'],
  '<': ['&lt;'],
  '>': ['&gt;'],
  '"': ['&quot;'],
  "'": ['&#39;', '&\\#39;'],
  '|': ['&#124;'],
  '`': ["'"],
  '%': ['%25'],
  ':': ['%3A'],
  ',': ['%2C'],
  '@': ['@\u200d'],
  '#': ['#\u200d']
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const compiled = new Map<string, RegExp>()

/** A pattern for a secret as written raw, markdown-, HTML-, command- or JSON-escaped. */
function secretPattern(secret: string): RegExp {
  let re = compiled.get(secret)
  if (re) return re
  let source = ''
  for (const ch of secret) {
    if (/[A-Za-z0-9]/.test(ch)) {
      source += ch
      continue
    }
    const alternatives = [escapeRegExp(ch), ...(FORMS[ch] ?? []).map(escapeRegExp)]
    // An optional backslash: markdown escaping (`\_`) and JSON escaping (`\"`, `\\`).
    source += `(?:\\\\)?(?:${alternatives.join('|')})`
  }
  re = new RegExp(source, 'g')
  if (compiled.size > 1000) compiled.clear()
  compiled.set(secret, re)
  return re
}

/**
 * Replaces the given secrets, the registered ones and anything shaped like a GitHub token with
 * `***`, in raw and in escaped form.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = String(text)
  const all = new Set<string>()
  for (const s of [...secrets, ...registered]) {
    const v = (s ?? '').trim()
    if (v.length >= MIN_SECRET_LENGTH) all.add(v)
  }
  // Longest first, so a secret that contains another is replaced whole.
  for (const secret of [...all].sort((a, b) => b.length - a.length)) {
    out = out.replace(secretPattern(secret), '***')
  }
  for (const pattern of TOKEN_PATTERNS) {
    out = out.replace(pattern, (match, prefix?: string) =>
      typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}***` : '***'
    )
  }
  return out
}
