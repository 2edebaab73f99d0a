import { request } from 'undici';
import { afterEach, describe, expect, test } from 'vitest';
import { AGENTS, RENAMED_PATH, TOKENS, startSimulator } from '../../simulator/src/index.js';
import { client, sharedSimulator } from './client.js';

const { sim, call } = sharedSimulator();
afterEach(() => {
  sim().setLatency(0);
  sim().setFaults(null);
  sim().failNext(0, '500');
  sim().setRateLimit(null);
  sim().resetStats();
});

describe('request accounting', () => {
  test('every route is counted under its template, anything else as `unmatched`', async () => {
    const agent = sim().agentsOf(21).find((a) => a.name === AGENTS.withJwt)!;
    const config = sim().state.urlConfigurationOf(agent.id)!;
    const token = sim().activeTokensOf(agent.id)[0]!;
    const a = `/projects/21/cluster_agents/${agent.id}`;
    sim().resetStats();
    const calls: [string, string][] = [
      ['GET', '/projects/21'],
      ['GET', '/projects/21/cluster_agents'],
      ['GET', a],
      ['POST', '/projects/21/cluster_agents'],
      ['DELETE', '/projects/21/cluster_agents/999999'],
      ['GET', `${a}/tokens`],
      ['GET', `${a}/tokens/${token.id}`],
      ['POST', `${a}/tokens`],
      ['DELETE', `${a}/tokens/999999`],
      ['GET', `${a}/url_configurations`],
      ['GET', `${a}/url_configurations/${config.id}`],
      ['POST', `${a}/url_configurations`],
      ['DELETE', `${a}/url_configurations/999999`],
      ['GET', '/projects/21/nothing-here'],
    ];
    for (const [method, path] of calls) await call(method, path, { body: method === 'POST' ? {} : undefined });
    expect(sim().counts()).toEqual({
      'GET /projects/:id': 1,
      'GET /projects/:id/cluster_agents': 1,
      'GET /projects/:id/cluster_agents/:agent_id': 1,
      'POST /projects/:id/cluster_agents': 1,
      'DELETE /projects/:id/cluster_agents/:agent_id': 1,
      'GET /projects/:id/cluster_agents/:agent_id/tokens': 1,
      'GET /projects/:id/cluster_agents/:agent_id/tokens/:token_id': 1,
      'POST /projects/:id/cluster_agents/:agent_id/tokens': 1,
      'DELETE /projects/:id/cluster_agents/:agent_id/tokens/:token_id': 1,
      'GET /projects/:id/cluster_agents/:agent_id/url_configurations': 1,
      'GET /projects/:id/cluster_agents/:agent_id/url_configurations/:url_configuration_id': 1,
      'POST /projects/:id/cluster_agents/:agent_id/url_configurations': 1,
      'DELETE /projects/:id/cluster_agents/:agent_id/url_configurations/:url_configuration_id': 1,
      unmatched: 1,
    });
    expect([sim().total(), sim().count('GET /projects/:id'), sim().count('GET /nothing')]).toEqual([14, 1, 0]);
  });

  test('the log: method, route, path and query, status, the token as sent, request ids, HTTP version, and timing', async () => {
    const started = Date.now();
    await call('GET', '/projects/g%2Fp/cluster_agents?per_page=2', { token: TOKENS.developer, headers: { 'x-request-id': 'req-1', traceparent: '00-abc-def-01' } });
    await call('GET', '/projects/20', { token: 'glpat-wrong' });
    expect(sim().requests).toEqual([
      {
        method: 'GET',
        route: 'GET /projects/:id/cluster_agents',
        path: '/projects/g%2Fp/cluster_agents?per_page=2',
        status: 200,
        token: TOKENS.developer,
        requestId: 'req-1',
        traceparent: '00-abc-def-01',
        httpVersion: '1.1',
        startedAt: expect.any(Number),
        endedAt: expect.any(Number),
      },
      expect.objectContaining({ route: 'GET /projects/:id', status: 401, token: 'glpat-wrong', requestId: undefined }),
    ]);
    for (const r of sim().requests) expect(started <= r.startedAt && r.startedAt <= r.endedAt && r.endedAt <= Date.now()).toBe(true);
  });

  test('latency, and the peak of concurrent requests overall and per route', async () => {
    sim().setLatency(150);
    const started = performance.now();
    await Promise.all([...Array.from({ length: 5 }, () => call('GET', '/projects/20')), ...Array.from({ length: 3 }, () => call('GET', '/projects/20/cluster_agents'))]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect([sim().maxInFlight(), sim().maxInFlight('GET /projects/:id'), sim().maxInFlight('GET /projects/:id/cluster_agents')]).toEqual([8, 5, 3]);
    sim().resetStats();
    for (let i = 0; i < 3; i++) await call('GET', '/projects/20');
    expect([sim().maxInFlight(), sim().total()]).toEqual([1, 3]);
    sim().resetStats();
    expect([sim().maxInFlight(), sim().total(), sim().requests, sim().counts()]).toEqual([0, 0, [], {}]);
  });
});

describe('latency jitter', () => {
  test('each answer is held for a draw in ms ± jitter, the same draws after every setLatency', async () => {
    const held = async () => {
      const durations: number[] = [];
      for (let i = 0; i < 12; i++) {
        const started = performance.now();
        await call('GET', '/projects/20');
        durations.push(performance.now() - started);
      }
      return durations;
    };
    sim().setLatency(100, 90);
    const first = await held();
    // Drawn from [10, 190]: never under the floor, and far apart (a fixed 100 ms varies by tens of ms at most).
    expect(Math.min(...first)).toBeGreaterThanOrEqual(9);
    expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(80);
    sim().setLatency(100, 90);
    // The seeded sequence starts over: call i is held about as long as it was the first time.
    expect(correlation(first, await held())).toBeGreaterThan(0.9);
  });
});

function correlation(xs: number[], ys: number[]): number {
  const mean = (vs: number[]) => vs.reduce((a, b) => a + b, 0) / vs.length;
  const [mx, my] = [mean(xs), mean(ys)];
  const dx = xs.map((x) => x - mx);
  const dy = ys.map((y) => y - my);
  const dot = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);
  return dot(dx, dy) / Math.sqrt(dot(dx, dx) * dot(dy, dy));
}

describe('fault injection', () => {
  test.each([
    ['500', 'Internal Server Error'],
    ['502', 'Bad Gateway'],
    ['503', 'Service Unavailable'],
    ['504', 'Gateway Timeout'],
  ] as const)('failNext %s: GitLab-style JSON, then normal service', async (kind, reason) => {
    sim().failNext(1, kind);
    expect(await call('GET', '/projects/20')).toMatchObject({ status: Number(kind), json: { message: `${kind} ${reason}` } });
    expect((await call('GET', '/projects/20')).status).toBe(200);
    expect(sim().requests.map((r) => r.status)).toEqual([Number(kind), 200]);
  });

  test('a 429 fault looks like Rack::Attack, asking for a retry in a second', async () => {
    sim().failNext(1, '429');
    const res = await call('GET', '/projects/20');
    expect([res.status, res.text, res.headers['content-type'], res.headers['retry-after']]).toEqual([429, 'Retry later\n', 'text/plain', '1']);
    expect(res.headers['ratelimit-name']).toBe('throttle_authenticated_api');
  });

  test('failNext filters by method and by route template, and counts down', async () => {
    sim().failNext(1, '503', { method: 'POST' });
    expect((await call('GET', '/projects/25/cluster_agents')).status).toBe(200);
    expect((await call('POST', '/projects/25/cluster_agents', { body: { name: 'unlucky' } })).status).toBe(503);
    expect(sim().agentsOf(25)).toEqual([]);
    sim().failNext(2, '500', { route: 'GET /projects/:id/cluster_agents' });
    const statuses = [];
    for (const path of ['/projects/20', '/projects/20/cluster_agents', '/projects/20', '/projects/20/cluster_agents', '/projects/20/cluster_agents']) statuses.push((await call('GET', path)).status);
    expect(statuses).toEqual([200, 500, 200, 500, 200]);
  });

  test('reset: the socket is destroyed without an answer', async () => {
    sim().failNext(1, 'reset');
    await expect(call('GET', '/projects/20')).rejects.toThrow();
    expect(sim().requests.map((r) => r.status)).toEqual(['reset']);
    expect((await call('GET', '/projects/20')).status).toBe(200);
  });

  test('slow-body: the headers come at once, the body after the configured delay', async () => {
    sim().setFaults({ rate: 0, kinds: [], slowBodyMs: 400 });
    sim().failNext(1, 'slow-body');
    const started = performance.now();
    const res = await request(`${sim().url}/api/v4/projects/20`, { headers: { 'private-token': TOKENS.maintainer } });
    const headersAt = performance.now() - started;
    const body = (await res.body.json()) as { id: number };
    const bodyAt = performance.now() - started;
    expect([res.statusCode, body.id]).toEqual([200, 20]);
    expect(headersAt).toBeLessThan(250);
    expect(bodyAt).toBeGreaterThanOrEqual(390);
    expect(sim().requests[0]!.endedAt - sim().requests[0]!.startedAt).toBeGreaterThanOrEqual(390);
  });

  test('hang: no answer ever; in flight until the caller gives up', async () => {
    sim().failNext(1, 'hang');
    await expect(request(`${sim().url}/api/v4/projects/20`, { headers: { 'private-token': TOKENS.maintainer }, signal: AbortSignal.timeout(300) })).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sim().requests.map((r) => r.status)).toEqual(['hang']);
    expect(sim().requests[0]!.endedAt - sim().requests[0]!.startedAt).toBeGreaterThanOrEqual(250);
    expect((await call('GET', '/projects/20')).status).toBe(200);
  });

  test.each(['huge-body', 'huge-body-chunked'] as const)('%s: a 200 of valid JSON, exactly as long as asked, its length declared only by huge-body', async (kind) => {
    sim().failNext(1, kind, { route: 'GET /projects/:id' }, { hugeBodyBytes: 3_000_000 });
    const res = await call('GET', '/projects/20');
    expect([res.status, Buffer.byteLength(res.text)]).toEqual([200, 3_000_000]);
    expect(res.json.padding).toMatch(/^x+$/);
    expect(res.headers['content-length']).toBe(kind === 'huge-body' ? '3000000' : undefined);
    expect(sim().requests.map((r) => r.status)).toEqual([200]);
  });

  test('drip: the real answer, one byte every dripMs, with its length declared', async () => {
    sim().failNext(1, 'drip', {}, { dripMs: 5 });
    const started = performance.now();
    const res = await call('GET', '/projects/25');
    expect([res.status, res.json.id]).toEqual([200, 25]);
    // Well over a hundred bytes, 5 ms apart.
    expect(performance.now() - started).toBeGreaterThan(5 * Buffer.byteLength(res.text) * 0.8);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
  });

  test('redirect-loop: a 302 to the very URL asked for; redirect-outside: to the same path below /api/v4evil', async () => {
    sim().failNext(1, 'redirect-loop');
    sim().failNext(1, 'redirect-outside');
    const loop = await call('GET', '/projects/20/cluster_agents?per_page=2');
    const outside = await call('GET', '/projects/20/cluster_agents?per_page=2');
    expect([loop.status, loop.headers.location]).toEqual([302, `${sim().url}/api/v4/projects/20/cluster_agents?per_page=2`]);
    expect([outside.status, outside.headers.location]).toEqual([302, `${sim().url}/api/v4evil/projects/20/cluster_agents?per_page=2`]);
    expect(sim().requests.map((r) => r.status)).toEqual([302, 302]);
  });

  test('random faults: only on the methods and routes named, at roughly the rate, and the same run for the same seed', async () => {
    const run = async () => {
      sim().setFaults({ rate: 0.4, kinds: ['500', '503'], methods: ['GET'], routes: ['GET /projects/:id'], seed: 99 });
      const statuses: number[] = [];
      for (let i = 0; i < 100; i++) statuses.push((await call('GET', '/projects/20')).status);
      return statuses;
    };
    const first = await run();
    const failed = first.filter((s) => s !== 200);
    expect(failed.length).toBeGreaterThan(20);
    expect(failed.length).toBeLessThan(60);
    expect(new Set(failed)).toEqual(new Set([500, 503]));
    expect(await run()).toEqual(first);
    expect((await call('GET', '/projects/20/cluster_agents')).status).toBe(200);
    expect((await call('POST', '/projects/20/cluster_agents', { body: {} })).status).toBe(400);
  });
});

describe('rate limiting (Rack::Attack style)', () => {
  test('off by default; over the limit: 429 text/plain "Retry later" with RateLimit-* and Retry-After', async () => {
    for (let i = 0; i < 30; i++) expect((await call('GET', '/projects/20')).status).toBe(200);
    sim().setRateLimit({ limit: 2, windowMs: 60_000 });
    expect((await call('GET', '/projects/20')).status).toBe(200);
    expect((await call('GET', '/projects/20/cluster_agents')).status).toBe(200);
    const limited = await call('GET', '/projects/20');
    expect([limited.status, limited.text, limited.headers['content-type']]).toEqual([429, 'Retry later\n', 'text/plain']);
    const nowSeconds = Date.now() / 1000;
    expect(limited.headers).toMatchObject({ 'ratelimit-name': 'throttle_authenticated_api', 'ratelimit-limit': '2', 'ratelimit-observed': '3', 'ratelimit-remaining': '0' });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(Number(limited.headers['ratelimit-reset'])).toBeCloseTo(nowSeconds + retryAfter, -1);
    expect(Date.parse(limited.headers['ratelimit-resettime']!) / 1000).toBe(Number(limited.headers['ratelimit-reset']));
    expect(sim().requests.at(-1)).toMatchObject({ route: 'GET /projects/:id', status: 429 });
    expect((await call('GET', '/projects/20')).headers['ratelimit-observed']).toBe('4');
  });

  test('counted per user; callers without a valid token per address, even on unknown paths', async () => {
    sim().setRateLimit({ limit: 1, windowMs: 60_000 });
    expect((await call('GET', '/projects/20', { token: TOKENS.maintainer })).status).toBe(200);
    expect((await call('GET', '/projects/20', { token: TOKENS.developer })).status).toBe(200);
    expect((await call('GET', '/projects/20', { token: TOKENS.maintainer })).status).toBe(429);
    expect((await call('GET', '/projects/20', { token: null })).status).toBe(401);
    const anonymous = await call('GET', '/nowhere', { token: 'glpat-wrong' });
    expect([anonymous.status, anonymous.headers['ratelimit-name']]).toEqual([429, 'throttle_unauthenticated_api']);
  });

  test('fixed windows: the count starts again in the next one; the limit is shown per minute', async () => {
    sim().setRateLimit({ limit: 1, windowMs: 500 });
    await new Promise((resolve) => setTimeout(resolve, 500 - (Date.now() % 500) + 5));
    expect((await call('GET', '/projects/20')).status).toBe(200);
    const limited = await call('GET', '/projects/20');
    expect([limited.status, limited.headers['ratelimit-limit']]).toEqual([429, '120']);
    await new Promise((resolve) => setTimeout(resolve, 500 - (Date.now() % 500) + 5));
    expect((await call('GET', '/projects/20')).status).toBe(200);
  });
});

describe('start-up options', () => {
  test('latency, faults, a rate limit and the public URL that Link and Location name', async () => {
    const other = await startSimulator({
      latencyMs: 100,
      faults: { rate: 1, kinds: ['502'], routes: ['GET /projects/:id/cluster_agents/:agent_id'] },
      rateLimit: { limit: 3, windowMs: 60_000 },
      publicUrl: 'https://gitlab.example.com/',
    });
    try {
      const otherCall = client(other);
      const started = performance.now();
      const list = await otherCall('GET', '/projects/22/cluster_agents');
      expect(performance.now() - started).toBeGreaterThanOrEqual(95);
      expect(list.headers.link).toContain('<https://gitlab.example.com/api/v4/projects/22/cluster_agents?id=22&page=2&per_page=20>; rel="next"');
      expect((await otherCall('GET', `/projects/${encodeURIComponent(RENAMED_PATH)}`)).headers.location).toBe('https://gitlab.example.com/api/v4/projects/20');
      expect((await otherCall('GET', '/projects/20')).json.web_url).toBe('https://gitlab.example.com/g/p');
      expect((await otherCall('GET', `/projects/20/cluster_agents/${other.agentsOf(20)[0]!.id}`)).status).toBe(502);
      // The 502 came from in front of GitLab, so the limiter never counted it: this is the fourth request it saw.
      expect((await otherCall('GET', '/projects/20')).status).toBe(429);
    } finally {
      await other.close();
    }
  });

  test('latency holds the answer back, not the work: a write has landed before its answer is due', async () => {
    const other = await startSimulator({ latencyMs: 400 });
    try {
      const started = performance.now();
      const write = client(other)('POST', '/projects/20/cluster_agents', { body: { name: 'landed-early' } });
      await new Promise((resolve) => setTimeout(resolve, 150));
      // GitLab's workers answer many requests at once; the simulator's one thread does its part during the latency.
      expect(other.agentsOf(20).map((a) => a.name)).toContain('landed-early');
      expect((await write).status).toBe(201);
      expect(performance.now() - started).toBeGreaterThanOrEqual(395);
    } finally {
      await other.close();
    }
  });

  test('close() ends even with a request hanging, and the port is freed', async () => {
    const other = await startSimulator();
    other.failNext(1, 'hang');
    const pending = request(`${other.url}/api/v4/projects/20`, { headers: { 'private-token': TOKENS.maintainer } }).then(
      () => 'answered',
      () => 'cut off',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.close();
    expect(await pending).toBe('cut off');
    await expect(request(`${other.url}/api/v4/projects/20`)).rejects.toThrow();
  });
});
