import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

let stack: Stack;
const maintainer = { token: TOKENS.maintainer };
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const REGISTER = `mutation($projectId: ID!, $name: String!) {
  registerAgent(input: { projectId: $projectId, name: $name }) {
    agent { id databaseId name project { fullPath } tokens { totalCount nodes { name } } }
    errors { message code field }
  }
}`;
const DELETE = 'mutation($id: ID!) { deleteAgent(input: { id: $id }) { deletedAgentId errors { code field message } } }';

describe('registerAgent', () => {
  test('registers the agent in GitLab with one REST call; the payload reads from the primed loaders', async () => {
    stack.simulator.resetStats();
    const res = await stack.gql(REGISTER, { projectId: 'g/empty', name: 'fresh-agent' }, maintainer);
    expect(res.errors).toBeUndefined();
    const payload = (res.data as any).registerAgent;
    expect(payload.errors).toEqual([]);
    expect(payload.agent).toMatchObject({ name: 'fresh-agent', project: { fullPath: 'g/empty' }, tokens: { totalCount: 0, nodes: [] } });
    expect(stack.simulator.counts()).toEqual({ 'POST /projects/:id/cluster_agents': 1 });
    expect(stack.simulator.agentsOf(25).map((a) => a.name)).toContain('fresh-agent');
  });

  test('a name already taken in the project is NAME_TAKEN on input.name, in GitLab\'s words without the brackets', async () => {
    const taken = stack.simulator.agentsOf(20)[0]!.name;
    const res = await stack.gql(REGISTER, { projectId: '20', name: taken }, maintainer);
    expect((res.data as any).registerAgent).toEqual({
      agent: null,
      errors: [{ message: 'Name has already been taken', code: 'NAME_TAKEN', field: ['input', 'name'] }],
    });
  });

  test('names GitLab would refuse are refused locally, with GitLab\'s messages and no REST call', async () => {
    stack.simulator.resetStats();
    const blank = await stack.gql(REGISTER, { projectId: 'g/p', name: '' }, maintainer);
    expect((blank.data as any).registerAgent.errors.map((e: any) => e.message)).toEqual([
      "Name can't be blank",
      "Name can contain only lowercase letters, digits, and '-', but cannot start or end with '-'",
    ]);
    const long = await stack.gql(REGISTER, { projectId: 'g/p', name: 'a'.repeat(64) }, maintainer);
    expect((long.data as any).registerAgent.errors).toEqual([
      { message: 'Name is too long (maximum is 63 characters)', code: 'INVALID_INPUT', field: ['input', 'name'] },
    ]);
    const upper = await stack.gql(REGISTER, { projectId: 'g/p', name: 'Bad_Name' }, maintainer);
    expect((upper.data as any).registerAgent.errors[0].code).toBe('INVALID_INPUT');
    expect(stack.simulator.total()).toBe(0);
  });

  test('a projectId that is no project reference is BAD_USER_INPUT before any REST call', async () => {
    stack.simulator.resetStats();
    const res = await stack.gql(REGISTER, { projectId: 'nope', name: 'x' }, maintainer);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.simulator.total()).toBe(0);
  });
});

describe('deleteAgent', () => {
  test('deletes the agent and its tokens in GitLab; the agent then resolves to null', async () => {
    const created = await stack.gql(REGISTER, { projectId: 'g/empty', name: 'doomed' }, maintainer);
    const id = (created.data as any).registerAgent.agent.id as string;
    const res = await stack.gql(DELETE, { id }, maintainer);
    expect((res.data as any).deleteAgent).toEqual({ deletedAgentId: id, errors: [] });
    expect(stack.simulator.agentsOf(25).map((a) => a.name)).not.toContain('doomed');
    const after = await stack.gql('query($id: ID!) { node(id: $id) { id } }', { id }, maintainer);
    expect(after.data).toEqual({ node: null });
    expect(after.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  test("a token's ID where an agent's is expected is BAD_USER_INPUT, with no REST call", async () => {
    const tokens = await stack.gql('{ project(id: "g/p") { agents(first: 1) { nodes { tokens(first: 1) { nodes { id } } } } } }', undefined, maintainer);
    const tokenId = (tokens.data as any).project.agents.nodes[0].tokens.nodes[0].id;
    stack.simulator.resetStats();
    const res = await stack.gql(DELETE, { id: tokenId }, maintainer);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toContain('AgentToken');
    expect(stack.simulator.total()).toBe(0);
  });
});
