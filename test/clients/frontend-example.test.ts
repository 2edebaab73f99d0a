import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { globalIdOf } from '../../src/global-id.js';
import { agentOverview, createToken, gatewayClient } from '../../examples/frontend/src/agents.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/** The typed-frontend example of docs/federation.md, run as a frontend would run it: urql with its defaults. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

test("the example's overview reads every agent of the page with its active tokens (urql sends the query as GET)", async () => {
  const overview = await agentOverview(gatewayClient(`${stack.url}/graphql`, TOKENS.maintainer), 'g/p');
  expect(overview).toHaveLength(20);
  expect(overview.map((agent) => agent.activeTokens)).toEqual(stack.simulator.agentsOf(20).map((agent) => stack.simulator.activeTokensOf(agent.id).length));
  expect(stack.simulator.requests.at(-1)!.token).toBe(TOKENS.maintainer);
});

test("the example's token creation gets the user error of a full agent, typed", async () => {
  const agent = stack.simulator.agentsOf(20)[0]!;
  const result = await createToken(gatewayClient(`${stack.url}/graphql`, TOKENS.maintainer), globalIdOf('Agent', { projectId: 20, agentId: agent.id }), 'third');
  expect(result).toEqual({ errors: ['TOKEN_LIMIT_REACHED'] });
});
