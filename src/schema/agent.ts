import { CONNECTION_EXTENSIONS, resolveOffsetConnection } from '../offset-pagination.js';
import { nodeObject } from './node.js';
import { AgentRef, AgentTokenRef, ProjectRef, UrlConfigurationRef, projectRef } from './refs.js';

nodeObject(AgentRef, 'Agent', {
  description: 'A GitLab agent for Kubernetes, registered with a project.',
  load: (key, { gitlab }) => gitlab.agent(key),
  fields: (t) => ({
    databaseId: t.exposeInt('databaseId', { description: "GitLab's numeric agent id." }),
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
        extensions: CONNECTION_EXTENSIONS,
        description: "The agent's active tokens (GitLab lists no revoked ones), most recently used first.",
        resolve: (agent, args, { gitlab }, info) =>
          resolveOffsetConnection(args, info, (page) => gitlab.tokenPage({ projectId: agent.projectId, agentId: agent.databaseId }, page)),
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
      resolve: (agent, { databaseId }, { gitlab }) => gitlab.findToken({ projectId: agent.projectId, agentId: agent.databaseId, tokenId: databaseId }),
    }),
    urlConfiguration: t.field({
      type: UrlConfigurationRef,
      nullable: true,
      description:
        'Receptive agents: the one URL configuration GitLab allows per agent. Null when the agent has none or the instance has receptive agents switched off. GitLab lets only Maintainers read it: a Developer gets null and a FORBIDDEN error.',
      resolve: (agent, _args, { gitlab }) => gitlab.urlConfigurationOf({ projectId: agent.projectId, agentId: agent.databaseId }),
    }),
  }),
});
