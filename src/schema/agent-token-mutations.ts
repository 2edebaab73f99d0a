import { globalIdOf, parseGlobalId } from '../global-id.js';
import { mutation } from './mutation.js';
import { AgentTokenRef } from './refs.js';

mutation('createAgentToken', {
  description: 'Creates a token for an agent (Maintainer); an agent has at most two active tokens. `POST /projects/:id/cluster_agents/:agent_id/tokens`.',
  input: {
    description: 'The token to create.',
    argument: 'The agent, the name and an optional description.',
    fields: (t) => ({
      agentId: t.id({ required: true, description: 'The `Agent.id` the token is for.' }),
      name: t.string({ required: true, description: 'At most 255 characters; need not be unique.' }),
      description: t.string({ required: false, description: 'At most 1024 characters.' }),
    }),
  },
  write: (input, { gitlab }) =>
    gitlab.createToken(parseGlobalId(String(input.agentId), 'Agent', 'agentId'), { name: input.name, description: input.description }),
  outputs: (created) => created,
  payload: {
    description: 'What `createAgentToken` answers: the token, and its secret this once.',
    fields: (t) => ({
      token: t.expose('token', { type: AgentTokenRef, nullable: true, description: 'The new token; null when `errors` is not empty.' }),
      secret: t.exposeString('secret', {
        nullable: true,
        description: 'The token value the agent authenticates with (`glagent-…`). Shown this once: GitLab cannot show it again, and the gateway never stores or logs it.',
      }),
    }),
  },
  attributes: { name: 'name', description: 'description', agent: 'agentId' },
  howToCheck: (input) =>
    `query node(id: "${input.agentId}") { ... on Agent { tokens { nodes { name createdAt } } } } to see whether the token exists; revoke it if it does, since its secret is lost`,
});

mutation('revokeAgentToken', {
  description: 'Revokes a token (Maintainer); revoking a revoked token succeeds. `DELETE /projects/:id/cluster_agents/:agent_id/tokens/:token_id`.',
  input: {
    description: 'The token to revoke.',
    argument: 'The token.',
    fields: (t) => ({ id: t.id({ required: true, description: 'The `AgentToken.id` to revoke.' }) }),
  },
  write: (input, { gitlab }) => gitlab.revokeToken(parseGlobalId(String(input.id), 'AgentToken', 'id')),
  outputs: (token) => ({ revokedTokenId: globalIdOf('AgentToken', token) }),
  payload: {
    description: 'What `revokeAgentToken` answers.',
    fields: (t) => ({
      revokedTokenId: t.exposeID('revokedTokenId', { nullable: true, description: 'The `AgentToken.id` that was revoked; null when `errors` is not empty.' }),
    }),
  },
  howToCheck: (input) => `query node(id: "${input.id}"), which is null once the token is revoked`,
});
