import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { tokenOf } from './auth.js';
import { readBodyParams } from './body.js';
import { faultResponse, isStatusFault, misshapen } from './faults.js';
import type { Faults } from './faults.js';
import { until } from './latency.js';
import type { Latency } from './latency.js';
import type { RateLimiter } from './rate-limit.js';
import { ApiError, fail } from './responses.js';
import type { SimResponse } from './responses.js';
import { match } from './router.js';
import type { Match } from './router.js';
import type { SeedUser } from './seed.js';
import type { SimState } from './state.js';
import type { RecordedRequest, Stats } from './stats.js';

/** What the simulator's controls change while it runs. */
export interface ServerControls {
  state: SimState;
  stats: Stats;
  faults: Faults;
  latency: Latency;
  rateLimiter: RateLimiter | null;
  /** The GitLab URL that Link and Location headers name. */
  publicUrl: () => string;
}

const API_PREFIX = '/api/v4';
/** Set on every answer by api.rb's first `before` block. */
const COMMON_HEADERS = { 'X-Frame-Options': 'SAMEORIGIN', 'X-Content-Type-Options': 'nosniff' };

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** An answer as it goes on the wire, serialised ahead of the moment it is due. */
interface Reply {
  status: number;
  headers: Record<string, string | number>;
  payload: string;
}

function encode(answer: SimResponse): Reply {
  const headers: Record<string, string | number> = { ...COMMON_HEADERS, ...answer.headers };
  let payload = '';
  if (answer.body !== undefined) {
    payload = JSON.stringify(answer.body);
    headers['Content-Type'] = 'application/json';
  } else if (answer.text !== undefined) {
    payload = answer.text;
    if (answer.contentType) headers['Content-Type'] = answer.contentType;
  }
  if (answer.status !== 204) headers['Content-Length'] = Buffer.byteLength(payload);
  return { status: answer.status, headers, payload };
}

function send(res: ServerResponse, reply: Reply, holdBodyMs: number, done: () => void): void {
  res.writeHead(reply.status, reply.headers);
  if (holdBodyMs <= 0) {
    res.end(reply.payload);
    done();
    return;
  }
  res.flushHeaders();
  setTimeout(() => {
    res.end(reply.payload);
    done();
  }, holdBodyMs);
}

/** The answer one byte every `everyMs`: each gap short, the whole endless. Stops when the caller goes away. */
function drip(res: ServerResponse, reply: Reply, everyMs: number, done: () => void): void {
  res.writeHead(reply.status, reply.headers);
  res.flushHeaders();
  const bytes = Buffer.from(reply.payload);
  let sent = 0;
  const timer = setInterval(() => {
    if (sent < bytes.length) res.write(bytes.subarray(sent, ++sent));
    if (sent < bytes.length) return;
    clearInterval(timer);
    res.end();
  }, everyMs);
  res.once('close', () => {
    clearInterval(timer);
    done();
  });
}

const FILLER = Buffer.alloc(64 * 1024, 'x');

/**
 * A 200 of `bytes` of valid JSON, written as the socket takes it, so that the
 * simulator holds 64 KiB of it, not all; its length declared or not.
 */
function hugeBody(res: ServerResponse, bytes: number, declared: boolean, done: () => void): void {
  const head = Buffer.from('{"padding":"');
  const tail = Buffer.from('"}');
  let left = Math.max(0, bytes - head.length - tail.length);
  res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': 'application/json', ...(declared ? { 'Content-Length': head.length + left + tail.length } : {}) });
  res.write(head);
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const chunk = FILLER.subarray(0, Math.min(left, FILLER.length));
      left -= chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end(tail);
  };
  pump();
  res.once('close', done);
}

/** A 302: back to the same URL, or to the same path below `/api/v4evil`, which only looks like it is inside the API. */
function redirect(res: ServerResponse, target: Target, publicUrl: string, kind: 'redirect-loop' | 'redirect-outside'): void {
  const location = kind === 'redirect-loop' ? target.url : `/api/v4evil${target.url.slice(API_PREFIX.length)}`;
  res.writeHead(302, { ...COMMON_HEADERS, Location: publicUrl + location, 'Content-Length': 0 });
  res.end();
}

/** The request line, taken apart once. */
interface Target {
  /** As sent: path and query. */
  url: string;
  method: string;
  /** The path below /api/v4, undefined outside it. */
  path: string | undefined;
  /** The raw query string, without `?`. */
  search: string;
  query: URLSearchParams;
  found: Match | undefined;
  /** The route template, or `unmatched`. */
  route: string;
}

function parseTarget(req: IncomingMessage): Target {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  const search = q < 0 ? '' : url.slice(q + 1);
  const method = req.method ?? 'GET';
  const path = pathname.startsWith(`${API_PREFIX}/`) ? pathname.slice(API_PREFIX.length) : undefined;
  const found = path === undefined ? undefined : match(method, path);
  return { url, method, path, search, query: new URLSearchParams(search), found, route: found?.route ?? 'unmatched' };
}

/**
 * Grape's order for one API request: the route (the catch-all when none
 * matches), the body (Formatter middleware), authentication (`before {
 * authenticate! }`), then the route's own checks.
 */
async function respond(req: IncomingMessage, target: Target, user: SeedUser | undefined, controls: ServerControls): Promise<SimResponse> {
  const { method, path, search, query, found } = target;
  try {
    const body = await readBodyParams(req);
    if (path === undefined && req.url?.startsWith('/api/v3/')) throw fail.grape(410, 'API V3 is no longer supported. Use API V4 instead.');
    if (!found || path === undefined) throw fail.noRoute();
    if (!user) throw fail.unauthorized();
    return found.handler({
      method,
      path,
      search,
      route: found.params,
      input: { ...Object.fromEntries(query), ...body },
      headers: req.headers,
      user,
      state: controls.state,
      publicUrl: controls.publicUrl(),
    });
  } catch (err) {
    if (err instanceof ApiError) return err.response;
    // A simulator bug: answer as GitLab's `handle_api_exception` does, and say why.
    console.error(err);
    return { status: 500, body: { message: '500 Internal Server Error' } };
  }
}

/** Faults, then the rate limiter, then GitLab itself: each request is recorded, whatever answers it. */
export function simulatorListener(controls: ServerControls): (req: IncomingMessage, res: ServerResponse) => void {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = parseTarget(req);
    const { method, route, path, search } = target;
    const token = tokenOf(req.headers, target.query);
    const record: RecordedRequest = {
      method,
      route,
      path: path === undefined ? target.url : path + (target.url.includes('?') ? `?${search}` : ''),
      status: 0,
      token,
      requestId: header(req, 'x-request-id'),
      traceparent: header(req, 'traceparent'),
      tracestate: header(req, 'tracestate'),
      httpVersion: req.httpVersion,
      startedAt: Date.now(),
      endedAt: 0,
    };
    controls.stats.begin(route);
    const finish = (status: RecordedRequest['status']) => {
      record.status = status;
      record.endedAt = Date.now();
      controls.stats.end(record);
    };

    // GitLab's latency is the wire and a worker, for many requests at once: the simulator does its own
    // work while the latency runs, so that a burst of parallel calls is not answered one after another.
    const due = performance.now() + controls.latency.next();
    const fault = controls.faults.pick(method, route);
    if (fault?.kind === 'reset') {
      await until(due);
      finish('reset');
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') {
      // In flight until the caller gives up (or the simulator closes).
      if (req.socket.destroyed) finish('hang');
      else req.socket.once('close', () => finish('hang'));
      return;
    }
    if (fault?.kind === 'redirect-loop' || fault?.kind === 'redirect-outside') {
      await until(due);
      redirect(res, target, controls.publicUrl(), fault.kind);
      finish(302);
      return;
    }
    if (fault?.kind === 'huge-body' || fault?.kind === 'huge-body-chunked') {
      await until(due);
      hugeBody(res, fault.shape.hugeBodyBytes, fault.kind === 'huge-body', () => finish(200));
      return;
    }
    const user = token === undefined ? undefined : controls.state.userByToken(token);
    const answer = isStatusFault(fault)
      ? faultResponse(fault.kind)
      : (controls.rateLimiter?.check(user ? { userId: user.id } : { address: req.socket.remoteAddress ?? '' }) ?? (await respond(req, target, user, controls)));
    const reply = encode(fault?.kind === 'wrong-shape' ? misshapen(answer) : answer);
    await until(due);
    if (fault?.kind === 'drip') drip(res, reply, fault.shape.dripMs, () => finish(answer.status));
    else send(res, reply, fault?.kind === 'slow-body' ? fault.shape.slowBodyMs : 0, () => finish(answer.status));
  }

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error(err);
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
}

export function createSimulatorServer(controls: ServerControls): Server {
  const server = createServer(simulatorListener(controls));
  // Keep-alive well beyond Node's 5 s default, so benchmarks reuse their sockets.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  return server;
}
