import { agentNameProblems } from '../datasources/gitlab-rules.js';
import { builder } from './builder.js';
import { globalIdOf, parseGlobalId } from './global-id.js';
import { AgentRef } from './agent.js';
import { parseProjectKey } from './project.js';
import { USER_ERRORS_FIELD, rejected, runWrite } from './user-error.js';
import type { UserErrorShape } from './user-error.js';
import type { Agent } from '../datasources/models.js';

const RegisterAgentInput = builder.inputType('RegisterAgentInput', {
  description: 'The agent to register.',
  fields: (t) => ({
    projectId: t.id({ required: true, description: 'The project: global ID, numeric id or full path, as `Query.project` takes.' }),
    name: t.string({ required: true, description: "Lowercase letters, digits and '-', at most 63 characters, unique in the project." }),
  }),
});

const RegisterAgentPayload = builder.objectRef<{ agent: Agent | null; errors: UserErrorShape[] }>('RegisterAgentPayload').implement({
  description: 'What `registerAgent` answers.',
  fields: (t) => ({
    agent: t.expose('agent', { type: AgentRef, nullable: true, description: 'The new agent, null when `errors` is not empty.' }),
    errors: t.expose('errors', USER_ERRORS_FIELD),
  }),
});

const DeleteAgentInput = builder.inputType('DeleteAgentInput', {
  description: 'The agent to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The `Agent.id` to delete.' }) }),
});

const DeleteAgentPayload = builder.objectRef<{ deletedAgentId: string | null; errors: UserErrorShape[] }>('DeleteAgentPayload').implement({
  description: 'What `deleteAgent` answers.',
  fields: (t) => ({
    deletedAgentId: t.exposeID('deletedAgentId', { nullable: true, description: 'The `Agent.id` that was deleted, with its tokens; null when `errors` is not empty.' }),
    errors: t.expose('errors', USER_ERRORS_FIELD),
  }),
});

builder.mutationFields((t) => ({
  registerAgent: t.field({
    type: RegisterAgentPayload,
    description: 'Registers an agent with a project (Maintainer). `POST /projects/:id/cluster_agents`.',
    args: { input: t.arg({ type: RegisterAgentInput, required: true, description: 'The project and the name.' }) },
    resolve: async (_root, { input }, { loaders }) => {
      const project = parseProjectKey(String(input.projectId), 'projectId');
      const fields = { name: 'name' } as const;
      const outcome =
        rejected(agentNameProblems(input.name), fields) ??
        (await runWrite('registerAgent', () => loaders.api.registerAgent(project, input.name), fields, `look for the agent with project(id: "${input.projectId}") { agent(name: "${input.name}") { id } }`));
      if (outcome.ok) loaders.primeNewAgent(outcome.ok);
      return { agent: outcome.ok, errors: outcome.errors };
    },
  }),
  deleteAgent: t.field({
    type: DeleteAgentPayload,
    description: 'Deletes an agent with its tokens and URL configuration (Maintainer). `DELETE /projects/:id/cluster_agents/:agent_id`.',
    args: { input: t.arg({ type: DeleteAgentInput, required: true, description: 'The agent.' }) },
    resolve: async (_root, { input }, { loaders }) => {
      const { projectId, agentId } = parseGlobalId(String(input.id), 'Agent', 'id');
      const outcome = await runWrite('delete', () => loaders.api.deleteAgent(projectId, agentId), {}, `query node(id: "${input.id}") to see whether it still exists`);
      return { deletedAgentId: outcome.errors.length ? null : globalIdOf('Agent', { projectId, agentId }), errors: outcome.errors };
    },
  }),
}));
