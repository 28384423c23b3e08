import pkg from '../../package.json' with { type: 'json' }
import { ConfigurationError } from '../errors.js'
import { printable } from '../safe-path.js'

/**
 * What `flow init` needs to know about the package it ships in: its npm name (for the install
 * commands it prints) and the GitHub repository and major version its starter workflows call.
 * Read from package.json when the CLI is bundled, so a release bumps one file.
 */
export const PACKAGE_NAME: string = pkg.name
export const PACKAGE_VERSION: string = pkg.version

/** A reusable-workflow reference: `<owner>/<repo>` at `<ref>`. */
export interface UsesRef {
  owner: string
  repo: string
  ref: string
}

// GitHub's rules: owners are alphanumerics and single hyphens (max 39), repositories add "." and
// "_". Refs are limited to the characters of tags, branches and SHAs; anything else (spaces, quotes,
// newlines, "#", "${{") would change the YAML it is written into.
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/
const REPO = /^[A-Za-z0-9._-]{1,100}$/
const REF = /^[A-Za-z0-9_][A-Za-z0-9._/+-]{0,199}$/

/** Parses `--uses owner/repo@ref`; a ConfigurationError says what is wrong and the expected form. */
export function parseUses(text: string): UsesRef {
  const hint =
    'give --uses <owner>/<repo>@<ref>, e.g. --uses acme/flow-actions@v1 (a tag, branch or full commit SHA).'
  const m = /^([^/@]+)\/([^/@]+)@(.+)$/.exec(text)
  if (!m)
    throw new ConfigurationError(
      `--uses "${printable(text)}" is not of the form <owner>/<repo>@<ref>; ${hint}`
    )
  const [, owner, repo, ref] = m
  if (!OWNER.test(owner))
    throw new ConfigurationError(
      `--uses: "${printable(owner)}" is not a GitHub owner name (letters, digits and single hyphens, at most 39); ${hint}`
    )
  if (!REPO.test(repo) || repo === '.' || repo === '..')
    throw new ConfigurationError(
      `--uses: "${printable(repo)}" is not a GitHub repository name (letters, digits, ".", "_" and "-"); ${hint}`
    )
  if (!REF.test(ref) || ref.includes('..') || ref.endsWith('/') || ref.endsWith('.lock')) {
    throw new ConfigurationError(
      `--uses: "${printable(ref)}" is not a tag, branch or commit SHA (letters, digits, ".", "_", "-", "+" and "/"); ${hint}`
    )
  }
  return { owner, repo, ref }
}

/** `owner/repo` from a package.json repository field (string or {url}); undefined when not GitHub. */
export function githubSlug(repository: unknown): string | undefined {
  const url =
    typeof repository === 'string'
      ? repository
      : repository && typeof repository === 'object'
        ? (repository as { url?: unknown }).url
        : undefined
  if (typeof url !== 'string') return undefined
  const m =
    /^(?:github:)?([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?$/.exec(url) ??
    /github\.com[/:]([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(url)
  return m ? `${m[1]}/${m[2]}` : undefined
}

/** The default `--uses`: this package's own repository at its major version tag (v1 for 1.4.2). */
export function defaultUses(): UsesRef {
  const slug = githubSlug((pkg as { repository?: unknown }).repository)
  if (!slug)
    throw new ConfigurationError(
      `${PACKAGE_NAME}'s package.json has no GitHub repository field; pass --uses <owner>/<repo>@<ref>.`
    )
  return parseUses(`${slug}@v${PACKAGE_VERSION.split('.')[0]}`)
}

/** The two ways to run the CLI in a repository, as `flow init` and docs/init.md print them. */
export function installCommands(): string[] {
  return [
    `npx ${PACKAGE_NAME} init`,
    `npm install --save-dev ${PACKAGE_NAME}    # then: npx flow validate, npx flow gates --stage dev`
  ]
}
