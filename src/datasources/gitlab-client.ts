import { GatewayError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { Pool, errors as undiciErrors, multiplexOnHttp2 } from './undici.js';
import { ExchangeTimeoutError, ResponseTooLargeError, requestText } from './request-text.js';
import type { CancelSignal, TextResponse } from './request-text.js';
import type { CallTracer } from '../observability/tracing.js';
import type { TraceHeaders } from '../observability/trace-context.js';

/** The caller's own credentials, forwarded to GitLab exactly as they arrived. */
export interface CallerAuth {
  authorization?: string;
  privateToken?: string;
}

/** Who a REST call is made for: the caller's credentials, and what ties the call to its GraphQL request. */
export interface CallContext {
  auth: CallerAuth;
  /** Aborts the call when the GraphQL request goes away. */
  signal?: CancelSignal;
  /**
   * When the GraphQL request's time is up (a `performance.now()` time): a
   * call still pending then ends as UPSTREAM_TIMEOUT. A number, not a timer
   * signal, because each call's own timer can end at it for free, and a
   * request would otherwise leave a timer behind for as long as the deadline.
   */
  deadline?: number;
  /** Told of every exchange with GitLab before it is sent, and of every answer. */
  budget?: CallBudget;
  /** Sent as X-Request-Id, so GitLab's logs can be correlated with ours. */
  requestId?: string;
  /** The caller's W3C trace context, propagated to GitLab. */
  traceContext?: TraceHeaders;
  /** With tracing on: a span per attempt, whose own traceparent GitLab gets instead (with the caller's tracestate). */
  trace?: CallTracer;
  /** Told of each exchange once it has ended, for the GraphQL request's own summary. */
  observe?: (event: RestCallEvent) => void;
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
  /**
   * Why the call failed (which host could not be reached and why, a timeout, a limit) when that is the
   * gateway's own words: absent when the message quotes GitLab's error body, which is not ours to log.
   */
  errorMessage: string | undefined;
}

/** What a GraphQL request allows its REST calls; `spend` throws to refuse one. */
export interface CallBudget {
  /** Before each exchange with GitLab: retries and redirects are exchanges too. */
  spend(): void;
  /** After each attempt, with its outcome. */
  settle(outcome: RestResponse<unknown> | GitLabError): void;
}

export interface GitLabClientOptions {
  /** Base URL of the GitLab instance, without `/api/v4`. */
  baseUrl: string;
  /** Keep-alive connections to GitLab, shared by all requests (128 by default). */
  connections?: number;
  /** Offer HTTP/2 in the TLS handshake of an https GitLab URL (false by default); GitLab's answer decides. */
  http2?: boolean;
  /** PEM certificates trusted for GitLab instead of Node's own list (a test GitLab's self-signed one); operators set NODE_EXTRA_CA_CERTS. */
  ca?: string;
  connectTimeoutMs?: number;
  /**
   * One attempt from dispatch (the wait for a socket included) to its last
   * body byte, and the wall-clock budget of all attempts of one GET
   * (default 15 s).
   */
  requestTimeoutMs?: number;
  /** GET attempts at most (first try included). */
  maxAttempts?: number;
  /** The longest body read from GitLab (8 MB by default); a longer one is an UPSTREAM_UNAVAILABLE error. */
  maxResponseBytes?: number;
  /** Same-origin redirects followed for one attempt (3 by default); one more is an UPSTREAM_UNAVAILABLE error. */
  maxRedirects?: number;
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
    /** For a failure without an answer: whether trying again soon may succeed (a refused connection may, an unknown DNS name will not). */
    readonly transient = true,
  ) {
    super(code, message, { ...extensions, ...(status === undefined ? {} : { httpStatus: status }) });
  }
}

/** What one exchange sends: a request's method, full path, headers and body. */
interface Exchange {
  method: HttpMethod;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const API_PREFIX = '/api/v4';

interface ClientSettings {
  requestTimeoutMs: number;
  maxAttempts: number;
  maxResponseBytes: number;
  maxRedirects: number;
  onRestCall: GitLabClientOptions['onRestCall'];
}

/**
 * The one connection pool to GitLab. It knows HTTP, GitLab's error bodies,
 * timeouts and retries; which endpoints exist is `GitLabApi`'s business.
 */
export class GitLabClient {
  readonly origin: string;
  /** Named in errors: the host, never the whole URL. */
  private readonly host: string;
  private readonly basePath: string;
  private readonly pool: Pool;
  private readonly settings: ClientSettings;

  constructor(options: GitLabClientOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.host = url.host;
    this.basePath = url.pathname.replace(/\/+$/, '') + API_PREFIX;
    const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.settings = {
      requestTimeoutMs,
      maxAttempts: options.maxAttempts ?? 8,
      maxResponseBytes: options.maxResponseBytes ?? 8_000_000,
      maxRedirects: options.maxRedirects ?? 3,
      onRestCall: options.onRestCall,
    };
    const offerHttp2 = (options.http2 ?? false) && url.protocol === 'https:';
    this.pool = new Pool(this.origin, {
      connections: options.connections ?? 128,
      connect: { timeout: options.connectTimeoutMs ?? 5_000, ...(options.ca === undefined ? {} : { ca: options.ca }) },
      ...(offerHttp2 ? { allowH2: true, factory: multiplexOnHttp2 } : {}),
      keepAliveTimeout: 30_000,
      // undici's own timers are only a backstop: each call's deadline (requestText's timer) ends it first.
      headersTimeout: requestTimeoutMs,
      bodyTimeout: requestTimeoutMs,
    });
  }

  async request<T>(req: RestRequest, call: CallContext): Promise<RestResponse<T>> {
    const started = performance.now();
    // All attempts of a GET share one budget, so that a GitLab failing slowly costs the caller the budget,
    // not a whole timeout more; the GraphQL request's deadline, when nearer, cuts it.
    const budgetEnd = started + this.settings.requestTimeoutMs;
    const end = call.deadline === undefined ? budgetEnd : Math.min(budgetEnd, call.deadline);
    let previous: GitLabError | undefined;
    for (let attempt = 1; ; attempt++) {
      const attemptStarted = performance.now();
      if (attemptStarted >= end) throw this.outOfTime(end, budgetEnd, previous);
      call.budget?.spend();
      const span = call.trace?.startAttempt(req, attempt);
      let outcome: RestResponse<T> | GitLabError;
      try {
        outcome = await this.send<T>(req, call, end, span ? { ...call.traceContext, traceparent: span.traceparent } : call.traceContext);
      } catch (err) {
        outcome = err instanceof ExchangeTimeoutError ? this.outOfTime(end, budgetEnd, previous) : this.toGitLabError(err, req.method);
      }
      call.budget?.settle(outcome);
      const event = restCallEvent(req, call.requestId, outcome, attempt, attemptStarted);
      span?.end(event);
      this.settings.onRestCall?.(event);
      call.observe?.(event);
      if (!(outcome instanceof GitLabError)) return outcome;
      const delay = this.retryDelay(req, outcome, attempt, end - performance.now(), call.signal);
      if (delay === undefined) throw outcome;
      previous = outcome;
      await sleep(delay, call.signal);
    }
  }

  /**
   * The answer when time ran out: past the GraphQL request's deadline, UPSTREAM_TIMEOUT; past a GET's retry
   * budget, the failure that caused the retry, for a cut-off retry tells nothing new.
   */
  private outOfTime(end: number, budgetEnd: number, previous: GitLabError | undefined): GitLabError {
    if (end < budgetEnd) {
      return new GitLabError('UPSTREAM_TIMEOUT', 'The GraphQL request ran out of time before GitLab answered', undefined, undefined, true, { limit: 'graphqlTimeoutMs' });
    }
    return previous ?? new GitLabError('UPSTREAM_TIMEOUT', `GitLab did not answer within ${this.settings.requestTimeoutMs} ms`, undefined, undefined, true, { limit: 'requestTimeoutMs' });
  }

  /** How long to wait before retrying, or undefined when the failure is final. */
  private retryDelay(req: RestRequest, err: GitLabError, attempt: number, leftMs: number, signal?: CancelSignal): number | undefined {
    // A write that may have reached GitLab must never be sent twice.
    if (req.method !== 'GET' || signal?.aborted || attempt >= this.settings.maxAttempts) return undefined;
    const transient = err.status === undefined ? err.code === 'UPSTREAM_UNAVAILABLE' && err.transient : RETRYABLE_STATUS.has(err.status);
    if (!transient) return undefined;
    const retryAfterMs = typeof err.extensions.retryAfter === 'number' ? err.extensions.retryAfter * 1000 : 0;
    // Exponential from 25 ms, capped at 1 s, with full jitter around it so that callers do not retry in step.
    const backoff = Math.min(1_000, 25 * 2 ** (attempt - 1));
    const delay = Math.max(retryAfterMs, backoff / 2 + Math.random() * backoff);
    return delay <= leftMs ? delay : undefined;
  }

  /** One attempt: an exchange, and the same-origin redirects it leads to, all done by `end` (a `performance.now()` time). */
  private send<T>(req: RestRequest, call: CallContext, end: number, traceContext: TraceHeaders | undefined): Promise<RestResponse<T>> {
    const { auth } = call;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth.authorization !== undefined) headers.authorization = auth.authorization;
    if (auth.privateToken !== undefined) headers['private-token'] = auth.privateToken;
    if (call.requestId !== undefined) headers['x-request-id'] = call.requestId;
    if (traceContext !== undefined) {
      headers.traceparent = traceContext.traceparent;
      if (traceContext.tracestate !== undefined) headers.tracestate = traceContext.tracestate;
    }
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }
    return this.exchange<T>({ method: req.method, path: this.basePath + req.path + queryString(req.query), headers, body }, call, end, 0);
  }

  /**
   * One exchange, and the redirect it may lead to. A promise chain rather
   * than an async function: an async frame (its registers, promise and await
   * reactions) is memory every REST call holds for as long as GitLab takes to
   * answer, and every scavenge in that time copies it (docs/benchmarks.md).
   */
  private exchange<T>(options: Exchange, call: CallContext, end: number, redirects: number): Promise<RestResponse<T>> {
    const limits = { timeoutMs: Math.max(1, Math.ceil(end - performance.now())), maxBytes: this.settings.maxResponseBytes };
    return requestText(this.pool, options, call.signal, limits).then((res) => this.answer<T>(res, options, call, end, redirects));
  }

  /** What one exchange's answer means: a 2xx read as JSON, a same-origin redirect followed, anything else its GitLabError. */
  private answer<T>(res: TextResponse, options: Exchange, call: CallContext, end: number, redirects: number): RestResponse<T> | Promise<RestResponse<T>> {
    const { statusCode, text, headers } = res;
    if (statusCode >= 200 && statusCode < 300) {
      if (statusCode === 204 || text === '') return { status: statusCode, body: undefined as T, headers };
      return { status: statusCode, body: parseJson<T>(text, statusCode), headers };
    }
    if (!((statusCode === 301 || statusCode === 302) && options.method === 'GET')) throw httpError(statusCode, text, headers);
    const moved = this.sameOriginPath(headers.location);
    if (moved === undefined) {
      throw new GitLabError('UPSTREAM_UNAVAILABLE', `GitLab answered ${statusCode} with a redirect away from its API at ${this.host}${this.basePath}/`, statusCode, undefined, false);
    }
    if (redirects === this.settings.maxRedirects) {
      throw new GitLabError('UPSTREAM_UNAVAILABLE', `GitLab redirected more than ${this.settings.maxRedirects} times (the limit gitlabMaxRedirects)`, statusCode, undefined, false, {
        limit: 'gitlabMaxRedirects',
      });
    }
    call.budget?.spend();
    return this.exchange<T>({ ...options, path: moved }, call, end, redirects + 1);
  }

  /** GitLab answers a renamed project's old path with a redirect to its id-based URL: followed only below the API's path. */
  private sameOriginPath(location: string | string[] | undefined): string | undefined {
    if (typeof location !== 'string') return undefined;
    const target = new URL(location, this.origin);
    // The slash keeps /api/v4evil out.
    if (target.origin !== this.origin || !target.pathname.startsWith(`${this.basePath}/`)) return undefined;
    return target.pathname + target.search;
  }

  /** Turns a transport failure into a GitLabError; a GitLabError passes through. */
  private toGitLabError(err: unknown, method: HttpMethod): GitLabError {
    if (err instanceof GitLabError) return err;
    if (err instanceof ResponseTooLargeError) {
      return new GitLabError(
        'UPSTREAM_UNAVAILABLE',
        `GitLab's ${err.statusCode} answer is larger than the ${err.maxBytes} bytes the gateway reads (the limit gitlabMaxResponseBytes)`,
        err.statusCode,
        undefined,
        method !== 'GET',
        { limit: 'gitlabMaxResponseBytes' },
      );
    }
    if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
      return new GitLabError('UPSTREAM_TIMEOUT', 'GitLab did not answer in time', undefined, undefined, true);
    }
    if (err instanceof Error && err.name === 'AbortError') {
      return new GitLabError('UPSTREAM_UNAVAILABLE', 'The request was cancelled before GitLab answered', undefined, undefined, method !== 'GET');
    }
    const cause = unreachableCause(err);
    if (cause) {
      const code = cause.timeout ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE';
      return new GitLabError(code, `GitLab at ${this.host} could not be reached: ${cause.reason}`, undefined, undefined, false, {}, cause.transient);
    }
    return new GitLabError('UPSTREAM_UNAVAILABLE', 'The connection to GitLab failed before it answered', undefined, undefined, true);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

interface UnreachableCause {
  /** Said to the caller and logged: names the failure, never an address's secrets (there are none in a host name). */
  reason: string;
  /** Worth a retry within the same call. */
  transient: boolean;
  timeout: boolean;
}

/** Node's TLS verification failures: a certificate the gateway does not trust. */
const UNTRUSTED_CERTIFICATE = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Why no connection to GitLab could be made, or undefined when one was (or the failure is something else). */
function unreachableCause(err: unknown): UnreachableCause | undefined {
  if (err instanceof undiciErrors.ConnectTimeoutError) return { reason: 'the connection timed out', transient: true, timeout: true };
  // Node tries each address of a name in turn and reports them together: the first says why.
  const first = err instanceof AggregateError ? err.errors[0] : err;
  const code = (first as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  // A name that does not exist will not exist in a few milliseconds either; EAI_AGAIN is the resolver failing for now.
  if (code === 'ENOTFOUND') return { reason: 'DNS name not found (ENOTFOUND)', transient: false, timeout: false };
  if (code === 'EAI_AGAIN') return { reason: 'DNS lookup failed for now (EAI_AGAIN)', transient: true, timeout: false };
  if (code === 'ECONNREFUSED') return { reason: 'connection refused (ECONNREFUSED)', transient: true, timeout: false };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return { reason: `no route to the host (${code})`, transient: true, timeout: false };
  if (code === 'ETIMEDOUT') return { reason: 'the connection timed out (ETIMEDOUT)', transient: true, timeout: true };
  if (UNTRUSTED_CERTIFICATE.has(code)) return { reason: `TLS certificate not trusted (${code})`, transient: false, timeout: false };
  return undefined;
}

/** One shape for every event (absent fields undefined, which JSON leaves out): this runs for every REST call. */
function restCallEvent(req: RestRequest, requestId: string | undefined, outcome: RestResponse<unknown> | GitLabError, attempt: number, started: number): RestCallEvent {
  const failed = outcome instanceof GitLabError;
  return {
    requestId,
    method: req.method,
    route: req.route,
    status: failed ? (outcome.status ?? 'error') : outcome.status,
    durationMs: performance.now() - started,
    attempt,
    errorCode: failed ? outcome.code : undefined,
    errorMessage: failed && outcome.gitlabMessage === undefined ? outcome.message : undefined,
  };
}

/** `?page=2&per_page=20`, as URLSearchParams would write it: built by hand, as this runs for every REST call. */
function queryString(query: RestRequest['query']): string {
  let text = '';
  for (const key in query) text += `${text ? '&' : '?'}${formEncode(key)}=${formEncode(String(query[key]))}`;
  return text;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** application/x-www-form-urlencoded, as URLSearchParams encodes: also `!'()~`, which encodeURIComponent leaves, a space as `+`, and a lone surrogate as U+FFFD. */
function formEncode(text: string): string {
  return /^[A-Za-z0-9_.-]*$/.test(text) ? text : encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD')).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
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

function sleep(ms: number, signal?: CancelSignal): Promise<void> {
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
