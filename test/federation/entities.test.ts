import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { globalIdOf } from '../../src/global-id.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/** Reference resolution, as a federation gateway asks for it: `_entities` with many representations at once. */
let stack: Stack;
const maintainer = { token: TOKENS.maintainer };
beforeAll(async () => {
  // Latency keeps calls in flight long enough for the simulator to see them overlap.
  stack = await startStack({ simulator: { latencyMs: 50 } });
});
afterAll(() => stack.close());

interface Entity {
  id: string;
  name: string;
  project: { fullPath: string };
}
const AGENT_ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Agent { id name project { fullPath } } } }';
const agentRef = (projectId: number, agentId: number) => ({ __typename: 'Agent', id: globalIdOf('Agent', { projectId, agentId }) });

test('50 Agent references from 3 projects cost the cheapest calls, issued together; unknown and invisible ones are null with an error', async () => {
  // Agent lists are ordered by name, as agentsOf returns them: index i sits on page floor(i / 100) + 1.
  const ids = (projectId: number) => stack.simulator.agentsOf(projectId).map((a) => a.id);
  // g/p, 20 agents: list page 1 holds all 10 asked for, and proves 999999 absent without another call.
  const main = ids(20).slice(0, 10);
  // big/many, 130 agents: page 1 holds 20 of the 30; the other 10 all sit on page 2. One page beats 10 GETs.
  const many = [...ids(22).slice(0, 20), ...ids(22).slice(120)];
  // big/huge, 250 agents: page 1 holds 9; the last agent sits on page 3. One GET beats pages 2 and 3.
  const huge = [...ids(23).slice(0, 9), ids(23)[249]!];
  const representations = [
    ...main.map((id) => agentRef(20, id)),
    ...many.map((id) => agentRef(22, id)),
    ...huge.map((id) => agentRef(23, id)),
    agentRef(20, 999_999),
    agentRef(24, stack.simulator.agentsOf(24)[0]!.id), // other/private: GitLab answers the maintainer 404
  ];
  stack.simulator.resetStats();
  const res = await stack.gql<{ _entities: (Entity | null)[] }>(AGENT_ENTITIES, { r: representations }, maintainer);

  const entities = res.data!._entities;
  expect(entities).toHaveLength(52);
  expect(entities.slice(0, 50).map((e) => e?.id)).toEqual(representations.slice(0, 50).map((r) => r.id));
  expect(entities.slice(0, 50).map((e) => e?.project.fullPath)).toEqual([
    ...Array<string>(10).fill('g/p'),
    ...Array<string>(30).fill('big/many'),
    ...Array<string>(10).fill('big/huge'),
  ]);
  expect(entities.slice(0, 50).every((e) => e !== null && e.name.length > 0)).toBe(true);
  expect(entities.slice(50)).toEqual([null, null]);
  expect(res.errors?.map((e) => [e.path?.[1], e.extensions?.code])).toEqual([
    [50, 'NOT_FOUND'],
    [51, 'NOT_FOUND'],
  ]);

  expect(stack.simulator.counts()).toEqual({
    'GET /projects/:id/cluster_agents': 4, // g/p page 1, big/many pages 1 and 2, big/huge page 1
    'GET /projects/:id/cluster_agents/:agent_id': 2, // big/huge's agent on page 3; other/private's lone reference (404)
  });
  // The three page-1 lists and other/private's GET go out together.
  expect(stack.simulator.maxInFlight()).toBeGreaterThanOrEqual(4);
});

test('references of every entity type resolve; a malformed one is null with BAD_USER_INPUT, costing no call, the rest unaffected', async () => {
  const listed = await stack.gql<{ project: { id: string; agents: { nodes: { id: string; name: string; tokens: { nodes: { id: string; name: string }[] }; urlConfiguration: { id: string; url: string } | null }[] } } }>(
    '{ project(id: "g/sub/deep/nested") { id agents { nodes { id name tokens(first: 1) { nodes { id name } } urlConfiguration { id url } } } } }',
    undefined,
    maintainer,
  );
  const project = listed.data!.project;
  const agent = project.agents.nodes.find((a) => a.urlConfiguration !== null && a.tokens.nodes.length > 0)!;
  const token = agent.tokens.nodes[0]!;
  const config = agent.urlConfiguration!;

  stack.simulator.resetStats();
  const res = await stack.gql(
    `query($r: [_Any!]!) { _entities(representations: $r) {
      __typename
      ... on Project { fullPath }
      ... on Agent { name }
      ... on AgentToken { name }
      ... on UrlConfiguration { url }
    } }`,
    {
      r: [
        { __typename: 'Project', id: project.id },
        { __typename: 'Agent', id: agent.id },
        { __typename: 'Agent', id: 'garbage' },
        { __typename: 'AgentToken', id: token.id },
        { __typename: 'AgentToken', id: agent.id },
        { __typename: 'UrlConfiguration', id: config.id },
        { __typename: 'UrlConfiguration', id: 'garbage' },
      ],
    },
    maintainer,
  );
  expect(res.data).toEqual({
    _entities: [
      { __typename: 'Project', fullPath: 'g/sub/deep/nested' },
      { __typename: 'Agent', name: agent.name },
      null,
      { __typename: 'AgentToken', name: token.name },
      null,
      { __typename: 'UrlConfiguration', url: config.url },
      null,
    ],
  });
  expect(res.errors?.map((e) => [e.path?.[1], e.extensions?.code])).toEqual([
    [2, 'BAD_USER_INPUT'],
    [4, 'BAD_USER_INPUT'],
    [6, 'BAD_USER_INPUT'],
  ]);
  // One GET per valid reference, all in the same tick (so the agent's answer cannot spare the project's); none for the malformed ones.
  expect(stack.simulator.counts()).toEqual({
    'GET /projects/:id': 1,
    'GET /projects/:id/cluster_agents/:agent_id': 1,
    'GET /projects/:id/cluster_agents/:agent_id/tokens/:token_id': 1,
    'GET /projects/:id/cluster_agents/:agent_id/url_configurations/:url_configuration_id': 1,
  });
});

test('a reference by Project fullPath resolves through the same loaders; an invisible one is null with NOT_FOUND', async () => {
  stack.simulator.resetStats();
  const res = await stack.gql(
    'query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { name agents { totalCount } } } }',
    { r: [{ __typename: 'Project', fullPath: 'g/p' }, { __typename: 'Project', fullPath: 'other/private' }] },
    maintainer,
  );
  expect(res.data).toEqual({ _entities: [{ name: 'P', agents: { totalCount: 20 } }, null] });
  expect(res.errors?.map((e) => [e.path?.[1], e.extensions?.code])).toEqual([[1, 'NOT_FOUND']]);
});

test('malformed representations are BAD_USER_INPUT at their own index, costing no call; the well-formed ones resolve', async () => {
  stack.simulator.resetStats();
  const res = await stack.gql(
    'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Project { fullPath } ... on Agent { name } } }',
    {
      r: [
        { __typename: 'Agent', id: 5 },
        { __typename: 'Project', fullPath: { path: 'g/p' } },
        { __typename: 'Nonsense', id: 'x' },
        { __typename: 'Project', fullPath: 'g/p' },
        'not an object',
        { __typename: 'Agent' },
      ],
    },
    maintainer,
  );
  expect(res.data).toEqual({ _entities: [null, null, null, { __typename: 'Project', fullPath: 'g/p' }, null, null] });
  expect(res.errors?.map((e) => [e.path?.[1], e.extensions?.code])).toEqual([
    [0, 'BAD_USER_INPUT'],
    [1, 'BAD_USER_INPUT'],
    [2, 'BAD_USER_INPUT'],
    [4, 'BAD_USER_INPUT'],
    [5, 'BAD_USER_INPUT'],
  ]);
  expect(res.errors![2]!.message).toContain('__typename must be one of');
  expect(stack.simulator.counts()).toEqual({ 'GET /projects/:id': 1 });
});

test("GraphiQL's docs list Query's own fields first and federation's _entities and _service last", async () => {
  const res = await stack.gql<{ __type: { fields: { name: string }[] } }>('{ __type(name: "Query") { fields { name } } }');
  const names = res.data!.__type.fields.map((f) => f.name);
  expect(names.slice(0, 3)).toEqual(['project', 'node', 'nodes']);
  expect(names.slice(-2)).toEqual(['_entities', '_service']);
});
