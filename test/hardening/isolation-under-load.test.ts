import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { GraphQLResponse, Stack } from '../helpers/harness.js';
import { runBounded } from '../helpers/pool.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const QUERY = `{
  main: project(id: "g/p") { fullPath agents(first: 2) { nodes { name urlConfiguration { url } } } }
  theirs: project(id: "other/private") { fullPath agents(first: 2) { nodes { name } } }
}`;

/**
 * The errors of projects the caller may not see: NOT_FOUND on exactly those
 * aliases (a hidden project's fullPath and its agent list each fail, and
 * which arrives first decides whether both are reported).
 */
function expectHidden(res: GraphQLResponse, aliases: string[]): void {
  const errors = (res.errors ?? []).filter((e) => e.extensions?.code === 'NOT_FOUND');
  expect([...new Set(errors.map((e) => e.path?.[0]))].sort()).toEqual(aliases);
}

/** What each caller may see, per GitLab's roles in the test fixture. */
function expectOwnView(token: string, res: GraphQLResponse): void {
  const data = res.data as any;
  const codes = (res.errors ?? []).map((e) => e.extensions?.code);
  switch (token) {
    case TOKENS.maintainer:
      expect(data.main.agents.nodes).toHaveLength(2);
      expect(data.theirs).toBeNull();
      expect(codes.every((code) => code === 'NOT_FOUND')).toBe(true);
      expectHidden(res, ['theirs']);
      break;
    case TOKENS.other:
      expect(data.main).toBeNull();
      expect(data.theirs.agents.nodes.map((a: any) => a.name)).toEqual(['secret-001', 'secret-002']);
      break;
    case TOKENS.developer:
      expect(data.main.agents.nodes.map((a: any) => a.urlConfiguration)).toEqual([null, null]);
      expect(codes).toContain('FORBIDDEN');
      expect(data.theirs).toBeNull();
      break;
    case TOKENS.outsider:
      expect(data).toEqual({ main: null, theirs: null });
      expect(codes.every((code) => code === 'NOT_FOUND')).toBe(true);
      expectHidden(res, ['main', 'theirs']);
      break;
  }
}

test('2,000 concurrent requests from 4 callers, with GitLab failing some: each response holds only its own caller\'s view', async () => {
  const callers = [TOKENS.maintainer, TOKENS.other, TOKENS.developer, TOKENS.outsider];
  stack.simulator.setFaults({ rate: 0.1, kinds: ['503', 'reset'], methods: ['GET'], seed: 7 });
  try {
    const results = await runBounded(2_000, 100, async (i) => {
      const token = callers[i % callers.length]!;
      return { token, res: await stack.gql(QUERY, undefined, { token, headers: { 'x-request-id': `load-${i}` } }) };
    });
    for (const { token, res } of results) expectOwnView(token, res);

    // Every REST call carried the token of the GraphQL request it was made for.
    const tokenOfRequest = (requestId: string) => callers[Number(requestId.slice('load-'.length)) % callers.length];
    const calls = stack.simulator.requests.filter((r) => r.requestId?.startsWith('load-'));
    expect(calls.length).toBeGreaterThan(4_000);
    expect(calls.filter((r) => r.token !== tokenOfRequest(r.requestId!))).toEqual([]);
  } finally {
    stack.simulator.setFaults(null);
  }
}, 120_000);
