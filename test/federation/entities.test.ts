import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { globalIdOf } from '../../src/schema/global-id.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/** Reference resolution, as a federation gateway asks for it: `_entities` with many representations at once. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ simulator: { latencyMs: 10 } });
});
afterAll(() => stack.close());

const ENTITIES = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Agent { id name project { fullPath } } } }';
const agentRef = (projectId: number, agentId: number) => ({ __typename: 'Agent', id: globalIdOf('Agent', { projectId, agentId }) });

test('50 Agent references from 3 projects cost the cheapest calls, issued together; unknown and invisible ones are null with an error', async () => {
  const ids = (projectId: number) => stack.simulator.agentsOf(projectId).map((a) => a.id);
  const main = ids(20).slice(0, 10); // 20 agents: one list page of 100 holds them all
  const many = [...ids(22).slice(0, 20), ...ids(22).slice(120)]; // 130 agents: page 1 holds 20 of them; the 10 others sit on page 2, cheaper than 10 GETs
  const huge = ids(23).slice(0, 10); // page 1 of 100 holds all 10
  const representations = [
    ...main.map((id) => agentRef(20, id)),
    ...many.map((id) => agentRef(22, id)),
    ...huge.map((id) => agentRef(23, id)),
    agentRef(20, 999_999),
    agentRef(24, stack.simulator.agentsOf(24)[0]!.id),
  ];
  stack.simulator.resetStats();
  const res = await stack.gql(ENTITIES, { representations }, { token: TOKENS.maintainer });

  const entities = (res.data as any)._entities as ({ id: string; name: string; project: { fullPath: string } } | null)[];
  expect(entities).toHaveLength(52);
  expect(entities.slice(0, 50).map((e) => e?.id)).toEqual(representations.slice(0, 50).map((r) => r.id));
  expect(entities.slice(0, 50).every((e) => e !== null && e.name.length > 0)).toBe(true);
  expect(entities.slice(50)).toEqual([null, null]);
  expect(res.errors?.map((e) => [e.path?.[1], e.extensions?.code])).toEqual([
    [50, 'NOT_FOUND'],
    [51, 'NOT_FOUND'],
  ]);

  expect(stack.simulator.counts()).toEqual({
    'GET /projects/:id/cluster_agents': 4, // g/p page 1, big/many pages 1 and 2, big/huge page 1
    'GET /projects/:id/cluster_agents/:agent_id': 1, // other/private's one reference: a single GET (404)
  });
  expect(stack.simulator.maxInFlight()).toBeGreaterThanOrEqual(4);
});

test('a reference by Project fullPath resolves through the same loaders; an invisible one is null with NOT_FOUND', async () => {
  stack.simulator.resetStats();
  const res = await stack.gql(
    'query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { name agents { totalCount } } } }',
    { r: [{ __typename: 'Project', fullPath: 'g/p' }, { __typename: 'Project', fullPath: 'other/private' }] },
    { token: TOKENS.maintainer },
  );
  expect((res.data as any)._entities).toEqual([{ name: 'P', agents: { totalCount: 20 } }, null]);
  expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
});
