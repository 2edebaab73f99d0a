/**
 * REST calls one GraphQL request may have in flight at once: enough for the
 * widest level of a first-page query (20 agents × 2 tokens, each needing its
 * own GET for `lastUsedAt`) to go out together, few enough that one query
 * cannot take the whole pool.
 */
const DEFAULT_MAX_CONCURRENT_CALLS = 64;

/** A start-up setting that is wrong: its message is one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface Config {
  gitlabUrl: string;
  port: number;
  host: string;
  /** When set, /metrics is served on this port (same host) and no longer on `port`. */
  metricsPort: number | undefined;
  /** SIGTERM: how long in-flight requests may take to finish. */
  shutdownGraceMs: number;
  connectTimeoutMs: number;
  /**
   * Connections to GitLab, shared by all requests: over HTTP/1.1 each carries one call at a time, so this caps the
   * REST calls in flight at once; over HTTP/2 each carries up to 100.
   */
  gitlabConnections: number;
  /**
   * `auto`: HTTP/2 when GitLab offers it in the TLS handshake (ALPN), else HTTP/1.1; `off` (the default): HTTP/1.1.
   * Off by default because undici's HTTP/2 costs about twice the CPU per call (docs/benchmarks.md), and the
   * gateway is CPU-bound before GitLab's connections are.
   */
  gitlabHttp2: 'auto' | 'off';
  /** One REST call from start to its last body byte, waiting for a socket included; also the retry budget of a GET. */
  requestTimeoutMs: number;
  /** One GraphQL request from its arrival to its answer: REST calls still pending then are cancelled. */
  graphqlTimeoutMs: number;
  /** The largest body read from GitLab for one REST call; a longer one is cut off and is an UPSTREAM_UNAVAILABLE error. */
  gitlabMaxResponseBytes: number;
  /** Same-origin redirects followed for one GET (renamed projects); more is an UPSTREAM_UNAVAILABLE error. */
  gitlabMaxRedirects: number;
  /** REST calls (attempts included) one GraphQL request may make; past it, QUERY_TOO_COMPLEX. */
  maxRestCallsPerRequest: number;
  /** Attempts of a GET at most, the first included. Writes are never retried. */
  retryAttempts: number;
  /** REST calls one GraphQL request may have in flight at once. */
  maxConcurrentCallsPerRequest: number;
  /** GraphQL requests served at once; more are turned away with 503 rather than piling up while GitLab is slow. */
  maxInFlightRequests: number;
  logLevel: string;
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  maxBodyBytes: number;
  /** IDs one `nodes(ids:)` may take, variables included. */
  maxNodeIds: number;
  /** The largest response execution may build (its JSON size, estimated as it is built). */
  maxResponseBytes: number;
  /** A client must have sent its request's headers within this. */
  headersTimeoutMs: number;
  /** A client must have sent its whole request, body included, within this. */
  bodyTimeoutMs: number;
  introspection: boolean;
  /** Repeated queries run through graphql-jit (src/execution/compiled-execution.ts); false: graphql-js for all. */
  compiledExecution: boolean;
  /** Origins allowed to call from a browser; empty: none (same-origin only). */
  corsOrigins: string[];
  /** JSON map of sha256 hash → query text. */
  persistedOperationsFile: string | undefined;
  /** Only persisted operations are accepted. */
  persistedOperationsOnly: boolean;
}

type Env = Record<string, string | undefined>;

function url(env: Env, name: string, fallback: string): string {
  const raw = env[name]?.trim() || fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL such as https://gitlab.example.com, got "${raw}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL such as https://gitlab.example.com, got "${raw}"`);
  }
  if (parsed.username || parsed.password) throw new ConfigError(`${name} must not carry credentials: callers send their own GitLab token`);
  if (parsed.search || parsed.hash) throw new ConfigError(`${name} must be the instance's base URL, without a query or fragment, got "${raw}"`);
  // The API's own URL is a common way to name the instance: it is the same one (the gateway adds /api/v4 itself).
  return parsed.href.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
}

function integer(env: Env, name: string, fallback: number, min: number, max: number, what: string): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new ConfigError(`${name} must be ${what} (${min}-${max}), got "${raw}"`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function oneOf(env: Env, name: string, fallback: string, allowed: string[]): string {
  const raw = env[name]?.trim().toLowerCase() || fallback;
  if (!allowed.includes(raw)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${env[name]}"`);
  return raw;
}

function origins(env: Env, name: string): string[] {
  const list = (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const origin of list) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin) throw new ConfigError(`${name} must be a comma-separated list of origins such as https://app.example.com, got "${origin}"`);
  }
  return list;
}

/** Unset: /metrics stays on PORT. */
function metricsPort(env: Env, port: number): number | undefined {
  if (!env.METRICS_PORT?.trim()) return undefined;
  const value = integer(env, 'METRICS_PORT', 0, 0, 65535, 'a port number');
  if (value !== 0 && value === port) throw new ConfigError(`METRICS_PORT must differ from PORT (${port}): unset it to serve /metrics on PORT`);
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  const requestTimeoutMs = integer(env, 'GITLAB_TIMEOUT_MS', 15_000, 1, 600_000, 'milliseconds');
  const port = integer(env, 'PORT', 4000, 0, 65535, 'a port number');
  return {
    gitlabUrl: url(env, 'GITLAB_URL', 'https://gitlab.com'),
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    metricsPort: metricsPort(env, port),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 25_000, 0, 600_000, 'milliseconds'),
    connectTimeoutMs: integer(env, 'GITLAB_CONNECT_TIMEOUT_MS', 5_000, 1, 600_000, 'milliseconds'),
    gitlabConnections: integer(env, 'GITLAB_CONNECTIONS', 128, 1, 10_000, 'a count'),
    gitlabHttp2: oneOf(env, 'GITLAB_HTTP2', 'off', ['auto', 'off']) as Config['gitlabHttp2'],
    requestTimeoutMs,
    graphqlTimeoutMs: integer(env, 'GRAPHQL_TIMEOUT_MS', 30_000, 1, 600_000, 'milliseconds'),
    gitlabMaxResponseBytes: integer(env, 'GITLAB_MAX_RESPONSE_BYTES', 8_000_000, 1_000, 1_000_000_000, 'a size in bytes'),
    gitlabMaxRedirects: integer(env, 'GITLAB_MAX_REDIRECTS', 3, 0, 20, 'a count'),
    maxRestCallsPerRequest: integer(env, 'MAX_REST_CALLS_PER_REQUEST', 1_000, 1, 1_000_000, 'a count'),
    retryAttempts: integer(env, 'GITLAB_RETRY_ATTEMPTS', 8, 1, 20, 'a count'),
    maxConcurrentCallsPerRequest: integer(env, 'GITLAB_MAX_CONCURRENT_CALLS', DEFAULT_MAX_CONCURRENT_CALLS, 1, 1000, 'a count'),
    maxInFlightRequests: integer(env, 'MAX_IN_FLIGHT_REQUESTS', 256, 1, 100_000, 'a count'),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    maxDepth: integer(env, 'MAX_QUERY_DEPTH', 12, 1, 1000, 'a depth'),
    maxAliases: integer(env, 'MAX_ALIASES', 30, 0, 10_000, 'a count'),
    maxTokens: integer(env, 'MAX_TOKENS', 2_000, 1, 1_000_000, 'a count'),
    maxDirectives: integer(env, 'MAX_DIRECTIVES', 20, 0, 10_000, 'a count'),
    maxCost: integer(env, 'MAX_QUERY_COST', 50_000, 1, 100_000_000, 'a cost'),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 100_000, 1_000, 100_000_000, 'a size in bytes'),
    maxNodeIds: integer(env, 'MAX_NODE_IDS', 100, 1, 100_000, 'a count'),
    maxResponseBytes: integer(env, 'MAX_RESPONSE_BYTES', 10_000_000, 10_000, 1_000_000_000, 'a size in bytes'),
    headersTimeoutMs: integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 100, 600_000, 'milliseconds'),
    bodyTimeoutMs: integer(env, 'BODY_TIMEOUT_MS', 10_000, 100, 600_000, 'milliseconds'),
    introspection: boolean(env, 'INTROSPECTION', true),
    compiledExecution: boolean(env, 'GRAPHQL_JIT', true),
    corsOrigins: origins(env, 'CORS_ORIGINS'),
    persistedOperationsFile: env.PERSISTED_OPERATIONS_FILE?.trim() || undefined,
    persistedOperationsOnly: boolean(env, 'PERSISTED_OPERATIONS_ONLY', false),
  };
}

/** Every default, as a gateway built in code (tests, the demo) gets it. */
export const DEFAULTS: Omit<Config, 'gitlabUrl'> = (() => {
  const { gitlabUrl: _ignored, ...rest } = loadConfig({});
  return rest;
})();
