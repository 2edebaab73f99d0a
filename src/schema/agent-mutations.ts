import { globalIdOf, parseGlobalId, parseProjectKey } from '../global-id.js';
import { mutation } from './mutation.js';
import { AgentRef } from './refs.js';

mutation('registerAgent', {
  description: 'Registers an agent with a project (Maintainer). `POST /projects/:id/cluster_agents`.',
  input: {
    description: 'The agent to register.',
    argument: 'The project and the name.',
    fields: (t) => ({
      projectId: t.id({ required: true, description: 'The project: global ID, numeric id or full path, as `Query.project` takes.' }),
      name: t.string({ required: true, description: "Lowercase letters, digits and '-', at most 63 characters, unique in the project." }),
    }),
  },
  write: (input, { gitlab }) => gitlab.registerAgent(parseProjectKey(String(input.projectId), 'projectId'), input.name),
  outputs: (agent) => ({ agent }),
  payload: {
    description: 'What `registerAgent` answers.',
    fields: (t) => ({ agent: t.expose('agent', { type: AgentRef, nullable: true, description: 'The new agent, null when `errors` is not empty.' }) }),
  },
  attributes: { name: 'name' },
  howToCheck: (input) => `look for the agent with project(id: "${input.projectId}") { agent(name: "${input.name}") { id } }`,
});

mutation('deleteAgent', {
  description: 'Deletes an agent with its tokens and URL configuration (Maintainer). `DELETE /projects/:id/cluster_agents/:agent_id`.',
  input: {
    description: 'The agent to delete.',
    argument: 'The agent.',
    fields: (t) => ({ id: t.id({ required: true, description: 'The `Agent.id` to delete.' }) }),
  },
  write: (input, { gitlab }) => gitlab.deleteAgent(parseGlobalId(String(input.id), 'Agent', 'id')),
  outputs: (agent) => ({ deletedAgentId: globalIdOf('Agent', agent) }),
  payload: {
    description: 'What `deleteAgent` answers.',
    fields: (t) => ({
      deletedAgentId: t.exposeID('deletedAgentId', { nullable: true, description: 'The `Agent.id` that was deleted, with its tokens; null when `errors` is not empty.' }),
    }),
  },
  howToCheck: (input) => `query node(id: "${input.id}") to see whether it still exists`,
});
