import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
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
import { createAdmission } from './http/admission.js';
import { createCors } from './http/cors.js';
import { createGraphiQL } from './http/graphiql-assets.js';
import { listen } from './http/listen.js';
import { separateMetrics } from './http/metrics-listener.js';
import { probes } from './http/probes.js';
import { serverTimeouts } from './http/timeouts.js';
import { queryLimitPlugins } from './limits/query-limits.js';
import { codeHttpRefusals, csrfPrevention, disableIntrospection, persistedOperations } from './limits/request-guards.js';
import { createLogger, flushLogger } from './observability/logger.js';
import type { Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { recordRequests } from './observability/request-record.js';
import type { RequestRecord } from './observability/request-record.js';
import type { GatewayTracer } from './observability/tracing.js';
import { requestTracing } from './observability/tracing-plugin.js';
import { subgraphSchema } from './schema/index.js';

export interface GatewayOptions extends Partial<Config> {
  gitlabUrl: string;
  /** The project GraphiQL's example query opens on. */
  exampleProject?: string;
  schema?: GraphQLSchema;
  /** Where the JSON log lines go (default: stdout). */
  logDestination?: DestinationStream;
  /** PEM certificates trusted for GitLab instead of Node's (a test GitLab's own); a deployment sets NODE_EXTRA_CA_CERTS. */
  gitlabCa?: string;
  /** Spans for each GraphQL request and REST call (src/observability/tracing.ts); none when absent. */
  tracer?: GatewayTracer | undefined;
}

export interface Gateway {
  server: Server;
  /** /metrics's own listener, when `metricsPort` is set. */
  metricsServer: Server | undefined;
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
  /** Built by the direct path, which handed the request over (src/execution/compiled-execution.ts). */
  prepared?: GatewayContext | undefined;
}

const GRAPHQL_ENDPOINT = '/graphql';

/** Composes the gateway: the GitLab client, yoga and its plugins, and the HTTP layer (src/http) in front of them. */
export function createGateway(options: GatewayOptions): Gateway {
  const config: Config = { ...DEFAULTS, ...options };
  const logger = createLogger({ level: config.logLevel, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  const metrics = new Metrics();
  const tracing = options.tracer ? requestTracing(options.tracer) : undefined;
  const client = new GitLabClient({
    baseUrl: config.gitlabUrl,
    connectTimeoutMs: config.connectTimeoutMs,
    connections: config.gitlabConnections,
    http2: config.gitlabHttp2 === 'auto',
    ca: options.gitlabCa,
    requestTimeoutMs: config.requestTimeoutMs,
    maxResponseBytes: config.gitlabMaxResponseBytes,
    maxRedirects: config.gitlabMaxRedirects,
    maxAttempts: config.retryAttempts,
    onRestCall: (event) => {
      metrics.restCall(event);
      // The request's own line at info sums its calls up; a line per call is detail for debugging (and ~30% of a nested query's CPU at info).
      if (!logger.isLevelEnabled('debug')) return;
      logger.debug({
        msg: 'gitlab call',
        requestId: event.requestId,
        method: event.method,
        route: event.route,
        status: event.status,
        durationMs: Math.round(event.durationMs * 10) / 10,
        attempt: event.attempt,
        errorCode: event.errorCode,
        error: event.errorMessage,
      });
    },
  });

  const contextFor = (request: Request, record: RequestRecord): GatewayContext =>
    createContext(client, request, {
      requestId: record.requestId,
      maxConcurrentCalls: config.maxConcurrentCallsPerRequest,
      maxRestCallsPerRequest: config.maxRestCallsPerRequest,
      graphqlTimeoutMs: config.graphqlTimeoutMs,
      observe: (event) => record.restCalls.add(event),
      trace: tracing?.spanOf(record),
    });
  const compiled = config.compiledExecution
    ? compiledExecution({ onExecuted: (outcome) => metrics.compiledExecution(outcome), createContext: contextFor, limits: config, maxResponseBytes: config.maxResponseBytes })
    : undefined;
  const plugins: Plugin[] = [
    // First: the record must see the codes it gives.
    codeHttpRefusals(),
    recordRequests() as Plugin,
    ...(tracing ? [tracing.plugin] : []),
    ...(compiled ? [compiled.plugin] : []),
    csrfPrevention(),
    // @defer and @stream, answered as multipart/mixed or SSE as the client asks (graphql-js executes them: the
    // compiled plans leave documents with directives alone).
    useDeferStream() as Plugin,
    ...queryLimitPlugins(config),
    ...(config.introspection ? [] : [disableIntrospection()]),
    ...(config.persistedOperationsFile ? [persistedOperations(config.persistedOperationsFile, config.persistedOperationsOnly)] : []),
  ];
  const yoga = createYoga<ServerContext, GatewayContext>({
    schema: options.schema ?? subgraphSchema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    landingPage: false,
    // The body is already bounded and read before yoga sees it (src/http/admission.ts), so yoga's own limit
    // would only pipe every body through a TransformStream: ~0.2 ms of CPU a request (a third of a one-call
    // query's cost, docs/benchmarks.md).
    maxRequestBodySize: false,
    plugins,
    // CORS is answered by src/http/cors.ts: yoga's echoes any origin for `*` and sends `null` for unlisted ones.
    cors: false,
    context: ({ request, record, prepared }) => prepared ?? contextFor(request, record),
    // GraphiQL is served by src/http/graphiql-assets.ts, from files rather than one 9 MB string a page load.
    graphiql: false,
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
  const cors = createCors(config.corsOrigins);
  const graphiql = config.introspection
    ? createGraphiQL({ endpoint: GRAPHQL_ENDPOINT, title: 'agent-gateway', defaultQuery: graphiqlDefaultQuery(options.exampleProject) })
    : undefined;
  const probeRoutes = probes(metrics, () => ready && !draining);
  const metricsListener = config.metricsPort === undefined ? undefined : separateMetrics(probeRoutes, serverTimeouts(config));
  const admission = createAdmission({
    config,
    logger,
    metrics,
    draining: () => draining,
    decorate: cors.apply,
    serve: (req, res, record) => {
      tracing?.begin(req, res, record);
      const viaYoga = (prepared?: GatewayContext) => void yoga(req, res, { record, prepared });
      if (compiled) compiled.serve(req, res, record, viaYoga);
      else viaYoga();
    },
    onRefused: tracing?.refused,
  });

  const server = createServer(serverTimeouts(config), (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const probe = probeRoutes.get(path);
    if (probe) return probe(res);
    if (req.method === 'OPTIONS') return cors.preflight(req, res);
    if (graphiql?.wantsPage(req, path)) return graphiql.servePage(res);
    if (graphiql?.serveAsset(req, res, path)) return;
    admission(req, res);
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    metricsServer: metricsListener?.server,
    client,
    metrics,
    logger,
    get ready() {
      return ready && !draining;
    },
    async listen(port = 0, host = '127.0.0.1') {
      await listen(server, port, host);
      if (metricsListener) await metricsListener.listen(config.metricsPort!, host);
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
      await metricsListener?.close();
      await client.close();
      await flushLogger(logger);
    },
  };
}
