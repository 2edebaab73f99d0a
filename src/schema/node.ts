import type { GatewayContext } from '../context.js';
import { builder } from './builder.js';
import { decodeGlobalId, idParts } from './global-id.js';
import { projectRef } from './project.js';

/**
 * Loads any object from its global ID through the request's loaders. The ID
 * itself says which REST call to make, so a malformed one costs no call.
 */
export async function loadNode(globalId: string, { loaders }: GatewayContext): Promise<object> {
  const { typename, id } = decodeGlobalId(globalId);
  switch (typename) {
    case 'Project':
      return projectRef((await loaders.projectIdentity(idParts('Project', id).projectId)).id);
    case 'Agent': {
      const { projectId, agentId } = idParts('Agent', id);
      return loaders.agent.load({ project: projectId, agentId });
    }
    case 'AgentToken':
      return loaders.token.load(idParts('AgentToken', id));
    case 'UrlConfiguration':
      return loaders.urlConfiguration.load(idParts('UrlConfiguration', id));
  }
}

builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: 'Any object by its global ID. Null, with an error, when GitLab has no such object for the caller.',
    args: { id: t.arg.id({ required: true, description: 'A global ID any object of this API handed out.' }) },
    resolve: (_root, { id }, context) => loadNode(String(id), context),
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: 'Objects by global ID, in the order asked. Each one that cannot be loaded is null, with its own error; the rest are unaffected.',
    args: { ids: t.arg.idList({ required: true, description: 'Global IDs, at most MAX_NODE_IDS (100 by default) per request.' }) },
    resolve: (_root, { ids }, context) => ids.map((id) => loadNode(String(id), context)),
  }),
}));
