import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/**
 * `Project.agents` and `Agent.tokens` are nullable (contract revision 2): a
 * list that fails is null at its own path, with its error, and nothing
 * around it is lost.
 */
let stack: Stack;
beforeAll(async () => {
  // One attempt per GET, so that one injected 503 is one failed list.
  stack = await startStack({ gateway: { retryAttempts: 1 } });
});
afterAll(() => stack.close());

const TOKENS_ROUTE = 'GET /projects/:id/cluster_agents/:agent_id/tokens';

test("one agent's failed token list: that agent's tokens are null with UPSTREAM_UNAVAILABLE at their path; 19 agents keep theirs", async () => {
  stack.simulator.failNext(1, '503', { route: TOKENS_ROUTE });
  const res = await stack.gql<any>('{ project(id: "g/p") { name agents { nodes { name tokens { nodes { name } } } } } }', undefined, { token: TOKENS.maintainer });

  expect(res.data.project.name).toBeTruthy();
  const agents: { name: string; tokens: { nodes: unknown[] } | null }[] = res.data.project.agents.nodes;
  expect(agents).toHaveLength(20);
  const failed = agents.flatMap((agent, index) => (agent.tokens === null ? [index] : []));
  expect(failed).toHaveLength(1);
  expect(agents.filter((agent) => agent.tokens !== null)).toHaveLength(19);
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0]!.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
  expect(res.errors![0]!.path).toEqual(['project', 'agents', 'nodes', failed[0], 'tokens']);
});

test("an outsider may read a public project but not its agents: the project keeps its name, agents are null with GitLab's refusal", async () => {
  const res = await stack.gql<any>('{ project(id: "pub/lic") { name fullPath agents { totalCount nodes { name } } } }', undefined, { token: TOKENS.outsider });
  expect(res.data.project).toMatchObject({ name: expect.any(String), fullPath: 'pub/lic', agents: null });
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0]!.path).toEqual(['project', 'agents']);
  expect(['FORBIDDEN', 'NOT_FOUND']).toContain(res.errors![0]!.extensions?.code);
});
