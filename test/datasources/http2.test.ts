import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createGateway } from '../../src/app.js';
import type { GatewayOptions } from '../../src/app.js';
import { PROJECTS, TOKENS, startSimulator, testSeed } from '../../simulator/src/index.js';
import type { Simulator } from '../../simulator/src/index.js';
import { startChildGateway } from '../helpers/child-gateway.js';
import { postGraphQL } from '../helpers/harness.js';

// GitLab over TLS, answering HTTP/2 to a client that offers it and HTTP/1.1 to one that does not.
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: testSeed(), tls: true, latencyMs: 5 });
});
afterAll(() => sim.close());

const NESTED = `{ project(id: "${PROJECTS.main.path}") { agents(first: 20) { nodes { id name tokens { nodes { id name status } } } } } }`;
const maintainer = { token: TOKENS.maintainer };

/** Connections to GitLab (https: the test's own fetch to the gateway is http) undici opened while `run` ran. */
async function countingConnections<T>(run: () => Promise<T>): Promise<{ result: T; connections: number }> {
  let connections = 0;
  const onConnected = (message: unknown) => {
    if ((message as { connectParams: { protocol: string } }).connectParams.protocol === 'https:') connections++;
  };
  subscribe('undici:client:connected', onConnected);
  try {
    return { result: await run(), connections };
  } finally {
    unsubscribe('undici:client:connected', onConnected);
  }
}

/** The nested query through a gateway of its own, fresh pool included, and what the simulator saw of it. */
async function nestedQuery(options: Partial<GatewayOptions>) {
  const gateway = createGateway({ gitlabUrl: sim.url, logLevel: 'silent', ...options });
  const url = await gateway.listen(0, '127.0.0.1');
  try {
    sim.resetStats();
    const { result, connections } = await countingConnections(() => postGraphQL(url, NESTED, undefined, maintainer));
    return { result, connections, versions: new Set(sim.requests.map((r) => r.httpVersion)), calls: sim.total() };
  } finally {
    await gateway.close(1_000);
  }
}

describe('GitLab over TLS', () => {
  test('GITLAB_HTTP2=auto takes HTTP/2 where GitLab offers it: the answer of HTTP/1.1 (the default), 21 calls on one connection', async () => {
    const h2 = await nestedQuery({ gitlabCa: sim.ca, gitlabHttp2: 'auto' });
    const h1 = await nestedQuery({ gitlabCa: sim.ca });
    expect(h2.result.errors).toBeUndefined();
    expect(h2.result).toEqual(h1.result);
    expect((h2.result.data as { project: { agents: { nodes: unknown[] } } }).project.agents.nodes).toHaveLength(20);
    expect([h2.calls, h1.calls]).toEqual([21, 21]);
    expect(h2.versions).toEqual(new Set(['2.0']));
    expect(h1.versions).toEqual(new Set(['1.1']));
    // The 20 token lists go out at once: over HTTP/1.1 each takes a socket of its own.
    expect(h2.connections).toBe(1);
    expect(h1.connections).toBeGreaterThan(10);
  });

  test('a write over HTTP/2 is sent once and answered', async () => {
    const gateway = createGateway({ gitlabUrl: sim.url, logLevel: 'silent', gitlabCa: sim.ca, gitlabHttp2: 'auto' });
    const url = await gateway.listen(0, '127.0.0.1');
    try {
      sim.resetStats();
      const created = await postGraphQL(url, `mutation { registerAgent(input: { projectId: "${PROJECTS.main.path}", name: "over-h2" }) { agent { name } errors { code } } }`, undefined, maintainer);
      expect(created.errors).toBeUndefined();
      expect(created.data).toEqual({ registerAgent: { agent: { name: 'over-h2' }, errors: [] } });
      const posts = sim.requests.filter((r) => r.method === 'POST');
      expect(posts.map((r) => [r.status, r.httpVersion])).toEqual([[201, '2.0']]);
    } finally {
      await gateway.close(1_000);
    }
  });

  test("a certificate the gateway does not trust fails the call as UPSTREAM_UNAVAILABLE, naming why: verification stays on", async () => {
    const { result } = await nestedQuery({ gitlabHttp2: 'auto' });
    expect(result.data).toEqual({ project: { agents: null } });
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(result.errors?.[0]?.message).toContain('TLS certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)');
  });

  test('the server process trusts a CA named by NODE_EXTRA_CA_CERTS, and takes HTTP/2 with GITLAB_HTTP2=auto', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-ca-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, sim.ca!);
    const child = await startChildGateway({ GITLAB_URL: sim.url, NODE_EXTRA_CA_CERTS: caFile, GITLAB_HTTP2: 'auto' });
    try {
      sim.resetStats();
      const res = await postGraphQL(child.url, NESTED, undefined, maintainer);
      expect(res.errors).toBeUndefined();
      expect(new Set(sim.requests.map((r) => r.httpVersion))).toEqual(new Set(['2.0']));
    } finally {
      child.process.kill('SIGTERM');
      await child.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('GitLab failing over HTTP/2', () => {
  const h2 = { gitlabHttp2: 'auto' } as const;
  const TOKEN_LIST = 'GET /projects/:id/cluster_agents/:agent_id/tokens';
  const tokenLists = () => sim.requests.filter((r) => r.route === TOKEN_LIST);

  test('a 503 on one stream is retried on the same connection; the answer is whole', async () => {
    sim.failNext(1, '503', { route: TOKEN_LIST });
    const { result, connections, versions, calls } = await nestedQuery({ ...h2, gitlabCa: sim.ca });
    expect(result.errors).toBeUndefined();
    expect((result.data as { project: { agents: { nodes: unknown[] } } }).project.agents.nodes).toHaveLength(20);
    expect([calls, connections, [...versions]]).toEqual([22, 1, ['2.0']]);
    expect(tokenLists().filter((r) => r.status === 503)).toHaveLength(1);
  });

  test('a reset stream (RST_STREAM: the compatibility API resets the stream, not the connection) is retried; the answer is whole', async () => {
    sim.failNext(1, 'reset', { route: TOKEN_LIST });
    const { result, connections, versions, calls } = await nestedQuery({ ...h2, gitlabCa: sim.ca });
    expect(result.errors).toBeUndefined();
    expect((result.data as { project: { agents: { nodes: { tokens: unknown }[] } } }).project.agents.nodes.every((a) => a.tokens !== null)).toBe(true);
    // The 20 other streams on the connection never saw it: one retry, on the same connection.
    expect([calls, connections, [...versions]]).toEqual([22, 1, ['2.0']]);
    const reset = tokenLists().filter((r) => r.status === 'reset');
    expect(reset).toHaveLength(1);
    expect(tokenLists().filter((r) => r.status === 200 && r.path === reset[0]!.path)).toHaveLength(1);
  });

  test('a stream that never answers ends as UPSTREAM_TIMEOUT at its null list, while the other 19 answer', async () => {
    sim.failNext(1, 'hang', { route: TOKEN_LIST });
    const { result } = await nestedQuery({ ...h2, gitlabCa: sim.ca, requestTimeoutMs: 500, retryAttempts: 1 });
    const nodes = (result.data as { project: { agents: { nodes: { tokens: unknown }[] } } }).project.agents.nodes;
    expect(nodes.filter((a) => a.tokens === null)).toHaveLength(1);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_TIMEOUT']);
  });
});
