// GitHub token formats (classic and fine-grained PATs, OAuth, user-to-server, server-to-server,
// refresh) plus whatever follows an Authorization scheme, so a token never reaches a log line
// even when it is not the one this client was given.
const TOKEN_PATTERNS: readonly RegExp[] = [
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\b(authorization:\s*(?:token|bearer|basic)\s+)\S+/gi,
  /\b((?:token|bearer)\s+)[A-Za-z0-9._~+/=-]{20,}/gi
]

/** Replaces the given secrets and anything shaped like a GitHub token with `***`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = String(text)
  for (const secret of secrets) {
    // Very short "secrets" would blank out ordinary words; a real token is never that short.
    if (secret.length >= 8) out = out.split(secret).join('***')
  }
  for (const pattern of TOKEN_PATTERNS) {
    out = out.replace(pattern, (match, prefix?: string) => (typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}***` : '***'))
  }
  return out
}
