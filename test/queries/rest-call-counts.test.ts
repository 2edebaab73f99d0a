import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/**
 * The fewest REST calls a query can need, issued together (README.md, "Example queries and their REST cost"): a
 * regression in priming, batching or concurrency fails here. The benchmark
 * operations (a)-(f) have their exact counts in test/rest-call-counts.test.ts.
 */
let stack: Stack;
const maintainer = { token: TOKENS.maintainer };
const LIST_AGENTS = 'GET /projects/:id/cluster_agents';
const LIST_TOKENS = 'GET /projects/:id/cluster_agents/:agent_id/tokens';
const GET_TOKEN = 'GET /projects/:id/cluster_agents/:agent_id/tokens/:token_id';

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

async function counted(query: string, variables?: Record<string, unknown>) {
  stack.simulator.resetStats();
  const res = await stack.gql(query, variables, maintainer);
  expect(res.errors).toBeUndefined();
  return { data: res.data as any, counts: stack.simulator.counts() };
}

describe('REST calls per query', () => {
  test('20 agents with project { fullPath } and their tokens: 21 calls, the token lists all in flight together', async () => {
    stack.simulator.setLatency(500);
    try {
      const { data, counts } = await counted(
        '{ project(id: "g/p") { agents(first: 20) { nodes { name project { fullPath } tokens { nodes { name status } } } } } }',
      );
      expect(data.project.agents.nodes).toHaveLength(20);
      expect(data.project.agents.nodes.every((a: any) => a.project.fullPath === 'g/p' && a.tokens.nodes.length === 2)).toBe(true);
      expect(counts).toEqual({ [LIST_AGENTS]: 1, [LIST_TOKENS]: 20 });
      expect(stack.simulator.maxInFlight(LIST_TOKENS)).toBe(20);
    } finally {
      stack.simulator.setLatency(0);
    }
  });

  test("an agent's token GETs go out when its own token list arrives, not when the slowest list does", async () => {
    stack.simulator.setFaults({ rate: 0, kinds: [], slowBodyMs: 400 });
    stack.simulator.failNext(1, 'slow-body', { route: LIST_TOKENS });
    try {
      const { data } = await counted('{ project(id: "g/p") { agents(first: 3) { nodes { tokens { nodes { lastUsedAt } } } } } }');
      expect(data.project.agents.nodes.flatMap((a: any) => a.tokens.nodes)).toHaveLength(6);
      const slow = stack.simulator.requests.find((r) => r.route === LIST_TOKENS && r.endedAt - r.startedAt >= 390)!;
      const slowAgent = slow.path.split('?')[0]!;
      const othersGets = stack.simulator.requests.filter((r) => r.route === GET_TOKEN && !r.path.startsWith(`${slowAgent}/`));
      // The other two agents' four token GETs were answered while the slow list was still arriving.
      expect(othersGets).toHaveLength(4);
      expect(othersGets.every((r) => r.endedAt < slow.endedAt)).toBe(true);
    } finally {
      stack.simulator.setFaults(null);
    }
  });

  test('the same data asked twice in one query is fetched once', async () => {
    const { counts } = await counted('{ a: project(id: "g/p") { agents(first: 5) { nodes { name } } } b: project(id: "G/P") { agents(first: 5) { totalCount nodes { id } } } }');
    expect(counts).toEqual({ [LIST_AGENTS]: 1 });
  });

  test('many agent lookups in one project cost its agent list, not one call each', async () => {
    const { data } = await counted('{ project(id: "big/many") { agents(first: 100) { nodes { id } } } }');
    const ids = data.project.agents.nodes.slice(0, 30).map((n: any) => n.id);
    const { data: nodes, counts } = await counted('query($ids: [ID!]!) { nodes(ids: $ids) { ... on Agent { name } } }', { ids });
    expect(nodes.nodes).toHaveLength(30);
    expect(counts).toEqual({ [LIST_AGENTS]: 1 });
  });
});
