/**
 * The direct baseline: what the benchmark's questions cost when answered by
 * hand, with no GraphQL at all. Each operation is a hand-written function
 * that makes the fewest REST calls, each as soon as the data it depends on
 * has arrived, through an undici Pool with the gateway's settings (same
 * connection count, keep-alive, timeouts). It is served over HTTP (one POST
 * endpoint per operation, taking the same JSON body a GraphQL request would
 * and answering the same JSON the gateway answers), so that the same load
 * generator drives it. It knows only the happy path: it is a yardstick, not
 * a product. It lives with the tests because test/rest-call-counts.test.ts
 * holds the gateway's answers to it, a second way of reaching the same
 * JSON; `npm run bench` measures the gateway against it.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Pool } from 'undici';
import { requestText } from '../../src/datasources/request-text.js';
import { globalIdOf, parseGlobalId } from '../../src/global-id.js';
import { cursorFor, offsetOf } from '../../src/offset-pagination.js';
import { httpService } from './http-service.js';
import type { HttpService } from './http-service.js';

export interface DirectBaselineOptions {
  /** Base URL of GitLab, without /api/v4. */
  gitlabUrl: string;
  /** Keep-alive sockets to GitLab: the gateway's pool size. */
  connections: number;
}

export interface DirectBaseline extends HttpService {
  server: Server;
}

/** The operations it serves, by the letter the benchmark gives them. */
export const DIRECT_PATHS = { a: '/a', b: '/b', c: '/c', d: '/d', e: '/e', f: '/f' } as const;

interface RestAgent {
  id: number;
  name: string;
  created_at: string;
  config_project: { id: number; path_with_namespace: string };
}
interface RestToken {
  id: number;
  name: string;
  status: 'active' | 'revoked';
  created_at: string;
  last_used_at?: string | null;
}
interface Rest<T> {
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

class UpstreamError extends Error {}

/** The gateway's opaque IDs and cursors: the same encoding, so both sides answer with identical JSON. */
const offsetAfter = (after: string | null | undefined): number => (after == null ? -1 : offsetOf(after, 'after'));
const header = (res: Rest<unknown>, name: string) => {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** GitLabClient's settings, so that every client the bench measures queues alike for sockets. */
export function poolLikeTheGateway(origin: string, connections: number): Pool {
  return new Pool(origin, { connections, connect: { timeout: 5_000 }, keepAliveTimeout: 30_000, headersTimeout: 15_000, bodyTimeout: 15_000 });
}

export function createDirectBaseline(options: DirectBaselineOptions): DirectBaseline {
  const origin = new URL(options.gitlabUrl);
  const api = `${origin.pathname.replace(/\/+$/, '')}/api/v4`;
  const pool = poolLikeTheGateway(origin.origin, options.connections);

  async function get<T>(path: string, authorization: string | undefined): Promise<Rest<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (authorization) headers.authorization = authorization;
    // The gateway's own transport: the baseline is the best a hand-written client could do, not a slower one.
    const res = await requestText(pool, { method: 'GET', path: api + path, headers });
    if (res.statusCode !== 200) throw new UpstreamError(`GitLab answered ${res.statusCode} to GET ${path}`);
    return { body: JSON.parse(res.text) as T, headers: res.headers };
  }

  type Vars = Record<string, unknown>;
  type Operation = (vars: Vars, auth: string | undefined) => Promise<unknown>;
  const project = (vars: Vars) => encodeURIComponent(String(vars.project));

  const agentsWithTokens = async (vars: Vars, auth: string | undefined, lastUsed: boolean) => {
    const agents = await get<RestAgent[]>(`/projects/${project(vars)}/cluster_agents?page=1&per_page=20`, auth);
    const nodes = await Promise.all(
      agents.body.map(async (agent) => {
        const base = `/projects/${agent.config_project.id}/cluster_agents/${agent.id}/tokens`;
        const tokens = await get<RestToken[]>(`${base}?page=1&per_page=20`, auth);
        const full = lastUsed ? await Promise.all(tokens.body.map((t) => get<RestToken>(`${base}/${t.id}`, auth))) : undefined;
        return {
          id: globalIdOf('Agent', { projectId: agent.config_project.id, agentId: agent.id }),
          name: agent.name,
          tokens: {
            nodes: tokens.body.map((t, i) => ({
              id: globalIdOf('AgentToken', { projectId: agent.config_project.id, agentId: agent.id, tokenId: t.id }),
              name: t.name,
              status: t.status.toUpperCase(),
              createdAt: t.created_at,
              ...(full ? { lastUsedAt: full[i]!.body.last_used_at ?? null } : {}),
            })),
          },
        };
      }),
    );
    return { data: { project: { agents: { nodes } } } };
  };

  const operations: Record<string, Operation> = {
    // (a) 1 call.
    [DIRECT_PATHS.a]: async (vars, auth) => {
      const agents = await get<RestAgent[]>(`/projects/${project(vars)}/cluster_agents?page=1&per_page=20`, auth);
      const nodes = agents.body.map((a) => ({
        id: globalIdOf('Agent', { projectId: a.config_project.id, agentId: a.id }),
        name: a.name,
        createdAt: a.created_at,
        project: { fullPath: a.config_project.path_with_namespace },
      }));
      return { data: { project: { agents: { nodes } } } };
    },
    // (b) 1 + one token list per agent, all at once.
    [DIRECT_PATHS.b]: (vars, auth) => agentsWithTokens(vars, auth, false),
    // (c) (b), and each agent's token GETs as soon as its own list is in.
    [DIRECT_PATHS.c]: (vars, auth) => agentsWithTokens(vars, auth, true),
    // (d) one window of 100 after the cursor: 1 call (the walk's windows are aligned with GitLab's pages).
    [DIRECT_PATHS.d]: async (vars, auth) => {
      const start = offsetAfter(vars.after as string | null | undefined) + 1;
      if (start % 100 !== 0) throw new UpstreamError('the direct baseline walks in aligned windows of 100 only');
      const page = await get<RestAgent[]>(`/projects/${project(vars)}/cluster_agents?page=${start / 100 + 1}&per_page=100`, auth);
      const total = Number(header(page, 'x-total'));
      const nodes = page.body.map((a) => ({ id: globalIdOf('Agent', { projectId: a.config_project.id, agentId: a.id }), name: a.name }));
      return {
        data: {
          project: {
            agents: {
              pageInfo: { hasNextPage: start + 100 < total, endCursor: nodes.length > 0 ? cursorFor(start + nodes.length - 1) : null },
              nodes,
            },
          },
        },
      };
    },
    // (e) 1 call: the global ID holds the project and agent ids.
    [DIRECT_PATHS.e]: async (vars, auth) => {
      const { projectId, agentId } = parseGlobalId(String(vars.id), 'Agent');
      const agent = await get<RestAgent>(`/projects/${projectId}/cluster_agents/${agentId}`, auth);
      const a = agent.body;
      return {
        data: {
          node: { id: globalIdOf('Agent', { projectId: a.config_project.id, agentId: a.id }), name: a.name, createdAt: a.created_at, project: { fullPath: a.config_project.path_with_namespace } },
        },
      };
    },
    // (f) 1 call of one row, for X-Total.
    [DIRECT_PATHS.f]: async (vars, auth) => {
      const page = await get<RestAgent[]>(`/projects/${project(vars)}/cluster_agents?page=1&per_page=1`, auth);
      return { data: { project: { agents: { totalCount: Number(header(page, 'x-total')) } } } };
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const operation = operations[(req.url ?? '/').split('?')[0]!];
    if (!operation || req.method !== 'POST') return send(res, 404, { errors: [{ message: 'no such operation' }] });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { variables } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables?: Vars };
    try {
      send(res, 200, await operation(variables ?? {}, req.headers.authorization));
    } catch (err) {
      send(res, 502, { errors: [{ message: err instanceof Error ? err.message : String(err) }] });
    }
  }

  function send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 400, { errors: [{ message: 'bad request' }] });
    });
  });
  return { server, ...httpService(server, () => pool.close()) };
}
