import type { Agent } from '../datasources/models.js';
import { isMissingRecord, isNoUrlConfiguration, orNull } from '../datasources/not-found.js';
import { builder } from './builder.js';
import { parseGlobalId } from './global-id.js';
import { nodeId } from './node-id.js';
import { resolveOffsetConnection } from './offset-connection.js';
import { AgentTokenRef } from './agent-token.js';
import { ProjectRef, projectRef } from './project.js';
import { UrlConfigurationRef } from './url-configuration.js';

export const AgentRef = builder.objectRef<Agent>('Agent');

builder.objectType(AgentRef, {
  description: 'A GitLab agent for Kubernetes, registered with a project.',
  interfaces: [builder.nodeInterfaceRef()],
  isTypeOf: (value) => (value as { kind?: unknown }).kind === 'Agent',
  fields: (t) => ({
    id: t.id({ description: 'Opaque global ID.', resolve: nodeId('Agent', (agent) => `${agent.projectId}/${agent.id}`) }),
    databaseId: t.exposeInt('id', { description: "GitLab's numeric agent id." }),
    name: t.exposeString('name', { description: 'Unique in its project: lowercase letters, digits and \'-\', at most 63 characters.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the agent was registered.' }),
    createdByUserId: t.exposeInt('createdByUserId', { nullable: true, description: 'Null once the creating user is deleted.' }),
    project: t.field({
      type: ProjectRef,
      description: 'The project the agent is registered with (costs nothing: every agent response embeds it).',
      resolve: (agent) => projectRef(agent.projectId),
    }),
    tokens: t.connection(
      {
        type: AgentTokenRef,
        // A failed token list is null here, with its error at this path: the agent and its siblings survive it.
        nullable: true,
        description: "The agent's active tokens (GitLab lists no revoked ones), most recently used first.",
        resolve: (agent, args, { loaders }, info) =>
          resolveOffsetConnection(args, info, (page) => loaders.loadTokenPage({ projectId: agent.projectId, agentId: agent.id, ...page })),
      },
      {
        name: 'AgentTokenConnection',
        description: "A window of an agent's active tokens.",
        fields: (c) => ({
          totalCount: c.int({ nullable: true, description: "The number of active tokens (GitLab's `X-Total`).", resolve: (conn) => conn.totalCount }),
        }),
      },
      { name: 'AgentTokenEdge', description: 'An active token and its cursor.' },
    ),
    token: t.field({
      type: AgentTokenRef,
      nullable: true,
      description: 'One active token by numeric id; null when it does not exist or is revoked.',
      args: { databaseId: t.arg.int({ required: true, description: "GitLab's numeric token id (`AgentToken.databaseId`)." }) },
      resolve: (agent, { databaseId }, { loaders }) =>
        orNull(loaders.token.load({ projectId: agent.projectId, agentId: agent.id, tokenId: databaseId }), isMissingRecord),
    }),
    urlConfiguration: t.field({
      type: UrlConfigurationRef,
      nullable: true,
      description:
        'Receptive agents: the one URL configuration GitLab allows per agent. Null when the agent has none or the instance has receptive agents switched off. GitLab lets only Maintainers read it: a Developer gets null and a FORBIDDEN error.',
      resolve: async (agent, _args, { loaders }) => {
        const list = await orNull(loaders.urlConfigurations.load({ projectId: agent.projectId, agentId: agent.id }), isNoUrlConfiguration);
        return list?.[0] ?? null;
      },
    }),
  }),
});

builder.asEntity(AgentRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: async ({ id }, { loaders }) => {
    const { projectId, agentId } = parseGlobalId(id, 'Agent');
    return loaders.agent.load({ project: projectId, agentId });
  },
});
