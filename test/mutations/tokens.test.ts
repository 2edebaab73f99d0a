import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

let stack: Stack;
const maintainer = { token: TOKENS.maintainer };
let agentId: string;
let agentDatabaseId: number;

const CREATE = `mutation($agentId: ID!, $name: String!, $description: String) {
  createAgentToken(input: { agentId: $agentId, name: $name, description: $description }) {
    token { id databaseId name description status createdAt lastUsedAt }
    secret
    errors { message code field }
  }
}`;
const REVOKE = 'mutation($id: ID!) { revokeAgentToken(input: { id: $id }) { revokedTokenId errors { code } } }';

beforeAll(async () => {
  stack = await startStack();
  const res = await stack.gql('mutation { registerAgent(input: { projectId: "g/empty", name: "token-host" }) { agent { id databaseId } } }', undefined, maintainer);
  ({ id: agentId, databaseId: agentDatabaseId } = (res.data as any).registerAgent.agent);
});
afterAll(() => stack.close());

describe('createAgentToken and revokeAgentToken', () => {
  test('creates an active token, hands out its secret once, and costs exactly the POST', async () => {
    stack.simulator.resetStats();
    const res = await stack.gql(CREATE, { agentId, name: 'ci', description: 'for CI' }, maintainer);
    expect(res.errors).toBeUndefined();
    const payload = (res.data as any).createAgentToken;
    expect(payload.errors).toEqual([]);
    // Opaque: a routable token in current GitLab (dots and all), only its prefix is fixed.
    expect(payload.secret).toMatch(/^glagent-[A-Za-z0-9._-]{20,}$/);
    expect(payload.token).toMatchObject({ name: 'ci', description: 'for CI', status: 'ACTIVE', lastUsedAt: null });
    expect(stack.simulator.counts()).toEqual({ 'POST /projects/:id/cluster_agents/:agent_id/tokens': 1 });
    expect(stack.simulator.activeTokensOf(agentDatabaseId).map((t) => t.name)).toEqual(['ci']);
  });

  test('a third active token is TOKEN_LIMIT_REACHED on input.agentId; revoking frees the slot', async () => {
    const second = await stack.gql(CREATE, { agentId, name: 'second' }, maintainer);
    expect((second.data as any).createAgentToken.errors).toEqual([]);
    const third = await stack.gql(CREATE, { agentId, name: 'third' }, maintainer);
    expect((third.data as any).createAgentToken).toEqual({
      token: null,
      secret: null,
      errors: [{ message: 'An agent can have only two active tokens at a time', code: 'TOKEN_LIMIT_REACHED', field: ['input', 'agentId'] }],
    });

    const tokenId = (second.data as any).createAgentToken.token.id;
    const revoked = await stack.gql(REVOKE, { id: tokenId }, maintainer);
    expect((revoked.data as any).revokeAgentToken).toEqual({ revokedTokenId: tokenId, errors: [] });
    expect(stack.simulator.state.tokens.find((t) => t.id === (second.data as any).createAgentToken.token.databaseId)?.status).toBe('revoked');
    const lookup = await stack.gql('query($id: ID!) { node(id: $id) { id } }', { id: tokenId }, maintainer);
    expect(lookup.data).toEqual({ node: null });
    const again = await stack.gql(CREATE, { agentId, name: 'third' }, maintainer);
    expect((again.data as any).createAgentToken.errors).toEqual([]);
  });

  test('revoking a revoked token succeeds, as in GitLab', async () => {
    const created = await stack.gql('{ project(id: "g/p") { agents(first: 1) { nodes { tokens(first: 1) { nodes { id } } } } } }', undefined, maintainer);
    const id = (created.data as any).project.agents.nodes[0].tokens.nodes[0].id;
    expect((await stack.gql(REVOKE, { id }, maintainer)).data).toEqual({ revokeAgentToken: { revokedTokenId: id, errors: [] } });
    expect((await stack.gql(REVOKE, { id }, maintainer)).data).toEqual({ revokeAgentToken: { revokedTokenId: id, errors: [] } });
  });

  test('a name or description GitLab refuses: its own model errors, one POST, nothing written', async () => {
    const fresh = await stack.gql('mutation { registerAgent(input: { projectId: "g/empty", name: "picky-tokens" }) { agent { id databaseId } } }', undefined, maintainer);
    const { id, databaseId } = (fresh.data as any).registerAgent.agent;
    stack.simulator.resetStats();
    const long = await stack.gql(CREATE, { agentId: id, name: 'n'.repeat(256) }, maintainer);
    expect((long.data as any).createAgentToken.errors).toEqual([
      { message: 'Name is too long (maximum is 255 characters)', code: 'INVALID_INPUT', field: ['input', 'name'] },
    ]);
    const description = await stack.gql(CREATE, { agentId: id, name: 'ok', description: 'd'.repeat(1025) }, maintainer);
    expect((description.data as any).createAgentToken.errors).toEqual([
      { message: 'Description is too long (maximum is 1024 characters)', code: 'INVALID_INPUT', field: ['input', 'description'] },
    ]);
    const blank = await stack.gql(CREATE, { agentId: id, name: '' }, maintainer);
    expect((blank.data as any).createAgentToken.errors).toEqual([{ message: "Name can't be blank", code: 'INVALID_INPUT', field: ['input', 'name'] }]);
    expect(stack.simulator.counts()).toEqual({ 'POST /projects/:id/cluster_agents/:agent_id/tokens': 3 });
    expect(stack.simulator.activeTokensOf(databaseId)).toEqual([]);
  });

  test('with two active tokens, an invalid name gets the limit, as GitLab checks the limit first', async () => {
    const fresh = await stack.gql('mutation { registerAgent(input: { projectId: "g/empty", name: "full-agent" }) { agent { id } } }', undefined, maintainer);
    const id = (fresh.data as any).registerAgent.agent.id;
    for (const name of ['one', 'two']) expect((await stack.gql(CREATE, { agentId: id, name }, maintainer)).data).toMatchObject({ createAgentToken: { errors: [] } });
    for (const name of ['', 'n'.repeat(256)]) {
      const res = await stack.gql(CREATE, { agentId: id, name }, maintainer);
      expect((res.data as any).createAgentToken.errors).toEqual([
        { message: 'An agent can have only two active tokens at a time', code: 'TOKEN_LIMIT_REACHED', field: ['input', 'agentId'] },
      ]);
    }
  });

  test('a name is counted in characters as GitLab counts them: 200 emoji (400 UTF-16 units) are accepted', async () => {
    const fresh = await stack.gql('mutation { registerAgent(input: { projectId: "g/empty", name: "emoji-agent" }) { agent { id } } }', undefined, maintainer);
    const name = '🎉'.repeat(200);
    const res = await stack.gql(CREATE, { agentId: (fresh.data as any).registerAgent.agent.id, name }, maintainer);
    expect((res.data as any).createAgentToken).toMatchObject({ errors: [], token: { name } });
  });
});

describe('a write whose outcome is unknown', () => {
  test('a timed-out createAgentToken is not sent twice, and the error says how to find out', async () => {
    const slow = await startStack({ gateway: { requestTimeoutMs: 300 } });
    try {
      const agent = await slow.gql('{ project(id: "g/empty") { id } }', undefined, maintainer);
      expect(agent.errors).toBeUndefined();
      const registered = await slow.gql('mutation { registerAgent(input: { projectId: "g/empty", name: "slow-one" }) { agent { id } } }', undefined, maintainer);
      const id = (registered.data as any).registerAgent.agent.id;
      slow.simulator.resetStats();
      slow.simulator.failNext(1, 'hang', { method: 'POST' });
      const res = await slow.gql(CREATE, { agentId: id, name: 'maybe' }, maintainer);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', outcomeUnknown: true });
      expect(res.errors?.[0]?.message).toContain('tokens');
      // A retry would be sent inside the call, before its error became this answer: none can follow it.
      expect(slow.simulator.count('POST /projects/:id/cluster_agents/:agent_id/tokens')).toBe(1);
    } finally {
      await slow.close();
    }
  });
});
