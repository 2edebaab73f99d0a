import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

let stack: Stack;
let ids: { agent: string; token: string; config: string };

beforeAll(async () => {
  stack = await startStack();
  const res = await stack.gql(
    '{ project(id: "21") { agents { nodes { id tokens(first: 1) { nodes { id } } urlConfiguration { id } } } } }',
    undefined,
    { token: TOKENS.maintainer },
  );
  const agent = (res.data as any).project.agents.nodes.find((a: any) => a.urlConfiguration && a.tokens.nodes.length);
  ids = { agent: agent.id, token: agent.tokens.nodes[0].id, config: agent.urlConfiguration.id };
});
afterAll(() => stack.close());

const mutations = () => [
  ['registerAgent', `mutation { registerAgent(input: { projectId: "21", name: "nope" }) { errors { code } } }`],
  ['deleteAgent', `mutation { deleteAgent(input: { id: "${ids.agent}" }) { errors { code } } }`],
  ['createAgentToken', `mutation { createAgentToken(input: { agentId: "${ids.agent}", name: "nope" }) { errors { code } } }`],
  ['revokeAgentToken', `mutation { revokeAgentToken(input: { id: "${ids.token}" }) { errors { code } } }`],
  ['createUrlConfiguration', `mutation { createUrlConfiguration(input: { agentId: "${ids.agent}", url: "grpc://x:1" }) { errors { code } } }`],
  ['deleteUrlConfiguration', `mutation { deleteUrlConfiguration(input: { id: "${ids.config}" }) { errors { code } } }`],
];

test.each([
  ['a Developer (may read, not write)', TOKENS.developer, 'FORBIDDEN'],
  ['an outsider', TOKENS.outsider, 'NOT_FOUND'],
  ['no token', undefined, 'UNAUTHENTICATED'],
])('%s gets %s on every mutation, and GitLab is left unchanged', async (_who, token, code) => {
  const before = JSON.stringify(stack.simulator.state);
  for (const [name, mutation] of mutations()) {
    const res = await stack.gql(mutation!, undefined, { token });
    expect(res.errors?.map((e) => e.extensions?.code), name).toEqual([code]);
  }
  expect(JSON.stringify(stack.simulator.state)).toBe(before);
});
