import { accessLevel, authorize, checkUnmodifiedSince, findAgent, integerParam, requiredString, userProject } from '../context.js';
import type { ApiRequest } from '../context.js';
import { agent as agentEntity } from '../entities.js';
import { pageParams, paginate } from '../pagination.js';
import { created, fail, noContent, ok } from '../responses.js';
import type { SimResponse } from '../responses.js';
import { ACCESS } from '../seed.js';

const AGENT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** GET /projects/:id/cluster_agents */
export function listAgents(req: ApiRequest): SimResponse {
  const params = pageParams(req.query);
  const project = userProject(req);
  if (accessLevel(req.user, project) < ACCESS.developer) throw fail.notFound('ClusterAgents');
  const rows = req.state.agentsOf(project.id);
  const { items, headers } = paginate(rows, params, `${req.publicUrl}/api/v4${req.path}`, {
    ...Object.fromEntries(req.query),
    id: decodeURIComponent(req.params.id!),
  });
  return ok(
    items.map((a) => agentEntity(req.state, a, project)),
    headers,
  );
}

/** GET /projects/:id/cluster_agents/:agent_id */
export function getAgent(req: ApiRequest): SimResponse {
  const agentId = integerParam(req, 'agent_id');
  const project = userProject(req);
  return ok(agentEntity(req.state, findAgent(req, project, agentId), project));
}

/** POST /projects/:id/cluster_agents: Clusters::Agents::CreateService and the model's validations, in declaration order. */
export function registerAgent(req: ApiRequest): SimResponse {
  const name = requiredString(req, 'name');
  const project = userProject(req);
  authorize(req, project, ACCESS.maintainer);
  const problems: string[] = [];
  if (name.trim() === '') problems.push("Name can't be blank");
  if (name.length > 63) problems.push('Name is too long (maximum is 63 characters)');
  if (req.state.agents.some((a) => a.project_id === project.id && a.name === name)) problems.push('Name has already been taken');
  if (!AGENT_NAME.test(name)) problems.push("Name can contain only lowercase letters, digits, and '-', but cannot start or end with '-'");
  if (problems.length > 0) throw fail.badRequest(problems);
  const agent = { id: req.state.newId(), project_id: project.id, name, created_at: new Date().toISOString(), created_by_user_id: req.user.id };
  req.state.agents.push(agent);
  return created(agentEntity(req.state, agent, project));
}

/** DELETE /projects/:id/cluster_agents/:agent_id: admin_cluster first, then the finder. */
export function deleteAgent(req: ApiRequest): SimResponse {
  const agentId = integerParam(req, 'agent_id');
  const project = userProject(req);
  authorize(req, project, ACCESS.maintainer);
  const agent = findAgent(req, project, agentId);
  checkUnmodifiedSince(req, agent.created_at);
  req.state.deleteAgent(agent.id);
  return noContent();
}
