import type { AgentToken } from '../datasources/models.js';
import { isMissingRecord, orNull } from '../datasources/not-found.js';
import { builder } from './builder.js';
import { parseGlobalId } from './global-id.js';
import { nodeId } from './node-id.js';
import { AgentRef } from './agent.js';

export const AgentTokenRef = builder.objectRef<AgentToken>('AgentToken');

export const AgentTokenStatusEnum = builder.enumType('AgentTokenStatus', {
  description: 'Whether an agent token can still be used.',
  values: {
    ACTIVE: { value: 'active', description: 'Usable by the agent.' },
    REVOKED: { value: 'revoked', description: 'Revoked: GitLab no longer lists or returns it.' },
  } as const,
});

builder.objectType(AgentTokenRef, {
  description: 'A token an agent authenticates with. Its secret is shown once, by `createAgentToken`.',
  interfaces: [builder.nodeInterfaceRef()],
  isTypeOf: (value) => (value as { kind?: unknown }).kind === 'AgentToken',
  fields: (t) => ({
    id: t.id({ description: 'Opaque global ID.', resolve: nodeId('AgentToken', (token) => `${token.projectId}/${token.agentId}/${token.id}`) }),
    databaseId: t.exposeInt('id', { description: "GitLab's numeric token id." }),
    name: t.exposeString('name', { description: 'The name given at creation; need not be unique.' }),
    description: t.exposeString('description', { nullable: true, description: 'The description given at creation, if any.' }),
    status: t.expose('status', { type: AgentTokenStatusEnum, description: 'ACTIVE for every token GitLab lists; REVOKED only in the answer to a revoke.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the token was created.' }),
    createdByUserId: t.exposeInt('createdByUserId', { nullable: true, description: 'The GitLab user id of its creator; null once that user is deleted.' }),
    lastUsedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'GitLab sends it only on the single-token GET: selecting it on a list costs one call per token.',
      resolve: async (token, _args, { loaders }) => {
        if (token.lastUsedAt !== undefined) return token.lastUsedAt;
        const full = await orNull(loaders.token.load({ projectId: token.projectId, agentId: token.agentId, tokenId: token.id }), isMissingRecord);
        return full?.lastUsedAt ?? null;
      },
    }),
    agent: t.field({
      type: AgentRef,
      description: 'The agent the token belongs to (free when the token came from its agent\'s list).',
      resolve: (token, _args, { loaders }) => loaders.agent.load({ project: token.projectId, agentId: token.agentId }),
    }),
  }),
});

builder.asEntity(AgentTokenRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: async ({ id }, { loaders }) => loaders.token.load(parseGlobalId(id, 'AgentToken')),
});
