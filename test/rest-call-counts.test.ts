import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fetch } from 'undici';
import { TOKENS } from '../simulator/src/index.js';
import { OPERATIONS, SEED, requestBody } from './helpers/benchmark-operations.js';
import type { BenchOperation, OperationId } from './helpers/benchmark-operations.js';
import { createDirectBaseline } from './helpers/direct-baseline.js';
import type { DirectBaseline } from './helpers/direct-baseline.js';
import { startStack } from './helpers/harness.js';
import type { GraphQLResponse, Stack } from './helpers/harness.js';

/**
 * The benchmark's six operations (test/helpers/benchmark-operations/*.graphql, docs/benchmarks.md) make
 * exactly the fewest REST calls through the gateway, and the direct baseline
 * the benchmark compares the gateway with answers the same JSON with the
 * same calls. A regression in priming, field-aware fetching or page planning
 * fails here rather than only showing in `npm run bench`.
 */
const LIST_AGENTS = 'GET /projects/:id/cluster_agents';
const GET_AGENT = 'GET /projects/:id/cluster_agents/:agent_id';
const LIST_TOKENS = 'GET /projects/:id/cluster_agents/:agent_id/tokens';
const GET_TOKEN = 'GET /projects/:id/cluster_agents/:agent_id/tokens/:token_id';

/** Every route each operation calls, and how often. */
const EXPECTED: Record<OperationId, Record<string, number>> = {
  a: { [LIST_AGENTS]: 1 },
  b: { [LIST_AGENTS]: 1, [LIST_TOKENS]: SEED.agents },
  c: { [LIST_AGENTS]: 1, [LIST_TOKENS]: SEED.agents, [GET_TOKEN]: SEED.tokens },
  d: { [LIST_AGENTS]: Math.ceil(SEED.huge / 100) },
  e: { [GET_AGENT]: 1 },
  f: { [LIST_AGENTS]: 1 },
};

const maintainer = { authorization: `Bearer ${TOKENS.maintainer}` };
let stack: Stack;
let direct: DirectBaseline;
let directUrl: string;

beforeAll(async () => {
  stack = await startStack();
  direct = createDirectBaseline({ gitlabUrl: stack.simulator.url, connections: 128 });
  directUrl = await direct.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await direct?.close();
  await stack?.close();
});

type Post = (op: BenchOperation, after: string | null) => Promise<GraphQLResponse<any>>;

const viaGateway: Post = async (op, after) => {
  const res = await fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...maintainer },
    body: requestBody(op, after),
  });
  return (await res.json()) as GraphQLResponse<any>;
};

const viaDirect: Post = async (op, after) => {
  const res = await fetch(`${directUrl}${op.directPath}`, { method: 'POST', headers: { 'content-type': 'application/json', ...maintainer }, body: requestBody(op, after) });
  return (await res.json()) as GraphQLResponse<any>;
};

/** One whole operation (the walk: every window), and the REST calls it made. */
async function run(op: BenchOperation, post: Post) {
  stack.simulator.resetStats();
  const answers: GraphQLResponse<any>[] = [];
  let after: string | null = null;
  for (let i = 0; i < op.requests; i++) {
    const res = await post(op, after);
    expect(res.errors).toBeUndefined();
    answers.push(res);
    if (op.id === 'd') after = res.data.project.agents.pageInfo.endCursor;
  }
  return { answers, counts: stack.simulator.counts(), total: stack.simulator.total() };
}

describe('REST calls of the benchmark operations through the gateway', () => {
  test.each(OPERATIONS.map((op) => [`(${op.id}) ${op.title}`, op] as const))('%s: the fewest calls', async (_name, op) => {
    const { answers, counts, total } = await run(op, viaGateway);
    expect(counts).toEqual(EXPECTED[op.id]);
    expect(total).toBe(op.minimumCalls);

    const data = answers[0]!.data;
    switch (op.id) {
      case 'a':
        expect(data.project.agents.nodes).toHaveLength(SEED.agents);
        expect(data.project.agents.nodes.every((a: any) => a.project.fullPath === 'g/p')).toBe(true);
        break;
      case 'b':
      case 'c': {
        const tokens = data.project.agents.nodes.flatMap((a: any) => a.tokens.nodes);
        expect(tokens).toHaveLength(SEED.tokens);
        if (op.id === 'c') expect(tokens.some((t: any) => typeof t.lastUsedAt === 'string') && tokens.some((t: any) => t.lastUsedAt === null)).toBe(true);
        break;
      }
      case 'd': {
        const windows = answers.map((a) => a.data.project.agents);
        expect(windows.flatMap((w: any) => w.nodes)).toHaveLength(SEED.huge);
        expect(windows.map((w: any) => w.pageInfo.hasNextPage)).toEqual([...Array<boolean>(windows.length - 1).fill(true), false]);
        break;
      }
      case 'e':
        expect(data.node).toMatchObject({ id: SEED.agentGlobalId, project: { fullPath: 'g/p' } });
        break;
      case 'f':
        expect(data.project.agents.totalCount).toBe(SEED.huge);
        break;
    }
  });
});

describe("the benchmark's direct baseline", () => {
  test.each(OPERATIONS.map((op) => [`(${op.id}) ${op.title}`, op] as const))('%s: the same JSON as the gateway, with the same calls', async (_name, op) => {
    const gateway = await run(op, viaGateway);
    const baseline = await run(op, viaDirect);
    expect(baseline.counts).toEqual(gateway.counts);
    expect(JSON.stringify(baseline.answers)).toBe(JSON.stringify(gateway.answers));
  });
});
