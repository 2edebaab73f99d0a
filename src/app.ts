import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLSchema } from 'graphql';
import type { DestinationStream } from 'pino';
import { DEFAULTS } from './config.js';
import type { Config } from './config.js';
import { createContext } from './context.js';
import type { GatewayContext } from './context.js';
import { GitLabClient } from './datasources/gitlab-client.js';
import { graphiqlDefaultQuery } from './graphiql.js';
import { compiledExecution } from './execution/compiled-execution.js';
import { rejectBody } from './limits/body-limit.js';
import { queryLimitPlugins } from './limits/query-limits.js';
import { csrfPrevention, disableIntrospection, persistedOperations } from './limits/request-guards.js';
import { createLogger } from './observability/logger.js';
import type { Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { recordRequests } from './observability/request-record.js';
import type { RequestRecord } from './observability/request-record.js';
import { subgraphSchema } from './schema/index.js';

export interface GatewayOptions extends Partial<Config> {
  gitlabUrl: string;
  /** The project GraphiQL's example query opens on. */
  exampleProject?: string;
  schema?: GraphQLSchema;
  /** Where the JSON log lines go (default: stdout). */
  logDestination?: DestinationStream;
}

export interface Gateway {
  server: Server;
  client: GitLabClient;
  metrics: Metrics;
  logger: Logger;
  /** Starts listening; resolves to the base URL (`http://host:port`). */
  listen(port?: number, host?: string): Promise<string>;
  /** Turns /readyz to 503, lets in-flight requests finish (at most `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
  readonly ready: boolean;
}

interface ServerContext {
  req: IncomingMessage;
  res: ServerResponse;
  record: RequestRecord;
}

/** A caller's X-Request-Id is reused only when it is a plain token: it ends up in logs and in GitLab's. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function createGateway(options: GatewayOptions): Gateway {
  const config: Config = { ...DEFAULTS, ...options };
  const logger = createLogger({ level: config.logLevel, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  const metrics = new Metrics();
  const client = new GitLabClient({
    baseUrl: config.gitlabUrl,
    connectTimeoutMs: config.connectTimeoutMs,
    headersTimeoutMs: config.requestTimeoutMs,
    bodyTimeoutMs: config.requestTimeoutMs,
    maxAttempts: config.retryAttempts,
    onRestCall: (event) => {
      metrics.restCall(event);
      logger.info({
        msg: 'gitlab call',
        requestId: event.requestId,
        method: event.method,
        route: event.route,
        status: event.status,
        durationMs: Math.round(event.durationMs * 10) / 10,
        attempt: event.attempt,
        errorCode: event.errorCode,
      });
    },
  });

  const plugins: Plugin[] = [
    recordRequests() as Plugin,
    ...(config.compiledExecution ? [compiledExecution((outcome) => metrics.compiledExecution(outcome))] : []),
    csrfPrevention(),
    ...queryLimitPlugins(config),
    ...(config.introspection ? [] : [disableIntrospection()]),
    ...(config.persistedOperationsFile ? [persistedOperations(config.persistedOperationsFile, config.persistedOperationsOnly)] : []),
  ];
  const yoga = createYoga<ServerContext, GatewayContext>({
    schema: options.schema ?? subgraphSchema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // The body is already bounded before yoga sees it (rejectBody: Content-Length checked, chunked refused),
    // so yoga's own limit would only pipe every body through a TransformStream: ~0.2 ms of CPU a request
    // (a third of a one-call query's cost, docs/benchmarks.md).
    maxRequestBodySize: false,
    plugins,
    cors: config.corsOrigins.length
      ? {
          origin: config.corsOrigins,
          credentials: true,
          methods: ['GET', 'POST'],
          allowedHeaders: ['content-type', 'authorization', 'private-token', 'x-request-id', 'x-graphql-yoga-csrf', 'traceparent'],
        }
      : false,
    context: ({ request, record }) => createContext(client, request, record.requestId, config.maxConcurrentCallsPerRequest),
    graphiql: config.introspection ? { title: 'agent-gateway', defaultQuery: graphiqlDefaultQuery(options.exampleProject) } : false,
    // GraphiQL served from the package itself, not a CDN: it works where the gateway cannot reach the internet.
    // Its page is 9 MB of JavaScript, ~30 MB of heap: loaded on the first visit rather than at start-up, which
    // takes the idle RSS from ~140 to ~95 MiB and the peak under load down with it (docs/benchmarks.md).
    renderGraphiQL: async (opts) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(opts),
    logging: {
      // yoga says what it is doing several times a request: build the line only when its level is on.
      debug: (...args) => logger.isLevelEnabled('debug') && logger.debug({ msg: 'yoga', detail: args.map(String) }),
      info: (...args) => logger.info({ msg: 'yoga', detail: args.map(String) }),
      warn: (...args) => logger.warn({ msg: 'yoga', detail: args.map(String) }),
      error: (...args) => logger.error({ msg: 'unexpected error', detail: args.map((a) => (a instanceof Error ? a.message : String(a))) }),
    },
  });

  let ready = false;
  let draining = false;
  let inFlight = 0;

  function serveGraphQL(req: IncomingMessage, res: ServerResponse): void {
    const sent = req.headers['x-request-id'];
    const requestId = typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
    res.setHeader('x-request-id', requestId);
    if (draining) res.setHeader('connection', 'close');
    const rejection = rejectBody(req, config.maxBodyBytes);
    if (rejection) {
      logger.warn({ msg: 'request body refused', requestId, status: rejection.status, declaredBytes: req.headers['content-length'], maxBodyBytes: config.maxBodyBytes });
      refuse(req, res, rejection.status, { connection: 'close' }, rejection.message, { code: 'QUERY_TOO_COMPLEX', limit: 'maxBodyBytes' });
      return;
    }
    // When GitLab slows down, requests pile up; past the cap they are turned away at once, so that memory
    // (and the heap limit npm start sets) bounds what a flood can cost rather than crashing the process.
    if (inFlight >= config.maxInFlightRequests) {
      metrics.turnedAway();
      logger.warn({ msg: 'request turned away', requestId, inFlight, maxInFlightRequests: config.maxInFlightRequests });
      const message = `The gateway is serving its maximum of ${config.maxInFlightRequests} requests at once; retry shortly`;
      refuse(req, res, 503, { 'retry-after': '1' }, message, { code: 'OVERLOADED', retryAfter: 1 });
      return;
    }
    inFlight++;
    const record: RequestRecord = { requestId, errorCodes: [] };
    const started = performance.now();
    // 'close', not 'finish': a request whose client went away never finishes, and it is the one worth a line.
    res.on('close', () => {
      inFlight--;
      const seconds = (performance.now() - started) / 1000;
      const outcome = res.writableFinished ? (record.errorCodes[0] ?? 'ok') : 'aborted';
      metrics.graphqlRequest(record.operationName, outcome, seconds);
      logger.info({
        msg: 'graphql request',
        requestId,
        method: req.method,
        status: res.writableFinished ? res.statusCode : 'aborted',
        operationName: record.operationName,
        errorCodes: record.errorCodes,
        durationMs: Math.round(seconds * 10_000) / 10,
      });
    });
    void yoga(req, res, { record });
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return sendText(res, 200, 'ok\n');
    if (path === '/readyz') return ready && !draining ? sendText(res, 200, 'ready\n') : sendText(res, 503, 'not ready\n');
    if (path === '/metrics') {
      void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      });
      return;
    }
    serveGraphQL(req, res);
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    client,
    metrics,
    logger,
    get ready() {
      return ready && !draining;
    },
    async listen(port = 0, host = '127.0.0.1') {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      ready = true;
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${address.port}`;
    },
    async close(graceMs = config.shutdownGraceMs) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets turn idle as their last response ends: close them then, not when the grace period runs out.
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearInterval(sweeper);
      clearTimeout(timer);
      await client.close();
      logger.flush();
    },
  };
}

/** A GraphQL error answer for a request turned away before yoga reads it; its unread body is drained. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, message: string, extensions: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ errors: [{ message, extensions }] }));
  req.resume();
}

function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}
