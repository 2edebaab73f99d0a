import type { AgentToken } from '../datasources/models.js';
import { builder } from './builder.js';
import { globalIdOf, parseGlobalId } from './global-id.js';
import { AgentTokenRef } from './agent-token.js';
import { USER_ERRORS_FIELD, runWrite } from './user-error.js';
import type { UserErrorShape } from './user-error.js';

const CreateAgentTokenInput = builder.inputType('CreateAgentTokenInput', {
  description: 'The token to create.',
  fields: (t) => ({
    agentId: t.id({ required: true, description: 'The `Agent.id` the token is for.' }),
    name: t.string({ required: true, description: 'At most 255 characters; need not be unique.' }),
    description: t.string({ required: false, description: 'At most 1024 characters.' }),
  }),
});

const CreateAgentTokenPayload = builder
  .objectRef<{ token: AgentToken | null; secret: string | null; errors: UserErrorShape[] }>('CreateAgentTokenPayload')
  .implement({
    description: 'What `createAgentToken` answers: the token, and its secret this once.',
    fields: (t) => ({
      token: t.expose('token', { type: AgentTokenRef, nullable: true, description: 'The new token; null when `errors` is not empty.' }),
      secret: t.exposeString('secret', {
        nullable: true,
        description: 'The token value the agent authenticates with (`glagent-…`). Shown this once: GitLab cannot show it again, and the gateway never stores or logs it.',
      }),
      errors: t.expose('errors', USER_ERRORS_FIELD),
    }),
  });

const RevokeAgentTokenInput = builder.inputType('RevokeAgentTokenInput', {
  description: 'The token to revoke.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The `AgentToken.id` to revoke.' }) }),
});

const RevokeAgentTokenPayload = builder.objectRef<{ revokedTokenId: string | null; errors: UserErrorShape[] }>('RevokeAgentTokenPayload').implement({
  description: 'What `revokeAgentToken` answers.',
  fields: (t) => ({
    revokedTokenId: t.exposeID('revokedTokenId', { nullable: true, description: 'The `AgentToken.id` that was revoked; null when `errors` is not empty.' }),
    errors: t.expose('errors', USER_ERRORS_FIELD),
  }),
});

builder.mutationFields((t) => ({
  createAgentToken: t.field({
    type: CreateAgentTokenPayload,
    description: 'Creates a token for an agent (Maintainer); an agent has at most two active tokens. `POST /projects/:id/cluster_agents/:agent_id/tokens`.',
    args: { input: t.arg({ type: CreateAgentTokenInput, required: true, description: 'The agent, the name and an optional description.' }) },
    resolve: async (_root, { input }, { loaders }) => {
      const { projectId, agentId } = parseGlobalId(String(input.agentId), 'Agent', 'agentId');
      const fields = { name: 'name', description: 'description', agent: 'agentId' } as const;
      // Not checked here: GitLab checks the two-token limit before the name
      // and description (create_service.rb), and only GitLab knows the count;
      // its 400 writes nothing and is in the caller's language.
      const outcome = await runWrite(
        'createToken',
        () => loaders.api.createToken(projectId, agentId, { name: input.name, description: input.description }),
        fields,
        `query node(id: "${input.agentId}") { ... on Agent { tokens { nodes { name createdAt } } } } to see whether the token exists; revoke it if it does, since its secret is lost`,
      );
      if (!outcome.ok) return { token: null, secret: null, errors: outcome.errors };
      loaders.primeToken(outcome.ok.token);
      return { token: outcome.ok.token, secret: outcome.ok.secret, errors: [] };
    },
  }),
  revokeAgentToken: t.field({
    type: RevokeAgentTokenPayload,
    description: 'Revokes a token (Maintainer); revoking a revoked token succeeds. `DELETE /projects/:id/cluster_agents/:agent_id/tokens/:token_id`.',
    args: { input: t.arg({ type: RevokeAgentTokenInput, required: true, description: 'The token.' }) },
    resolve: async (_root, { input }, { loaders }) => {
      const key = parseGlobalId(String(input.id), 'AgentToken', 'id');
      const outcome = await runWrite(
        'delete',
        () => loaders.api.revokeToken(key.projectId, key.agentId, key.tokenId),
        {},
        `query node(id: "${input.id}"), which is null once the token is revoked`,
      );
      return { revokedTokenId: outcome.errors.length ? null : globalIdOf('AgentToken', key), errors: outcome.errors };
    },
  }),
}));
