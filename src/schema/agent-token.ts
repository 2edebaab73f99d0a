import { builder } from './builder.js';
import { nodeObject } from './node.js';
import { AgentRef, AgentTokenRef } from './refs.js';

const AgentTokenStatusEnum = builder.enumType('AgentTokenStatus', {
  description: 'Whether an agent token can still be used.',
  values: {
    ACTIVE: { value: 'active', description: 'Usable by the agent.' },
    REVOKED: { value: 'revoked', description: 'Revoked: GitLab no longer lists or returns it.' },
  } as const,
});

nodeObject(AgentTokenRef, 'AgentToken', {
  description: 'A token an agent authenticates with. Its secret is shown once, by `createAgentToken`.',
  load: (key, { gitlab }) => gitlab.token(key),
  fields: (t) => ({
    databaseId: t.exposeInt('databaseId', { description: "GitLab's numeric token id." }),
    name: t.exposeString('name', { description: 'The name given at creation; need not be unique.' }),
    description: t.exposeString('description', { nullable: true, description: 'The description given at creation, if any.' }),
    status: t.expose('status', { type: AgentTokenStatusEnum, description: 'ACTIVE for every token GitLab lists; REVOKED only in the answer to a revoke.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the token was created.' }),
    createdByUserId: t.exposeInt('createdByUserId', { nullable: true, description: 'The GitLab user id of its creator; null once that user is deleted.' }),
    lastUsedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'GitLab sends it only on the single-token GET: selecting it on a list costs one call per token.',
      resolve: (token, _args, { gitlab }) => gitlab.lastUsedAt(token),
    }),
    agent: t.field({
      type: AgentRef,
      description: 'The agent the token belongs to (free when the token came from its agent\'s list).',
      resolve: (token, _args, { gitlab }) => gitlab.agent({ projectId: token.projectId, agentId: token.agentId }),
    }),
  }),
});
