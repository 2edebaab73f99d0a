import { abortSignalAny } from '@graphql-hive/signal';
import { GatewayError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { Pool, errors as undiciErrors } from './undici.js';
import { requestText } from './request-text.js';

/** The caller's own credentials, forwarded to GitLab exactly as they arrived. */
export interface CallerAuth {
  authorization?: string;
  privateToken?: string;
}

/** Who a REST call is made for: the caller's credentials, and what ties the call to its GraphQL request. */
export interface CallContext {
  auth: CallerAuth;
  /** Aborts the call when the GraphQL request goes away. */
  signal?: AbortSignal;
  /** Sent as X-Request-Id, so GitLab's logs can be correlated with ours. */
  requestId?: string;
  /** W3C trace context, propagated to GitLab. */
  traceparent?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface RestRequest {
  method: HttpMethod;
  /** Path below `/api/v4`, its segments already URL-encoded. */
  path: string;
  /** Route template, for logs and metrics: never holds a value. */
  route: string;
  query?: Record<string, string | number>;
  body?: Record<string, unknown>;
}

export interface RestResponse<T> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

export interface RestCallEvent {
  requestId: string | undefined;
  method: HttpMethod;
  route: string;
  status: number | 'error';
  durationMs: number;
  attempt: number;
  errorCode: ErrorCode | undefined;
}

export interface GitLabClientOptions {
  /** Base URL of the GitLab instance, without `/api/v4`. */
  baseUrl: string;
  /** Keep-alive sockets to GitLab, shared by all requests. */
  connections?: number;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** GET attempts at most (first try included). */
  maxAttempts?: number;
  /** Wall-clock budget for all retries of one GET (default: the headers timeout). */
  retryBudgetMs?: number;
  onRestCall?: (event: RestCallEvent) => void;
}

/**
 * A failed REST call. `status` is GitLab's HTTP status (absent when no answer
 * came), `gitlabMessage` the text of GitLab's error body, and
 * `mayHaveReachedGitLab` tells whether a write could have taken effect.
 */
export class GitLabError extends GatewayError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number | undefined,
    readonly gitlabMessage: string | undefined,
    readonly mayHaveReachedGitLab: boolean,
    extensions: Record<string, unknown> = {},
  ) {
    super(code, message, { ...extensions, ...(status === undefined ? {} : { httpStatus: status }) });
  }
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const API_PREFIX = '/api/v4';

/**
 * The one connection pool to GitLab. It knows HTTP, GitLab's error bodies,
 * timeouts and retries; which endpoints exist is `GitLabApi`'s business.
 */
export class GitLabClient {
  readonly origin: string;
  private readonly basePath: string;
  private readonly pool: Pool;
  private readonly opts: Required<Omit<GitLabClientOptions, 'onRestCall' | 'baseUrl'>> & Pick<GitLabClientOptions, 'onRestCall'>;

  constructor(options: GitLabClientOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '') + API_PREFIX;
    this.opts = {
      connections: options.connections ?? 128,
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      headersTimeoutMs: options.headersTimeoutMs ?? 15_000,
      bodyTimeoutMs: options.bodyTimeoutMs ?? 15_000,
      maxAttempts: options.maxAttempts ?? 8,
      retryBudgetMs: options.retryBudgetMs ?? options.headersTimeoutMs ?? 15_000,
      onRestCall: options.onRestCall,
    };
    this.pool = new Pool(this.origin, {
      connections: this.opts.connections,
      connect: { timeout: this.opts.connectTimeoutMs },
      keepAliveTimeout: 30_000,
      headersTimeout: this.opts.headersTimeoutMs,
      bodyTimeout: this.opts.bodyTimeoutMs,
    });
  }

  async request<T>(req: RestRequest, call: CallContext): Promise<RestResponse<T>> {
    const started = performance.now();
    let previous: GitLabError | undefined;
    for (let attempt = 1; ; attempt++) {
      const attemptStarted = performance.now();
      // A retry gets only what is left of the budget, so that a GitLab failing slowly costs the caller the
      // budget, not a whole timeout more. A signal, because undici's own timeouts are only precise to about 1 s.
      const budget = previous ? AbortSignal.timeout(Math.max(1, Math.ceil(this.opts.retryBudgetMs - (attemptStarted - started)))) : undefined;
      // Not AbortSignal.any: the request's signal comes from whatwg-node, whose own signal class Node 24's any() refuses.
      const signal = budget && call.signal ? abortSignalAny([call.signal, budget]) : (budget ?? call.signal);
      let outcome: RestResponse<T> | GitLabError;
      try {
        outcome = await this.send<T>(req, call, signal);
      } catch (err) {
        outcome = toGitLabError(err, req.method);
      }
      // One shape for every event (absent fields undefined, which JSON leaves out): this runs for every REST call.
      this.opts.onRestCall?.({
        requestId: call.requestId,
        method: req.method,
        route: req.route,
        status: outcome instanceof GitLabError ? (outcome.status ?? 'error') : outcome.status,
        durationMs: performance.now() - attemptStarted,
        attempt,
        errorCode: outcome instanceof GitLabError ? outcome.code : undefined,
      });
      if (!(outcome instanceof GitLabError)) return outcome;
      // A retry that ran out of budget tells nothing new: the failure that caused it is the answer.
      if (budget?.aborted && previous) throw previous;
      const delay = this.retryDelay(req, outcome, attempt, performance.now() - started, call.signal);
      if (delay === undefined) throw outcome;
      previous = outcome;
      await sleep(delay, call.signal);
    }
  }

  /** How long to wait before retrying, or undefined when the failure is final. */
  private retryDelay(req: RestRequest, err: GitLabError, attempt: number, elapsedMs: number, signal?: AbortSignal): number | undefined {
    // A write that may have reached GitLab must never be sent twice.
    if (req.method !== 'GET' || signal?.aborted || attempt >= this.opts.maxAttempts) return undefined;
    const transient = err.status === undefined ? err.code === 'UPSTREAM_UNAVAILABLE' : RETRYABLE_STATUS.has(err.status);
    if (!transient) return undefined;
    const retryAfterMs = typeof err.extensions.retryAfter === 'number' ? err.extensions.retryAfter * 1000 : 0;
    // Exponential from 25 ms, capped at 1 s, with full jitter around it so that callers do not retry in step.
    const backoff = Math.min(1_000, 25 * 2 ** (attempt - 1));
    const delay = Math.max(retryAfterMs, backoff / 2 + Math.random() * backoff);
    return elapsedMs + delay <= this.opts.retryBudgetMs ? delay : undefined;
  }

  private async send<T>(req: RestRequest, call: CallContext, signal: AbortSignal | undefined): Promise<RestResponse<T>> {
    const { auth } = call;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth.authorization !== undefined) headers.authorization = auth.authorization;
    if (auth.privateToken !== undefined) headers['private-token'] = auth.privateToken;
    if (call.requestId !== undefined) headers['x-request-id'] = call.requestId;
    if (call.traceparent !== undefined) headers.traceparent = call.traceparent;
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }
    const res = await requestText(this.pool, { method: req.method, path: this.basePath + req.path + queryString(req.query), headers, body }, signal);
    const { text, headers: responseHeaders } = res;
    if (res.statusCode >= 200 && res.statusCode < 300) {
      if (res.statusCode === 204 || text === '') return { status: res.statusCode, body: undefined as T, headers: responseHeaders };
      return { status: res.statusCode, body: parseJson<T>(text, res.statusCode), headers: responseHeaders };
    }
    if ((res.statusCode === 301 || res.statusCode === 302) && req.method === 'GET') {
      const moved = this.sameOriginPath(responseHeaders.location);
      if (moved !== undefined) return this.send<T>({ ...req, path: moved, query: undefined }, call, signal);
    }
    throw httpError(res.statusCode, text, responseHeaders);
  }

  /** GitLab answers a renamed project's old path with a redirect to its id-based URL. */
  private sameOriginPath(location: string | string[] | undefined): string | undefined {
    if (typeof location !== 'string') return undefined;
    const target = new URL(location, this.origin);
    if (target.origin !== this.origin || !target.pathname.startsWith(this.basePath)) return undefined;
    return target.pathname.slice(this.basePath.length) + target.search;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

function queryString(query: RestRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function parseJson<T>(text: string, status: number): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new GitLabError('UPSTREAM_UNAVAILABLE', `GitLab answered ${status} with a body that is not JSON`, status, undefined, true);
  }
}

/** The human text of any of GitLab's error body shapes. */
function gitlabMessageOf(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text.trim() || undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { message, error, error_description: description } = body as Record<string, unknown>;
  if (typeof message === 'string') return message;
  if (typeof message === 'object' && message !== null) {
    const nested = (message as Record<string, unknown>).error;
    return typeof nested === 'string' ? nested : JSON.stringify(message);
  }
  if (typeof description === 'string') return description;
  if (typeof error === 'string') return error;
  return undefined;
}

function httpError(status: number, text: string, headers: RestResponse<unknown>['headers']): GitLabError {
  const gitlabMessage = gitlabMessageOf(text);
  const said = gitlabMessage ? `: ${gitlabMessage}` : '';
  const extensions = gitlabMessage ? { gitlabMessage } : {};
  switch (status) {
    case 401:
      return new GitLabError('UNAUTHENTICATED', `GitLab did not accept the credentials (401${said}). Send your own GitLab token as "Authorization: Bearer <token>" or "PRIVATE-TOKEN: <token>".`, status, gitlabMessage, false, extensions);
    case 403:
      return new GitLabError('FORBIDDEN', `GitLab refused this to the caller (403${said})`, status, gitlabMessage, false, extensions);
    case 404:
      return new GitLabError('NOT_FOUND', `GitLab found no such resource, or the caller may not see it (404${said})`, status, gitlabMessage, false, extensions);
    case 429: {
      const retryAfter = Number(headers['retry-after']);
      return new GitLabError('RATE_LIMITED', `GitLab is rate-limiting the caller (429${said})`, status, gitlabMessage, false, {
        ...extensions,
        ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfter } : {}),
      });
    }
    default:
      if (status >= 500) {
        return new GitLabError('UPSTREAM_UNAVAILABLE', `GitLab failed with ${status}`, status, gitlabMessage, status !== 503, extensions);
      }
      return new GitLabError('BAD_USER_INPUT', `GitLab rejected the request (${status}${said})`, status, gitlabMessage, false, extensions);
  }
}

const TIMEOUT_ERRORS = [undiciErrors.HeadersTimeoutError, undiciErrors.BodyTimeoutError, undiciErrors.ConnectTimeoutError];

/** Turns a transport failure into a GitLabError; a GitLabError passes through. */
function toGitLabError(err: unknown, method: HttpMethod): GitLabError {
  if (err instanceof GitLabError) return err;
  if (TIMEOUT_ERRORS.some((type) => err instanceof type)) {
    const connecting = err instanceof undiciErrors.ConnectTimeoutError;
    return new GitLabError('UPSTREAM_TIMEOUT', connecting ? 'GitLab could not be reached in time' : 'GitLab did not answer in time', undefined, undefined, !connecting);
  }
  if (err instanceof Error && err.name === 'AbortError') {
    return new GitLabError('UPSTREAM_UNAVAILABLE', 'The request was cancelled before GitLab answered', undefined, undefined, method !== 'GET');
  }
  const code = (err as { code?: unknown }).code;
  const refused = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  return new GitLabError('UPSTREAM_UNAVAILABLE', refused ? 'GitLab could not be reached' : 'The connection to GitLab failed before it answered', undefined, undefined, !refused);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
