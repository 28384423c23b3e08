export const id = 704;
export const ids = [704];
export const modules = {

/***/ 3704:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  classifyGitHubError: () => (/* reexport */ classifyGitHubError),
  createGitHubClient: () => (/* reexport */ createGitHubClient),
  upsertComment: () => (/* reexport */ upsertComment)
});

// UNUSED EXPORTS: DEFAULT_MAX_WAIT_SECONDS, DEFAULT_RETRIES, GitHubError, MAX_COMMENT_LENGTH, backoffMs, getPullRequest, listPullRequestCommits, listPullRequestFiles, listPullRequestReviews, redact

// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js
var github = __webpack_require__(61351);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(49735);
// EXTERNAL MODULE: ./node_modules/bottleneck/light.js
var light = __webpack_require__(63251);
;// CONCATENATED MODULE: ./node_modules/@octokit/plugin-throttling/dist-bundle/index.js
// pkg/dist-src/index.js


// pkg/dist-src/version.js
var VERSION = "0.0.0-development";

// pkg/dist-src/wrap-request.js
var noop = () => Promise.resolve();
function wrapRequest(state, request, options) {
  return state.retryLimiter.schedule(doRequest, state, request, options);
}
async function doRequest(state, request, options) {
  const { pathname } = new URL(options.url, "http://github.test");
  const isAuth = isAuthRequest(options.method, pathname);
  const isWrite = !isAuth && options.method !== "GET" && options.method !== "HEAD";
  const isSearch = options.method === "GET" && pathname.startsWith("/search/");
  const isGraphQL = pathname.startsWith("/graphql");
  const retryCount = ~~request.retryCount;
  const jobOptions = retryCount > 0 ? { priority: 0, weight: 0 } : {};
  if (state.clustering) {
    jobOptions.expiration = 1e3 * 60;
  }
  if (isWrite || isGraphQL) {
    await state.write.key(state.id).schedule(jobOptions, noop);
  }
  if (isWrite && state.triggersNotification(pathname)) {
    await state.notifications.key(state.id).schedule(jobOptions, noop);
  }
  if (isSearch) {
    await state.search.key(state.id).schedule(jobOptions, noop);
  }
  const req = (isAuth ? state.auth : state.global).key(state.id).schedule(jobOptions, request, options);
  if (isGraphQL) {
    const res = await req;
    if (res.data.errors != null && res.data.errors.some((error) => error.type === "RATE_LIMITED")) {
      const error = Object.assign(new Error("GraphQL Rate Limit Exceeded"), {
        response: res,
        data: res.data
      });
      throw error;
    }
  }
  return req;
}
function isAuthRequest(method, pathname) {
  return method === "PATCH" && // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-a-scoped-access-token
  /^\/applications\/[^/]+\/token\/scoped$/.test(pathname) || method === "POST" && // https://docs.github.com/en/rest/apps/oauth-applications?apiVersion=2022-11-28#reset-a-token
  (/^\/applications\/[^/]+\/token$/.test(pathname) || // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-an-installation-access-token-for-an-app
  /^\/app\/installations\/[^/]+\/access_tokens$/.test(pathname) || // https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
  pathname === "/login/oauth/access_token");
}

// pkg/dist-src/generated/triggers-notification-paths.js
var triggers_notification_paths_default = [
  "/orgs/{org}/invitations",
  "/orgs/{org}/invitations/{invitation_id}",
  "/orgs/{org}/teams/{team_slug}/discussions",
  "/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments",
  "/repos/{owner}/{repo}/collaborators/{username}",
  "/repos/{owner}/{repo}/commits/{commit_sha}/comments",
  "/repos/{owner}/{repo}/issues",
  "/repos/{owner}/{repo}/issues/{issue_number}/comments",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issue",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority",
  "/repos/{owner}/{repo}/pulls",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
  "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
  "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
  "/repos/{owner}/{repo}/releases",
  "/teams/{team_id}/discussions",
  "/teams/{team_id}/discussions/{discussion_number}/comments"
];

// pkg/dist-src/route-matcher.js
function routeMatcher(paths) {
  const regexes = paths.map(
    (path) => path.split("/").map((c) => c.startsWith("{") ? "(?:.+?)" : c).join("/")
  );
  const regex2 = `^(?:${regexes.map((r) => `(?:${r})`).join("|")})[^/]*$`;
  return new RegExp(regex2, "i");
}

// pkg/dist-src/index.js
var regex = routeMatcher(triggers_notification_paths_default);
var triggersNotification = regex.test.bind(regex);
var groups = {};
var createGroups = function(Bottleneck, common) {
  groups.global = new Bottleneck.Group({
    id: "octokit-global",
    maxConcurrent: 10,
    ...common
  });
  groups.auth = new Bottleneck.Group({
    id: "octokit-auth",
    maxConcurrent: 1,
    ...common
  });
  groups.search = new Bottleneck.Group({
    id: "octokit-search",
    maxConcurrent: 1,
    minTime: 2e3,
    ...common
  });
  groups.write = new Bottleneck.Group({
    id: "octokit-write",
    maxConcurrent: 1,
    minTime: 1e3,
    ...common
  });
  groups.notifications = new Bottleneck.Group({
    id: "octokit-notifications",
    maxConcurrent: 1,
    minTime: 3e3,
    ...common
  });
};
function throttling(octokit, octokitOptions) {
  const {
    enabled = true,
    Bottleneck = light,
    id = "no-id",
    timeout = 1e3 * 60 * 2,
    // Redis TTL: 2 minutes
    connection
  } = octokitOptions.throttle || {};
  if (!enabled) {
    return {};
  }
  const common = { timeout };
  if (typeof connection !== "undefined") {
    common.connection = connection;
  }
  const state = Object.assign(
    {
      clustering: connection != null,
      triggersNotification,
      fallbackSecondaryRateRetryAfter: 60,
      retryAfterBaseValue: 1e3,
      id
    },
    octokitOptions.throttle
  );
  if (typeof state.onSecondaryRateLimit !== "function" || typeof state.onRateLimit !== "function") {
    throw new Error(`octokit/plugin-throttling error:
        You must pass the onSecondaryRateLimit and onRateLimit error handlers.
        See https://octokit.github.io/rest.js/#throttling

        const octokit = new Octokit({
          throttle: {
            onSecondaryRateLimit: (retryAfter, options) => {/* ... */},
            onRateLimit: (retryAfter, options) => {/* ... */}
          }
        })
    `);
  }
  let initialized = false;
  const initializeBottleneck = () => {
    if (initialized) {
      return;
    }
    initialized = true;
    if (groups.global == null) {
      createGroups(Bottleneck, common);
    }
    state.global = state.global ?? groups.global;
    state.auth = state.auth ?? groups.auth;
    state.search = state.search ?? groups.search;
    state.write = state.write ?? groups.write;
    state.notifications = state.notifications ?? groups.notifications;
    state.retryLimiter = state.retryLimiter ?? new Bottleneck();
    const events = {};
    const emitter = new Bottleneck.Events(events);
    events.on("secondary-limit", state.onSecondaryRateLimit);
    events.on("rate-limit", state.onRateLimit);
    events.on(
      "error",
      (e) => octokit.log.warn("Error in throttling-plugin limit handler", e)
    );
    state.retryLimiter.on("failed", async function(error, info) {
      const [state2, request, options] = info.args;
      const { pathname } = new URL(options.url, "http://github.test");
      const shouldRetryGraphQL = pathname.startsWith("/graphql") && error.status !== 401;
      if (!(shouldRetryGraphQL || error.status === 403 || error.status === 429)) {
        return;
      }
      const retryCount = ~~request.retryCount;
      request.retryCount = retryCount;
      options.request.retryCount = retryCount;
      const { wantRetry, retryAfter = 0 } = await (async function() {
        if (/\bsecondary rate\b/i.test(error.message)) {
          const retryAfter2 = Number(error.response.headers["retry-after"]) || state2.fallbackSecondaryRateRetryAfter;
          const wantRetry2 = await emitter.trigger(
            "secondary-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        if (error.response.headers != null && error.response.headers["x-ratelimit-remaining"] === "0" || (error.response.data?.errors ?? []).some(
          (error2) => error2.type === "RATE_LIMITED"
        )) {
          const rateLimitReset = new Date(
            ~~error.response.headers["x-ratelimit-reset"] * 1e3
          ).getTime();
          const retryAfter2 = Math.max(
            // Add one second so we retry _after_ the reset time
            // https://docs.github.com/en/rest/overview/resources-in-the-rest-api?apiVersion=2022-11-28#exceeding-the-rate-limit
            Math.ceil((rateLimitReset - Date.now()) / 1e3) + 1,
            0
          );
          const wantRetry2 = await emitter.trigger(
            "rate-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        return {};
      })();
      if (wantRetry) {
        request.retryCount++;
        return retryAfter * state2.retryAfterBaseValue;
      }
    });
  };
  octokit.hook.wrap("request", (request, options) => {
    initializeBottleneck();
    return wrapRequest(state, request, options);
  });
  return {};
}
throttling.VERSION = VERSION;
throttling.triggersNotification = triggersNotification;


// EXTERNAL MODULE: ./shared/github/redact.ts
var redact = __webpack_require__(16335);
;// CONCATENATED MODULE: ./shared/github/errors.ts

/**
 * An API failure with a message a user can act on. The client throws these (never the raw
 * RequestError, whose `request` and `response` carry headers that are not ours to print).
 */
class GitHubError extends Error {
    kind;
    /** HTTP status; 0 when no response arrived. */
    status;
    /** When a rate limit resets, if GitHub said. */
    resetAt;
    constructor(kind, status, message, resetAt) {
        super(message);
        this.name = 'GitHubError';
        this.kind = kind;
        this.status = status;
        this.resetAt = resetAt;
    }
}
const NETWORK_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ETIMEDOUT',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EPIPE',
    'ECONNABORTED',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT'
]);
const PERMISSION_HINT = 'the token lacks a permission (403 Resource not accessible by integration); grant it in the workflow, e.g. permissions: pull-requests: write';
/** What went wrong, in words that say what to do; callers decide whether it fails or warns. */
function classifyGitHubError(e, context = {}) {
    if (e instanceof GitHubError) {
        if (e.kind === 'forbidden-fork' && context.fork === false) {
            return { kind: 'other', message: e.message.replace(/the token is read-only .*$/, PERMISSION_HINT) };
        }
        return { kind: e.kind, message: e.message };
    }
    const err = (typeof e === 'object' && e !== null ? e : {});
    const raw = (0,redact/* redact */.E)(typeof err.message === 'string' ? err.message : String(e));
    const status = typeof err.status === 'number' ? err.status : 0;
    const where = describeRequest(err);
    const prefix = where ? `GitHub API ${where}: ` : 'GitHub API: ';
    const headers = lowerCaseHeaders(err.response?.headers);
    if (status === 0 || (status === 500 && err.response === undefined)) {
        if (isNetworkError(err))
            return { kind: 'network', message: `${prefix}network error (${raw})` };
        if (status === 0)
            return { kind: 'other', message: `${prefix}${raw}` };
    }
    if (status === 401) {
        return { kind: 'unauthorized', message: `${prefix}the token was rejected (401 ${raw}); check the token input and that it has not expired` };
    }
    if (status === 403 || status === 429) {
        const limit = rateLimitOf(status, raw, headers);
        if (limit)
            return { kind: 'rate-limited', message: `${prefix}${limit}` };
        if (/resource not accessible by integration/i.test(raw)) {
            if (context.fork === false) {
                return { kind: 'other', message: `${prefix}${PERMISSION_HINT}` };
            }
            return {
                kind: 'forbidden-fork',
                message: `${prefix}the token is read-only (403 ${raw}), as it is for a pull request from a fork; results are in the job summary instead`
            };
        }
        return { kind: 'other', message: `${prefix}forbidden (${status} ${raw})` };
    }
    if (status === 404) {
        return {
            kind: 'not-found',
            message: `${prefix}not found (404): the repository, pull request or comment does not exist, or the token cannot see it`
        };
    }
    if (status >= 500)
        return { kind: 'server', message: `${prefix}GitHub server error (${status} ${raw})` };
    return { kind: 'other', message: `${prefix}${status ? `${status} ` : ''}${raw}` };
}
function isNetworkError(err) {
    for (let c = err, depth = 0; c && depth < 5; c = c.cause, depth++) {
        const code = c.code;
        if (typeof code === 'string' && NETWORK_CODES.has(code))
            return true;
        const name = c.name;
        if (name === 'AbortError' || name === 'TimeoutError')
            return true;
        const message = c.message;
        if (typeof message === 'string' && /fetch failed|socket hang up|network|ECONN|ETIMEDOUT/i.test(message))
            return true;
    }
    return false;
}
function rateLimitOf(status, message, headers) {
    const reset = Number(headers['x-ratelimit-reset']);
    if (headers['x-ratelimit-remaining'] === '0') {
        const when = Number.isFinite(reset) && reset > 0 ? `; it resets at ${new Date(reset * 1000).toISOString()}` : '';
        return `primary rate limit exhausted (${status})${when}`;
    }
    const retryAfter = Number(headers['retry-after']);
    if (/secondary rate limit/i.test(message) || headers['retry-after'] !== undefined) {
        const after = Number.isFinite(retryAfter) ? `; retry after ${retryAfter} s` : '';
        return `secondary rate limit (${status})${after}`;
    }
    if (status === 429 || /rate limit/i.test(message))
        return `rate limited (${status} ${message})`;
    return undefined;
}
function describeRequest(err) {
    const method = typeof err.request?.method === 'string' ? err.request.method : '';
    const url = typeof err.request?.url === 'string' ? err.request.url : '';
    if (!method && !url)
        return '';
    let path = url;
    try {
        path = new URL(url, 'https://api.github.invalid').pathname;
    }
    catch {
        // keep the raw text; redaction below still applies
    }
    return (0,redact/* redact */.E)(`${method} ${path}`.trim());
}
function lowerCaseHeaders(headers) {
    const out = {};
    if (!headers)
        return out;
    for (const [k, v] of Object.entries(headers))
        if (v !== undefined && v !== null)
            out[k.toLowerCase()] = String(v);
    return out;
}

;// CONCATENATED MODULE: ./shared/github/client.ts





const DEFAULT_MAX_WAIT_SECONDS = 60;
const DEFAULT_RETRIES = 3;
// Requests that are safe to repeat after an answer that may have been applied (5xx, reset
// connection). A POST that timed out may have created a comment; repeating it could duplicate it.
const IDEMPOTENT = new Set(['GET', 'HEAD']);
/** Exponential backoff for retried GETs: 1 s, 2 s, 4 s … capped at 30 s. */
function backoffMs(attempt) {
    return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
}
function createGitHubClient(opts) {
    if (typeof opts.token !== 'string' || opts.token.trim() === '') {
        throw new GitHubError('unauthorized', 0, 'no GitHub token was given; pass the token input (the default is the workflow token)');
    }
    const token = opts.token.trim();
    const maxWait = opts.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
    const retries = Math.max(0, Math.floor(opts.retries ?? DEFAULT_RETRIES));
    const sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const scrub = (text) => (0,redact/* redact */.E)(text, [token]);
    const log = (msg) => opts.log?.(scrub(msg));
    // What happened to a request, keyed by its options object (the one object every hook and both
    // plugins see for one call): the last retryable failure, and why a rate-limit wait was refused.
    const lastFailure = new WeakMap();
    const refusal = new WeakMap();
    const describe = (o) => `${o.method ?? 'GET'} ${routeOf(o)}`;
    // Typed loosely because the plugin declares its handlers as returning void, yet awaits them and
    // retries when they resolve to true.
    const onLimit = (kind) => (async (retryAfter, options, _octokit, retryCount) => {
        const seconds = Math.max(0, Math.ceil(Number(retryAfter) || 0));
        const resetAt = new Date(Date.now() + seconds * 1000);
        const what = kind === 'primary' ? 'primary rate limit exhausted' : 'secondary rate limit hit';
        if (retryCount >= retries) {
            refusal.set(options, { message: `${what}; still limited after ${retries} ${retries === 1 ? 'retry' : 'retries'}, it resets at ${resetAt.toISOString()}`, resetAt });
            return false;
        }
        if (seconds > maxWait) {
            refusal.set(options, {
                message: `${what}; it resets at ${resetAt.toISOString()} (in ${seconds} s), longer than the ${maxWait} s this step will wait`,
                resetAt
            });
            return false;
        }
        log(`GitHub API ${describe(options)}: ${what}; waiting ${seconds} s (retry ${retryCount + 1} of ${retries})`);
        await sleep(seconds * 1000);
        return true;
    });
    // Registered before plugin-retry, so its hooks run inside the retry loop: once per attempt.
    const attemptHooks = (octokit) => {
        octokit.hook.before('request', async (options) => {
            const method = (options.method ?? 'GET').toUpperCase();
            if (!IDEMPOTENT.has(method) && options.request)
                options.request.retries = 0;
            const failure = lastFailure.get(options);
            const attempt = options.request?.retryCount ?? 0;
            if (failure !== undefined && attempt > 0) {
                lastFailure.delete(options);
                const ms = backoffMs(attempt);
                log(`GitHub API ${describe(options)}: ${failure}; retry ${attempt} of ${retries} in ${ms / 1000} s`);
                await sleep(ms);
            }
        });
        octokit.hook.error('request', (error, options) => {
            const status = error.status ?? 0;
            markSecondaryLimit(error, status);
            const method = (options.method ?? 'GET').toUpperCase();
            if (IDEMPOTENT.has(method) && (status >= 500 || status === 0)) {
                lastFailure.set(options, status >= 500 && error.response ? `server error ${status}` : 'network error');
            }
            throw error;
        });
        return {};
    };
    // Registered last, so it is the outermost hook: every failure leaves as a redacted GitHubError.
    const finalErrors = (octokit) => {
        octokit.hook.error('request', (error, options) => {
            if (error instanceof GitHubError)
                throw error;
            const status = typeof error.status === 'number' ? error.status : 0;
            const refused = refusal.get(options);
            if (refused) {
                throw new GitHubError('rate-limited', status, scrub(`GitHub API ${describe(options)}: ${refused.message}`), refused.resetAt);
            }
            const { kind, message } = classifyGitHubError(error);
            const headers = lowerCaseHeaders(error.response?.headers);
            const reset = Number(headers['x-ratelimit-reset']);
            const resetAt = kind === 'rate-limited' && reset > 0 ? new Date(reset * 1000) : undefined;
            throw new GitHubError(kind, status, scrub(message), resetAt);
        });
        return {};
    };
    const octokit = (0,github/* getOctokit */.Q)(token, {
        ...(opts.baseUrl ? { baseUrl: opts.baseUrl.replace(/\/+$/, '') } : {}),
        log: { debug: () => { }, info: () => { }, warn: (m) => log(String(m)), error: (m) => log(String(m)) },
        retry: {
            retries,
            // Rate limits are plugin-throttling's to handle, with their reset headers.
            doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
            // Backoff is slept in attemptHooks through the injectable sleep, not by Bottleneck.
            retryAfterBaseValue: 0
        },
        throttle: {
            // A key per client: the write spacing (1 s, 3 s for notifying writes) applies within
            // one run, not across unrelated clients in the same process.
            id: `flow-actions-${Math.random().toString(36).slice(2)}`,
            retryAfterBaseValue: 0,
            onRateLimit: onLimit('primary'),
            onSecondaryRateLimit: onLimit('secondary')
        }
    }, attemptHooks, dist_bundle/* retry */.L, throttling, finalErrors);
    let viewer;
    return {
        octokit,
        log,
        redact: scrub,
        viewerLogin() {
            viewer ??= octokit.rest.users.getAuthenticated().then((r) => r.data.login, (e) => {
                const kind = classifyGitHubError(e).kind;
                if (kind === 'network' || kind === 'server' || kind === 'rate-limited')
                    throw e;
                return undefined;
            });
            return viewer;
        }
    };
}
/**
 * plugin-throttling recognises a secondary limit only by the words "secondary rate" in the
 * message. GitHub also signals one with a bare 429, or a 403/429 carrying retry-after; label
 * those so the plugin waits (retry-after, else 60 s) instead of failing at once.
 */
function markSecondaryLimit(error, status) {
    if (status !== 403 && status !== 429)
        return;
    const e = error;
    const headers = lowerCaseHeaders(e.response?.headers);
    if (headers['x-ratelimit-remaining'] === '0')
        return;
    if (typeof e.message !== 'string' || /\bsecondary rate\b/i.test(e.message))
        return;
    if (status === 429 || headers['retry-after'] !== undefined)
        e.message += ' (secondary rate limit)';
}
function routeOf(o) {
    const url = typeof o.url === 'string' ? o.url : '';
    // The route template (`/repos/{owner}/{repo}/…`) with the call's values filled in, without query.
    const filled = url.replace(/\{(\w+)\}/g, (m, name) => (typeof o[name] === 'string' || typeof o[name] === 'number' ? String(o[name]) : m));
    try {
        return new URL(filled, 'https://api.github.invalid').pathname;
    }
    catch {
        return filled;
    }
}

;// CONCATENATED MODULE: ./shared/github/comments.ts

/** GitHub refuses issue comments longer than this many characters. */
const MAX_COMMENT_LENGTH = 65_536;
/** 100 per page: a pull request with more than 5,000 comments is not searched further. */
const MAX_COMMENT_PAGES = 50;
/**
 * One sticky comment per marker: found among the bot's own comments, updated in place, created
 * only when none exists. Writes are never retried blindly: after a failed create or update the
 * comments are listed again, so a write that GitHub stored despite a 5xx is not repeated.
 */
async function upsertComment(client, params) {
    const { owner, repo, issueNumber, marker } = params;
    if (!/^<!--[\s\S]*-->$/.test(marker) || marker.length > 200) {
        throw new Error(`comment marker must be a short hidden HTML comment such as <!-- flow-actions:gates -->, got ${JSON.stringify(marker.slice(0, 60))}`);
    }
    const body = fitComment(params.body.startsWith(marker) ? params.body : `${marker}\n${params.body}`);
    const viewer = await client.viewerLogin();
    const octokit = client.octokit;
    const find = () => findOwnComment(client, { owner, repo, issueNumber, marker, viewer });
    const update = async (existing) => {
        if (existing.body === body)
            return { action: 'unchanged', id: existing.id, url: existing.html_url };
        try {
            const r = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
            return { action: 'updated', id: r.data.id, url: r.data.html_url };
        }
        catch (e) {
            if (!mayHaveBeenApplied(e))
                throw e;
            const again = await find();
            if (again?.id === existing.id && again.body === body)
                return { action: 'updated', id: again.id, url: again.html_url };
            throw e;
        }
    };
    const existing = await find();
    if (existing)
        return update(existing);
    try {
        const r = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
        return { action: 'created', id: r.data.id, url: r.data.html_url };
    }
    catch (e) {
        if (!mayHaveBeenApplied(e))
            throw e;
        client.log(`creating the comment failed (${classifyGitHubError(e).message}); checking whether it was stored before trying again`);
        const stored = await find();
        if (stored) {
            if (stored.body === body)
                return { action: 'created', id: stored.id, url: stored.html_url };
            return update(stored);
        }
        const r = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
        return { action: 'created', id: r.data.id, url: r.data.html_url };
    }
}
/** A 5xx or a dropped connection says nothing about whether the write happened. */
function mayHaveBeenApplied(e) {
    const kind = e instanceof GitHubError ? e.kind : classifyGitHubError(e).kind;
    return kind === 'server' || kind === 'network';
}
async function findOwnComment(client, q) {
    let pages = 0;
    for await (const page of client.octokit.paginate.iterator(client.octokit.rest.issues.listComments, {
        owner: q.owner,
        repo: q.repo,
        issue_number: q.issueNumber,
        per_page: 100
    })) {
        for (const c of page.data) {
            if (typeof c.body === 'string' && c.body.startsWith(q.marker) && isOwn(c, q.viewer))
                return c;
        }
        if (++pages >= MAX_COMMENT_PAGES)
            break;
    }
    return undefined;
}
/**
 * Anyone can paste our marker into a comment; only our own comments are ours to edit (a token
 * with admin rights could otherwise rewrite a maintainer's words). When the token cannot tell
 * who it is (GITHUB_TOKEN, app tokens), its comments come from a Bot account.
 */
function isOwn(c, viewer) {
    const login = c.user?.login;
    if (!login)
        return false;
    if (viewer !== undefined)
        return login.toLowerCase() === viewer.toLowerCase();
    return c.user?.type === 'Bot';
}
function fitComment(body) {
    if (body.length <= MAX_COMMENT_LENGTH)
        return body;
    const note = '\n\n… (cut to fit GitHub’s comment limit; the full report is in the job summary and the report artifact)';
    return body.slice(0, MAX_COMMENT_LENGTH - note.length) + note;
}

;// CONCATENATED MODULE: ./shared/github/index.ts







/***/ })

};
