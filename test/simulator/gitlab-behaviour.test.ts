import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fetch } from 'undici';
import { PROJECTS, TOKENS, startSimulator } from '../../simulator/src/index.js';
import type { Simulator } from '../../simulator/src/index.js';

/** The simulator must behave like GitLab (../shared/gitlab-behaviour.md), traps included: the gateway's tests are only as good as it is. */
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

async function call(method: string, path: string, token: string | null = TOKENS.maintainer, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sim.url}/api/v4${path}`, {
    method,
    headers: { ...(token ? { 'private-token': token } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: res.headers.get('content-type') === 'application/json' && text ? (JSON.parse(text) as any) : undefined };
}

describe('authentication and roles', () => {
  test('401 comes first, even before parameter validation', async () => {
    expect(await call('GET', '/projects/20/cluster_agents?per_page=0', null)).toMatchObject({ status: 401, json: { message: '401 Unauthorized' } });
    expect((await call('GET', '/projects/20', 'glpat-unknown')).status).toBe(401);
  });

  test('Bearer, PRIVATE-TOKEN and private_token all authenticate', async () => {
    const bearer = await fetch(`${sim.url}/api/v4/projects/20`, { headers: { authorization: `Bearer ${TOKENS.developer}` } });
    const query = await fetch(`${sim.url}/api/v4/projects/20?private_token=${TOKENS.developer}`);
    expect([bearer.status, query.status]).toEqual([200, 200]);
  });

  test('the four 404 bodies', async () => {
    expect((await call('GET', '/projects/24')).json).toEqual({ message: '404 Project Not Found' });
    expect((await call('GET', '/projects/20/cluster_agents', TOKENS.reporter)).json).toEqual({ message: '404 ClusterAgents Not Found' });
    expect((await call('GET', '/projects/20/cluster_agents/999999')).json).toEqual({ message: '404 Not found' });
    expect((await call('GET', '/projects/g/p/cluster_agents')).json).toEqual({ error: '404 Not Found' });
    expect((await call('DELETE', '/projects/20/cluster_agents')).json).toEqual({ error: '404 Not Found' });
  });

  test('writes below Maintainer are 403 before the agent lookup', async () => {
    expect(await call('DELETE', '/projects/20/cluster_agents/999999', TOKENS.developer)).toMatchObject({ status: 403, json: { message: '403 Forbidden' } });
    expect((await call('POST', '/projects/20/cluster_agents/999999/tokens', TOKENS.developer, { name: 'x' })).status).toBe(403);
  });

  test('URL configurations need Maintainer even to read', async () => {
    const agent = sim.agentsOf(21)[0]!;
    expect((await call('GET', `/projects/21/cluster_agents/${agent.id}/url_configurations`, TOKENS.developer)).status).toBe(403);
    expect((await call('GET', `/projects/21/cluster_agents/${agent.id}/url_configurations`)).status).toBe(200);
  });
});

describe('project ids', () => {
  test('numeric id, URL-encoded full path (case-insensitive), and a bare slug', async () => {
    expect((await call('GET', '/projects/g%2Fsub%2Fdeep%2Fnested')).json.id).toBe(PROJECTS.nested.id);
    expect((await call('GET', '/projects/G%2FP')).json.id).toBe(20);
    expect((await call('GET', '/projects/p')).json).toEqual({ message: '404 Project Not Found' });
  });

  test('a renamed path: 301 to the id URL on GET, 405 on writes', async () => {
    const moved = await call('GET', '/projects/g%2Fold-name/cluster_agents?per_page=5');
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe(`${sim.url}/api/v4/projects/20/cluster_agents?per_page=5`);
    expect(await call('POST', '/projects/g%2Fold-name/cluster_agents', TOKENS.maintainer, { name: 'x' })).toMatchObject({
      status: 405,
      json: { message: 'Non GET methods are not allowed for moved projects' },
    });
  });
});

describe('pagination', () => {
  test('headers and an absolute Link carrying every param, route params included, sorted', async () => {
    const res = await call('GET', '/projects/22/cluster_agents?page=2&per_page=50');
    expect(res.json).toHaveLength(50);
    expect(Object.fromEntries(['x-total', 'x-total-pages', 'x-page', 'x-per-page', 'x-next-page', 'x-prev-page'].map((h) => [h, res.headers.get(h)]))).toEqual({
      'x-total': '130',
      'x-total-pages': '3',
      'x-page': '2',
      'x-per-page': '50',
      'x-next-page': '3',
      'x-prev-page': '1',
    });
    expect(res.headers.get('link')).toBe(
      [
        `<${sim.url}/api/v4/projects/22/cluster_agents?id=22&page=1&per_page=50>; rel="prev"`,
        `<${sim.url}/api/v4/projects/22/cluster_agents?id=22&page=3&per_page=50>; rel="next"`,
        `<${sim.url}/api/v4/projects/22/cluster_agents?id=22&page=1&per_page=50>; rel="first"`,
        `<${sim.url}/api/v4/projects/22/cluster_agents?id=22&page=3&per_page=50>; rel="last"`,
      ].join(', '),
    );
  });

  test('20 by default, silently capped at 100, empty X-Next-Page at the end and past it', async () => {
    expect((await call('GET', '/projects/23/cluster_agents')).json).toHaveLength(20);
    const capped = await call('GET', '/projects/23/cluster_agents?per_page=500');
    expect(capped.json).toHaveLength(100);
    expect(capped.headers.get('x-per-page')).toBe('100');
    expect(capped.headers.get('link')).toContain('per_page=500');
    const last = await call('GET', '/projects/23/cluster_agents?per_page=100&page=3');
    expect([last.json.length, last.headers.get('x-next-page'), last.headers.get('x-prev-page')]).toEqual([50, '', '2']);
    const beyond = await call('GET', '/projects/23/cluster_agents?page=99');
    expect([beyond.status, beyond.json, beyond.headers.get('x-next-page'), beyond.headers.get('x-prev-page')]).toEqual([200, [], '', '']);
  });

  test('an empty list still has X-Total 0 and X-Total-Pages 1', async () => {
    const res = await call('GET', '/projects/25/cluster_agents');
    expect([res.json, res.headers.get('x-total'), res.headers.get('x-total-pages')]).toEqual([[], '0', '1']);
  });

  test("Grape's parameter errors use the `error` key", async () => {
    expect((await call('GET', '/projects/20/cluster_agents?per_page=0')).json).toEqual({ error: 'per_page does not have a valid value' });
    expect((await call('GET', '/projects/20/cluster_agents?page=x')).json).toEqual({ error: 'page is invalid' });
    expect((await call('GET', '/projects/20/cluster_agents/abc')).json).toEqual({ error: 'agent_id is invalid' });
  });

  test('agents by name, not id; tokens by last use, never-used last; only active tokens', async () => {
    const agents = (await call('GET', '/projects/20/cluster_agents')).json as { id: number; name: string }[];
    expect(agents.map((a) => a.name)).toEqual([...agents.map((a) => a.name)].sort());
    expect(agents.map((a) => a.id)).not.toEqual([...agents.map((a) => a.id)].sort((a, b) => a - b));
    const tokens = (await call('GET', `/projects/20/cluster_agents/${agents[0]!.id}/tokens`)).json as any[];
    expect(tokens.every((t) => t.status === 'active' && !('last_used_at' in t) && !('token' in t))).toBe(true);
    const withUse = sim.activeTokensOf(agents[0]!.id).map((t) => t.last_used_at);
    expect(withUse.indexOf(null)).toBe(withUse.includes(null) ? withUse.length - 1 : -1);
  });
});

describe('writes', () => {
  test('agent names: the array-in-a-string 400, uniqueness per project', async () => {
    const taken = sim.agentsOf(20)[0]!.name;
    expect((await call('POST', '/projects/20/cluster_agents', TOKENS.maintainer, { name: taken })).json).toEqual({
      message: '400 Bad request - ["Name has already been taken"]',
    });
    expect((await call('POST', '/projects/20/cluster_agents', TOKENS.maintainer, { name: '' })).json).toEqual({
      message: `400 Bad request - ["Name can't be blank", "Name can contain only lowercase letters, digits, and '-', but cannot start or end with '-'"]`,
    });
    expect((await call('POST', '/projects/20/cluster_agents', TOKENS.maintainer, {})).json).toEqual({ error: 'name is missing' });
    const elsewhere = await call('POST', '/projects/25/cluster_agents', TOKENS.maintainer, { name: taken });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.json.created_by_user_id).toBe(10);
  });

  test('tokens: secret only on create, the two-token limit before validation, revoke is idempotent, revoked GET is 404', async () => {
    const agent = (await call('POST', '/projects/25/cluster_agents', TOKENS.maintainer, { name: 'token-limits' })).json;
    const base = `/projects/25/cluster_agents/${agent.id}/tokens`;
    const first = await call('POST', base, TOKENS.maintainer, { name: 'one' });
    expect(first.status).toBe(201);
    expect(first.json.token).toMatch(/^glagent-[A-Za-z0-9_-]{50}$/);
    expect(first.json.token.slice('glagent-'.length)).not.toMatch(/[lIO0]/);
    expect(first.json.last_used_at).toBeNull();
    await call('POST', base, TOKENS.maintainer, { name: 'two' });
    expect((await call('POST', base, TOKENS.maintainer, { name: '' })).json).toEqual({
      message: '400 Bad request - An agent can have only two active tokens at a time',
    });
    expect((await call('DELETE', `${base}/${first.json.id}`)).status).toBe(204);
    expect((await call('DELETE', `${base}/${first.json.id}`)).status).toBe(204);
    expect((await call('GET', `${base}/${first.json.id}`)).json).toEqual({ message: '404 Not found' });
    expect((await call('POST', base, TOKENS.maintainer, { name: 'x'.repeat(256) })).json).toEqual({
      message: '400 Bad request - ["Name is too long (maximum is 255 characters)"]',
    });
  });

  test('URL configurations: one per agent, JWT key generated, a lone client_cert dropped, wrong id 404 Not Found', async () => {
    const agent = (await call('POST', '/projects/25/cluster_agents', TOKENS.maintainer, { name: 'receptive' })).json;
    const base = `/projects/25/cluster_agents/${agent.id}/url_configurations`;
    expect((await call('POST', base, TOKENS.maintainer, { url: 'https://x.example' })).json).toEqual({ message: '400 Bad request - ["Url is not a valid URL"]' });
    const created = await call('POST', base, TOKENS.maintainer, { url: 'grpcs://x.example:4242', client_cert: 'ignored without a key' });
    expect(created.status).toBe(201);
    expect(Object.keys(created.json).sort()).toEqual(['agent_id', 'ca_cert', 'client_cert', 'id', 'public_key', 'tls_host', 'url']);
    expect(created.json).toMatchObject({ client_cert: null, ca_cert: null });
    expect(Buffer.from(created.json.public_key, 'base64')).toHaveLength(32);
    expect((await call('POST', base, TOKENS.maintainer, { url: 'grpc://y:1' })).json).toEqual({
      message: '400 Bad request - URL configuration already exists for this agent',
    });
    expect((await call('GET', `${base}/${created.json.id + 1}`)).json).toEqual({ message: '404 Not Found' });
    expect((await call('DELETE', `${base}/${created.json.id}`)).status).toBe(204);
    expect((await call('GET', base)).json).toEqual([]);
  });

  test('receptive agents switched off: 404 Not Found, after the project lookup', async () => {
    sim.setReceptiveAgentsEnabled(false);
    try {
      expect((await call('GET', `/projects/21/cluster_agents/1/url_configurations`)).json).toEqual({ message: '404 Not Found' });
      expect((await call('GET', `/projects/24/cluster_agents/1/url_configurations`)).json).toEqual({ message: '404 Project Not Found' });
    } finally {
      sim.setReceptiveAgentsEnabled(true);
    }
  });

  test('DELETE of an agent honours If-Unmodified-Since with 412, and cascades', async () => {
    const agent = (await call('POST', '/projects/25/cluster_agents', TOKENS.maintainer, { name: 'cascade' })).json;
    await call('POST', `/projects/25/cluster_agents/${agent.id}/tokens`, TOKENS.maintainer, { name: 't' });
    const stale = await call('DELETE', `/projects/25/cluster_agents/${agent.id}`, TOKENS.maintainer, undefined, { 'if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' });
    expect(stale).toMatchObject({ status: 412, json: { message: '412 Precondition Failed' } });
    const gone = await call('DELETE', `/projects/25/cluster_agents/${agent.id}`);
    expect([gone.status, gone.text]).toEqual([204, '']);
    expect(sim.state.tokens.some((t) => t.agent_id === agent.id)).toBe(false);
  });
});

describe('controls', () => {
  test('counts requests per route template and records the token', async () => {
    sim.resetStats();
    await Promise.all([call('GET', '/projects/20'), call('GET', '/projects/20/cluster_agents', TOKENS.developer)]);
    expect(sim.counts()).toEqual({ 'GET /projects/:id': 1, 'GET /projects/:id/cluster_agents': 1 });
    expect(sim.requests.map((r) => r.token).sort()).toEqual([TOKENS.developer, TOKENS.maintainer].sort());
  });

  test('injected faults: 503 and a reset, then normal service', async () => {
    sim.failNext(1, '503');
    expect((await call('GET', '/projects/20')).status).toBe(503);
    sim.failNext(1, 'reset');
    await expect(call('GET', '/projects/20')).rejects.toThrow();
    expect((await call('GET', '/projects/20')).status).toBe(200);
  });

  test('a Rack::Attack-style rate limit: text/plain 429 with Retry-After', async () => {
    sim.setRateLimit({ limit: 1, windowMs: 60_000 });
    try {
      await call('GET', '/projects/20', TOKENS.reporter);
      const limited = await call('GET', '/projects/20', TOKENS.reporter);
      expect([limited.status, limited.text, limited.headers.get('content-type')]).toEqual([429, 'Retry later\n', 'text/plain']);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      sim.setRateLimit(null);
    }
  });
});
