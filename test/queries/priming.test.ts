import { afterAll, beforeAll, expect, test } from 'vitest';
import { PROJECTS, RENAMED_PATH, TOKENS } from '../../simulator/src/index.js';
import { globalIdOf } from '../../src/global-id.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/**
 * What the README promises about REST calls that responses make
 * unnecessary: each test fails when the priming (or redirect) it names is
 * taken out of src/datasources or the mutations.
 */
let stack: Stack;
const maintainer = { token: TOKENS.maintainer };
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

async function callsOf(query: string, variables?: Record<string, unknown>): Promise<{ data: any; calls: Record<string, number> }> {
  stack.simulator.resetStats();
  const res = await stack.gql<any>(query, variables, maintainer);
  expect(res.errors).toBeUndefined();
  return { data: res.data, calls: stack.simulator.counts() };
}

test("a token's agent, below an agent list, is the listed agent: no GET per agent", async () => {
  const { data, calls } = await callsOf('{ project(id: "g/p") { agents(first: 3) { nodes { name tokens(first: 1) { nodes { agent { name } } } } } } }');
  for (const agent of data.project.agents.nodes) for (const token of agent.tokens.nodes) expect(token.agent.name).toBe(agent.name);
  expect(calls).toEqual({ 'GET /projects/:id/cluster_agents': 1, 'GET /projects/:id/cluster_agents/:agent_id/tokens': 3 });
});

test("a renamed project's old path follows GitLab's redirect to the same project", async () => {
  const { data } = await callsOf(`{ project(id: "${RENAMED_PATH}") { fullPath agents { totalCount } } }`);
  expect(data.project).toEqual({ fullPath: PROJECTS.main.path, agents: { totalCount: PROJECTS.main.agents } });
});

test('a registered agent answers its payload from the POST alone: no token list, no project GET', async () => {
  const { data, calls } = await callsOf(
    'mutation { registerAgent(input: { projectId: "g/empty", name: "primed" }) { agent { name project { fullPath } tokens { totalCount nodes { name } } } errors { code } } }',
  );
  expect(data.registerAgent.agent).toEqual({ name: 'primed', project: { fullPath: 'g/empty' }, tokens: { totalCount: 0, nodes: [] } });
  expect(calls).toEqual({ 'POST /projects/:id/cluster_agents': 1 });
});

test("a created token's lastUsedAt comes from the POST's answer: no single-token GET", async () => {
  const registered = await stack.gql<any>('mutation { registerAgent(input: { projectId: "g/empty", name: "with-token" }) { agent { id } } }', undefined, maintainer);
  const agentId: string = registered.data.registerAgent.agent.id;
  const { data, calls } = await callsOf('mutation($a: ID!) { createAgentToken(input: { agentId: $a, name: "primed" }) { token { name lastUsedAt } errors { code } } }', { a: agentId });
  expect(data.createAgentToken.token).toEqual({ name: 'primed', lastUsedAt: null });
  expect(calls).toEqual({ 'POST /projects/:id/cluster_agents/:agent_id/tokens': 1 });
});

test("a created URL configuration is its agent's configuration: reading it back through the agent lists nothing", async () => {
  const agent = stack.simulator.agentsOf(PROJECTS.main.id)[5]!;
  const agentId = globalIdOf('Agent', { projectId: PROJECTS.main.id, agentId: agent.id });
  const { data, calls } = await callsOf(
    'mutation($a: ID!) { createUrlConfiguration(input: { agentId: $a, url: "grpc://primed:1" }) { urlConfiguration { url agent { urlConfiguration { url } } } errors { code } } }',
    { a: agentId },
  );
  expect(data.createUrlConfiguration.urlConfiguration).toEqual({ url: 'grpc://primed:1', agent: { urlConfiguration: { url: 'grpc://primed:1' } } });
  expect(calls).toEqual({ 'POST /projects/:id/cluster_agents/:agent_id/url_configurations': 1, 'GET /projects/:id/cluster_agents/:agent_id': 1 });
});
