import { describe, expect, test } from 'vitest';
import { AGENTS, PROJECTS, startSimulator, testSeed } from '../../simulator/src/index.js';
import { client, sharedSimulator } from './client.js';
import type { Answer } from './client.js';

const { sim, call } = sharedSimulator();

const PAGE_HEADERS = ['x-total', 'x-total-pages', 'x-page', 'x-per-page', 'x-next-page', 'x-prev-page'] as const;
const pageHeaders = (res: Answer) => Object.fromEntries(PAGE_HEADERS.map((h) => [h, res.headers[h]]));
const links = (res: Answer) => Object.fromEntries(res.headers.link!.split(', ').map((l) => [/rel="(\w+)"/.exec(l)![1], /^<([^>]+)>/.exec(l)![1]]));

describe('headers and Link', () => {
  test('a middle page: every header, and an absolute Link in prev, next, first, last order', async () => {
    const res = await call('GET', '/projects/22/cluster_agents?page=2&per_page=50');
    expect(res.json).toHaveLength(50);
    expect(pageHeaders(res)).toEqual({ 'x-total': '130', 'x-total-pages': '3', 'x-page': '2', 'x-per-page': '50', 'x-next-page': '3', 'x-prev-page': '1' });
    const base = `${sim().url}/api/v4/projects/22/cluster_agents`;
    expect(res.headers.link).toBe(
      [
        `<${base}?id=22&page=1&per_page=50>; rel="prev"`,
        `<${base}?id=22&page=3&per_page=50>; rel="next"`,
        `<${base}?id=22&page=1&per_page=50>; rel="first"`,
        `<${base}?id=22&page=3&per_page=50>; rel="last"`,
      ].join(', '),
    );
  });

  test('token lists carry the route params id and agent_id too, sorted with the rest, the path id still encoded in the path', async () => {
    const agentId = sim().agentsOf(20)[0]!.id;
    const res = await call('GET', `/projects/g%2Fp/cluster_agents/${agentId}/tokens?per_page=1`);
    expect(links(res).next).toBe(`${sim().url}/api/v4/projects/g%2Fp/cluster_agents/${agentId}/tokens?agent_id=${agentId}&id=g%2Fp&page=2&per_page=1`);
    expect(pageHeaders(res)).toMatchObject({ 'x-total': '2', 'x-total-pages': '2', 'x-next-page': '2', 'x-prev-page': '' });
  });

  test('undeclared query params stay in the Link, CGI-escaped and sorted; defaults are filled in', async () => {
    const res = await call('GET', "/projects/22/cluster_agents?zeta=1&alpha=a%20b!&page=2");
    expect(links(res).prev).toBe(`${sim().url}/api/v4/projects/22/cluster_agents?alpha=a+b%21&id=22&page=1&per_page=20&zeta=1`);
  });

  test('20 per page by default; above 100 silently capped, and Link carries the effective per_page', async () => {
    const first = await call('GET', '/projects/23/cluster_agents');
    expect([first.json.length, first.headers['x-per-page'], first.headers['x-total-pages']]).toEqual([20, '20', '13']);
    const capped = await call('GET', '/projects/23/cluster_agents?per_page=500');
    expect([capped.json.length, capped.headers['x-per-page'], capped.headers['x-total-pages']]).toEqual([100, '100', '3']);
    expect(links(capped).next).toMatch(/[?&]per_page=100$/);
  });

  test('the last page and past it: empty X-Next-Page, and past the end no X-Prev-Page either', async () => {
    const last = await call('GET', '/projects/23/cluster_agents?per_page=100&page=3');
    expect([last.json.length, last.headers['x-next-page'], last.headers['x-prev-page']]).toEqual([50, '', '2']);
    expect(Object.keys(links(last))).toEqual(['prev', 'first', 'last']);
    const beyond = await call('GET', '/projects/23/cluster_agents?page=99');
    expect([beyond.status, beyond.json]).toEqual([200, []]);
    expect(pageHeaders(beyond)).toEqual({ 'x-total': '250', 'x-total-pages': '13', 'x-page': '99', 'x-per-page': '20', 'x-next-page': '', 'x-prev-page': '' });
    expect(Object.keys(links(beyond))).toEqual(['first', 'last']);
  });

  test('an empty list: X-Total 0, X-Total-Pages 1, first and last both page 1', async () => {
    const res = await call('GET', `/projects/${PROJECTS.empty.id}/cluster_agents`);
    expect(res.json).toEqual([]);
    expect(pageHeaders(res)).toEqual({ 'x-total': '0', 'x-total-pages': '1', 'x-page': '1', 'x-per-page': '20', 'x-next-page': '', 'x-prev-page': '' });
    expect(links(res)).toEqual({
      first: `${sim().url}/api/v4/projects/25/cluster_agents?id=25&page=1&per_page=20`,
      last: `${sim().url}/api/v4/projects/25/cluster_agents?id=25&page=1&per_page=20`,
    });
  });

  test('a page below 1 is page 1; a negative per_page is the default, in Link too', async () => {
    const firstPage = (await call('GET', '/projects/22/cluster_agents')).json;
    for (const page of ['0', '-3']) {
      const res = await call('GET', `/projects/22/cluster_agents?page=${page}`);
      expect([res.headers['x-page'], res.json]).toEqual(['1', firstPage]);
    }
    const negative = await call('GET', '/projects/22/cluster_agents?per_page=-5');
    expect([negative.json.length, negative.headers['x-per-page']]).toEqual([20, '20']);
    expect(links(negative).next).toMatch(/[?&]per_page=20$/);
  });

  test('following rel="next" verbatim walks every row once', async () => {
    const names: string[] = [];
    let url: string | undefined = `${sim().url}/api/v4/projects/22/cluster_agents?per_page=40`;
    while (url) {
      const res: Response = await fetch(url, { headers: { 'private-token': 'glpat-maintainer' } });
      names.push(...((await res.json()) as { name: string }[]).map((a) => a.name));
      url = /<([^>]+)>; rel="next"/.exec(res.headers.get('link')!)?.[1];
    }
    expect(names).toEqual(sim().agentsOf(22).map((a) => a.name));
  });
});

describe("Grape's pagination params", () => {
  test.each([
    ['per_page=0', 'per_page has a value not allowed'],
    ['page=x', 'page is invalid'],
    ['per_page=1.5', 'per_page is invalid'],
    ['page=x&per_page=0', 'page is invalid, per_page has a value not allowed'],
    ['page=1e3&per_page=abc', 'page is invalid, per_page is invalid'],
  ])('%s → 400 {"error": "%s"}', async (query, error) => {
    expect(await call('GET', `/projects/20/cluster_agents?${query}`)).toMatchObject({ status: 400, json: { error } });
  });

  test('checked before the project is looked up, and together with agent_id', async () => {
    expect((await call('GET', '/projects/999999/cluster_agents?per_page=0')).json).toEqual({ error: 'per_page has a value not allowed' });
    expect((await call('GET', '/projects/20/cluster_agents/abc/tokens?per_page=0')).json).toEqual({ error: 'agent_id is invalid, per_page has a value not allowed' });
  });

  test('Ruby integers: blanks, signs and underscores pass; a blank value is the default', async () => {
    expect((await call('GET', '/projects/23/cluster_agents?per_page=1_0&page=%2B2')).headers).toMatchObject({ 'x-per-page': '10', 'x-page': '2' });
    expect((await call('GET', '/projects/23/cluster_agents?per_page=&page=')).headers).toMatchObject({ 'x-per-page': '20', 'x-page': '1' });
  });

  test('the URL-configuration list is not paginated', async () => {
    const agent = sim().agentsOf(21).find((a) => a.name === AGENTS.withJwt)!;
    const res = await call('GET', `/projects/21/cluster_agents/${agent.id}/url_configurations?per_page=0`);
    expect(res.status).toBe(200);
    expect(PAGE_HEADERS.filter((h) => h in res.headers)).toEqual([]);
    expect(res.headers.link).toBeUndefined();
  });
});

describe('order', () => {
  test('agents by name, which is not id order', async () => {
    const agents = (await call('GET', '/projects/20/cluster_agents')).json as { id: number; name: string }[];
    const names = agents.map((a) => a.name);
    expect(names).toEqual([...names].sort());
    expect(agents.map((a) => a.id)).not.toEqual([...agents.map((a) => a.id)].sort((a, b) => a - b));
    expect(agents.map((a) => a.id)).toEqual(sim().agentsOf(20).map((a) => a.id));
  });

  test('tokens: active only, last used first, never used last; list items have neither last_used_at nor token', async () => {
    for (const agent of sim().agentsOf(20).slice(0, 4)) {
      const listed = (await call('GET', `/projects/20/cluster_agents/${agent.id}/tokens`)).json as Record<string, unknown>[];
      const expected = sim().state.tokens
        .filter((t) => t.agent_id === agent.id && t.status === 'active')
        .sort((a, b) => (b.last_used_at ?? '').localeCompare(a.last_used_at ?? '') || a.id - b.id);
      expect(listed.map((t) => t.id)).toEqual(expected.map((t) => t.id));
      for (const t of listed) expect(Object.keys(t)).toEqual(['id', 'name', 'description', 'agent_id', 'status', 'created_at', 'created_by_user_id']);
    }
    // Half of g/p's agents have a never-used token, created before the used one, yet listed after it.
    const odd = sim().agentsOf(20).find((a) => sim().activeTokensOf(a.id).some((t) => t.last_used_at === null))!;
    const listed = (await call('GET', `/projects/20/cluster_agents/${odd.id}/tokens`)).json as { id: number }[];
    expect(listed[0]!.id).toBeGreaterThan(listed[1]!.id);
  });
});

describe('above 10,000 rows GitLab stops counting', () => {
  const withAgents = async (n: number) => {
    const seed = testSeed();
    for (let i = 0; i < n; i++) seed.agents.push({ id: 100_000 + i, project_id: PROJECTS.empty.id, name: `bulk-${String(i).padStart(5, '0')}`, created_at: '2024-06-01T00:00:00.000Z', created_by_user_id: 10 });
    return startSimulator({ seed });
  };

  test('10,001 rows: no X-Total, X-Total-Pages or rel="last", but next and prev still work', async () => {
    const big = await withAgents(10_001);
    try {
      const res = await client(big)('GET', '/projects/25/cluster_agents?page=2&per_page=100');
      expect(res.json).toHaveLength(100);
      expect(pageHeaders(res)).toEqual({ 'x-total': undefined, 'x-total-pages': undefined, 'x-page': '2', 'x-per-page': '100', 'x-next-page': '3', 'x-prev-page': '1' });
      expect(Object.keys(links(res))).toEqual(['prev', 'next', 'first']);
      const last = await client(big)('GET', '/projects/25/cluster_agents?page=101&per_page=100');
      expect([last.json.length, last.headers['x-next-page']]).toEqual([1, '']);
    } finally {
      await big.close();
    }
  });

  test('exactly 10,000 rows are still counted', async () => {
    const big = await withAgents(10_000);
    try {
      const res = await client(big)('GET', '/projects/25/cluster_agents?per_page=100');
      expect([res.headers['x-total'], res.headers['x-total-pages'], Object.keys(links(res))]).toEqual(['10000', '100', ['next', 'first', 'last']]);
    } finally {
      await big.close();
    }
  });
});
