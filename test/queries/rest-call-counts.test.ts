import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/**
 * The fewest REST calls each query can need (issues 2 and 6): a regression
 * in priming, field-aware fetching or page planning fails here.
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

  test('(a) the first 20 agents with project { fullPath }: 1 call', async () => {
    const { counts } = await counted('{ project(id: "g/p") { agents(first: 20) { nodes { id name project { id fullPath name } } } } }');
    expect(counts).toEqual({ [LIST_AGENTS]: 1 });
  });

  test('(c) lastUsedAt on every token: 21 calls + one single GET per token', async () => {
    const { data, counts } = await counted('{ project(id: "g/p") { agents(first: 20) { nodes { tokens { nodes { lastUsedAt } } } } } }');
    const tokens = data.project.agents.nodes.flatMap((a: any) => a.tokens.nodes).length;
    expect(tokens).toBe(40);
    expect(counts).toEqual({ [LIST_AGENTS]: 1, [LIST_TOKENS]: 20, [GET_TOKEN]: 40 });
  });

  test('(d) walking 250 agents with first: 100 costs 3 calls', async () => {
    stack.simulator.resetStats();
    let after: string | null = null;
    let seen = 0;
    do {
      const res: any = await stack.gql('query($after: String) { project(id: "big/huge") { agents(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { name } } } }', { after }, maintainer);
      const window: any = res.data.project.agents;
      seen += window.nodes.length;
      after = window.pageInfo.hasNextPage ? window.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toBe(250);
    expect(stack.simulator.counts()).toEqual({ [LIST_AGENTS]: 3 });
  });

  test('(e) node(id:) for one agent: 1 call', async () => {
    const { data } = await counted('{ project(id: "g/p") { agents(first: 1) { nodes { id } } } }');
    const { counts } = await counted('query($id: ID!) { node(id: $id) { ... on Agent { name createdAt project { fullPath } } } }', { id: data.project.agents.nodes[0].id });
    expect(counts).toEqual({ 'GET /projects/:id/cluster_agents/:agent_id': 1 });
  });

  test('(f) only agents { totalCount }: 1 call', async () => {
    const { counts } = await counted('{ project(id: "big/huge") { agents { totalCount } } }');
    expect(counts).toEqual({ [LIST_AGENTS]: 1 });
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
