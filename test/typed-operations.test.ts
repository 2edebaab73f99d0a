import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../simulator/src/index.js';
import {
  AgentByIdDocument,
  AgentUrlConfigurationDocument,
  AgentCountDocument,
  AgentsFromTheEndDocument,
  CreateAgentTokenDocument,
  CreateUrlConfigurationDocument,
  DeleteAgentDocument,
  DeleteUrlConfigurationDocument,
  ProjectAgentsDocument,
  RegisterAgentDocument,
  RevokeAgentTokenDocument,
} from './generated/operations.js';
import { startStack } from './helpers/harness.js';
import type { Stack } from './helpers/harness.js';

/**
 * The operations a frontend would write, as typed documents generated from
 * test/operations/: if the schema stops serving one, the type check or this
 * test fails.
 */
let stack: Stack;
const maintainer = { token: TOKENS.maintainer };
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

test('reads: a project page, a window from the end, a count, a node', async () => {
  const page = await stack.gql(ProjectAgentsDocument, { project: 'g/p', first: 2 }, maintainer);
  const agents = page.data?.project?.agents;
  expect(agents?.totalCount).toBe(20);
  expect(agents?.nodes.map((a) => a.project.fullPath)).toEqual(['g/p', 'g/p']);
  const tail = await stack.gql(AgentsFromTheEndDocument, { project: 'g/p', last: 3 }, maintainer);
  expect(tail.data?.project?.agents?.nodes.map((a) => a.name)).toEqual(['agent-018', 'agent-019', 'agent-020']);
  const count = await stack.gql(AgentCountDocument, { project: 'big/huge' }, maintainer);
  expect(count.data?.project?.agents?.totalCount).toBe(250);
  const node = await stack.gql(AgentByIdDocument, { id: agents!.nodes[0]!.id }, maintainer);
  expect(node.data?.node).toMatchObject({ __typename: 'Agent', name: agents!.nodes[0]!.name });
  const receptive = await stack.gql(AgentUrlConfigurationDocument, { project: 'g/sub/deep/nested', agentName: 'mtls-cluster' }, maintainer);
  expect(receptive.data?.project?.agent?.urlConfiguration).toMatchObject({ authMethod: 'MTLS', publicKey: null, tlsHost: expect.any(String) });
});

test('writes: the six mutations, end to end', async () => {
  const registered = await stack.gql(RegisterAgentDocument, { projectId: 'g/empty', name: 'typed-agent' }, maintainer);
  const agent = registered.data!.registerAgent.agent!;
  expect(agent.tokens?.totalCount).toBe(0);

  const token = await stack.gql(CreateAgentTokenDocument, { agentId: agent.id, name: 'typed' }, maintainer);
  expect(token.data?.createAgentToken.token?.status).toBe('ACTIVE');
  const revoked = await stack.gql(RevokeAgentTokenDocument, { id: token.data!.createAgentToken.token!.id }, maintainer);
  expect(revoked.data?.revokeAgentToken.errors).toEqual([]);

  const config = await stack.gql(CreateUrlConfigurationDocument, { input: { agentId: agent.id, url: 'grpc://typed:1' } }, maintainer);
  expect(config.data?.createUrlConfiguration.urlConfiguration?.authMethod).toBe('JWT');
  const configDeleted = await stack.gql(DeleteUrlConfigurationDocument, { id: config.data!.createUrlConfiguration.urlConfiguration!.id }, maintainer);
  expect(configDeleted.data?.deleteUrlConfiguration.errors).toEqual([]);

  const deleted = await stack.gql(DeleteAgentDocument, { id: agent.id }, maintainer);
  expect(deleted.data?.deleteAgent.deletedAgentId).toBe(agent.id);
});
