import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ApiRequest } from './context.js';
import { tokenOf } from './context.js';
import type { Faults, FaultKind } from './faults.js';
import { match } from './router.js';
import { ApiError, fail } from './responses.js';
import type { SimResponse } from './responses.js';
import type { SimState } from './state.js';
import type { Stats } from './stats.js';

export interface RateLimitConfig {
  /** Requests allowed per token (or per address without one) in each window. */
  limit: number;
  windowMs: number;
}

export interface ServerControls {
  state: SimState;
  stats: Stats;
  faults: Faults;
  latencyMs: number;
  rateLimit: RateLimitConfig | null;
  publicUrl: () => string;
}

const COMMON_HEADERS = { 'x-frame-options': 'SAMEORIGIN', 'x-content-type-options': 'nosniff' };

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function send(res: ServerResponse, answer: SimResponse, slowBodyMs = 0): void {
  const isText = answer.text !== undefined;
  const payload = answer.status === 204 ? '' : isText ? answer.text! : JSON.stringify(answer.body ?? null);
  res.writeHead(answer.status, {
    ...COMMON_HEADERS,
    'content-type': isText ? 'text/plain' : 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...answer.headers,
  });
  if (slowBodyMs > 0) {
    res.flushHeaders();
    setTimeout(() => res.end(payload), slowBodyMs);
  } else {
    res.end(payload);
  }
}

/** Rack::Attack's throttled answer (gitlab-behaviour.md 1.7). */
function throttled(limit: number, resetAt: number): SimResponse {
  const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
  return {
    status: 429,
    text: 'Retry later\n',
    headers: {
      'retry-after': String(retryAfter),
      'ratelimit-name': 'throttle_authenticated_api',
      'ratelimit-limit': String(limit),
      'ratelimit-observed': String(limit + 1),
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(Math.ceil(resetAt / 1000)),
      'ratelimit-resettime': new Date(resetAt).toUTCString(),
    },
  };
}

function faultAnswer(kind: FaultKind): SimResponse | undefined {
  switch (kind) {
    case '429':
      return throttled(1, Date.now() + 1_000);
    case '500':
    case '502':
    case '503':
    case '504':
      return { status: Number(kind), body: { message: `${kind} ${kind === '500' ? 'Internal Server Error' : 'Service Unavailable'}` } };
    default:
      return undefined;
  }
}

export function createSimulatorServer(controls: ServerControls): Server {
  const windows = new Map<string, { start: number; count: number }>();

  function rateLimited(key: string): SimResponse | undefined {
    const limit = controls.rateLimit;
    if (!limit) return undefined;
    const now = Date.now();
    let window = windows.get(key);
    if (!window || now - window.start >= limit.windowMs) {
      window = { start: now, count: 0 };
      windows.set(key, window);
    }
    window.count++;
    return window.count > limit.limit ? throttled(limit.limit, window.start + limit.windowMs) : undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith('/api/v4/') ? url.pathname.slice('/api/v4'.length) : undefined;
    const found = path === undefined ? undefined : match(method, path);
    const route = found?.route ?? 'unmatched';
    const token = tokenOf(req.headers, url.searchParams);
    const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
    const record = {
      method,
      route,
      path: `${path ?? url.pathname}${url.search}`,
      status: 0 as number | 'reset' | 'hang',
      token,
      requestId: header('x-request-id'),
      traceparent: header('traceparent'),
      startedAt: Date.now(),
      endedAt: 0,
    };
    controls.stats.begin(route);
    const finish = (status: number | 'reset' | 'hang') => {
      record.status = status;
      record.endedAt = Date.now();
      controls.stats.end(record);
    };

    const body = await readBody(req);
    if (controls.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, controls.latencyMs));

    const fault = controls.faults.pick(method, route);
    if (fault === 'reset') {
      finish('reset');
      req.socket.destroy();
      return;
    }
    if (fault === 'hang') {
      finish('hang');
      return;
    }
    let answer = fault ? faultAnswer(fault) : undefined;
    answer ??= rateLimited(token ?? req.socket.remoteAddress ?? '');
    if (!answer) {
      try {
        if (!found || path === undefined) throw fail.noRoute();
        const user = token === undefined ? undefined : controls.state.userByToken(token);
        if (!user) throw fail.unauthorized();
        const apiRequest: ApiRequest = {
          method,
          path,
          params: found.params,
          query: url.searchParams,
          headers: req.headers,
          body,
          user,
          state: controls.state,
          publicUrl: controls.publicUrl(),
        };
        answer = found.handler(apiRequest);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        answer = { status: err.status, body: err.body, headers: err.headers };
      }
    }
    finish(answer.status);
    send(res, answer, fault === 'slow-body' ? controls.faults.slowBodyMs : 0);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, { status: 500, body: { message: '500 Internal Server Error' } });
    });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}
