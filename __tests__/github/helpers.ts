import nock from 'nock'
import {
  createGitHubClient,
  type GitHubClient,
  type GitHubClientOptions
} from '../../shared/github/index.js'

export const API = 'https://api.github.com'
// Shaped like a real installation token so the pattern-based redaction is exercised too.
export const TOKEN = 'ghs_TESTtokenTESTtokenTESTtoken1234567'

export interface TestClient {
  client: GitHubClient
  sleeps: number[]
  logs: string[]
}

/** A client whose sleeps are recorded instead of waited. */
export function testClient(options: Partial<GitHubClientOptions> = {}): TestClient {
  const sleeps: number[] = []
  const logs: string[] = []
  const client = createGitHubClient({
    token: TOKEN,
    baseUrl: API,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    log: (m) => logs.push(m),
    ...options
  })
  return { client, sleeps, logs }
}

export function api(): nock.Scope {
  return nock(API)
}

export async function caught(
  p: Promise<unknown>
): Promise<Error & { kind?: string; status?: number; resetAt?: Date }> {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected the call to fail')
}

/** A socket failure as Node reports it (nock needs an Error instance to fail a fetch). */
export function netError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code })
}
