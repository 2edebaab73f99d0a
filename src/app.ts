import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import type { GraphQLSchema } from 'graphql';
import type { Config } from './config.js';
import { createContext } from './context.js';
import type { GatewayContext } from './context.js';
import { GitLabClient } from './datasources/gitlab-client.js';
import { graphiqlDefaultQuery } from './graphiql.js';
import { subgraphSchema } from './schema/index.js';

export interface GatewayOptions extends Partial<Config> {
  gitlabUrl: string;
  /** The project GraphiQL's example query opens on. */
  exampleProject?: string;
  schema?: GraphQLSchema;
}

export interface Gateway {
  server: Server;
  client: GitLabClient;
  /** Starts listening; resolves to the base URL (`http://host:port`). */
  listen(port?: number, host?: string): Promise<string>;
  /** Turns /readyz to 503, lets in-flight requests finish (at most `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
  readonly ready: boolean;
}

export function createGateway(options: GatewayOptions): Gateway {
  const client = new GitLabClient({
    baseUrl: options.gitlabUrl,
    connectTimeoutMs: options.connectTimeoutMs,
    headersTimeoutMs: options.requestTimeoutMs,
    bodyTimeoutMs: options.requestTimeoutMs,
  });
  const yoga = createYoga<{ req: IncomingMessage; res: ServerResponse }, GatewayContext>({
    schema: options.schema ?? subgraphSchema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    context: ({ request }) => createContext(client, request, options.maxConcurrentCallsPerRequest),
    graphiql: { title: 'agent-gateway', defaultQuery: graphiqlDefaultQuery(options.exampleProject) },
    logging: false,
  });

  let ready = false;
  let draining = false;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return sendText(res, 200, 'ok\n');
    if (path === '/readyz') return ready && !draining ? sendText(res, 200, 'ready\n') : sendText(res, 503, 'not ready\n');
    if (draining) res.setHeader('connection', 'close');
    return yoga(req, res);
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    client,
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
    async close(graceMs = 25_000) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      await client.close();
    },
  };
}

function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}
