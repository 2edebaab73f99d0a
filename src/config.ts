/** A start-up setting that is wrong: its message is one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface Config {
  gitlabUrl: string;
  port: number;
  host: string;
  /** SIGTERM: how long in-flight requests may take to finish. */
  shutdownGraceMs: number;
  /** Upstream timeouts. */
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** REST calls one GraphQL request may have in flight at once. */
  maxConcurrentCallsPerRequest: number;
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
  return parsed.href.replace(/\/+$/, '');
}

function integer(env: Env, name: string, fallback: number, min: number, max: number, what: string): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new ConfigError(`${name} must be ${what} (${min}-${max}), got "${raw}"`);
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  return {
    gitlabUrl: url(env, 'GITLAB_URL', 'https://gitlab.com'),
    port: integer(env, 'PORT', 4000, 0, 65535, 'a port number'),
    host: env.HOST?.trim() || '0.0.0.0',
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 25_000, 0, 600_000, 'milliseconds'),
    connectTimeoutMs: integer(env, 'GITLAB_CONNECT_TIMEOUT_MS', 5_000, 1, 600_000, 'milliseconds'),
    requestTimeoutMs: integer(env, 'GITLAB_TIMEOUT_MS', 15_000, 1, 600_000, 'milliseconds'),
    maxConcurrentCallsPerRequest: integer(env, 'GITLAB_MAX_CONCURRENT_CALLS', 32, 1, 1000, 'a count'),
  };
}
