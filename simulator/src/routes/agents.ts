import { accessLevel, authorize } from '../auth.js';
import type { ApiRequest } from '../context.js';
import { agent as agentEntity, projectIdentity } from '../entities.js';
import { findAgent, userProject } from '../finders.js';
import { pageParams, paginate } from '../pagination.js';
import { Params } from '../params.js';
import { checkUnmodifiedSince } from '../preconditions.js';
import { created, fail, noContent, ok } from '../responses.js';
import type { SimResponse } from '../responses.js';
import { ACCESS } from '../seed.js';
import type { SeedProject } from '../seed.js';
import type { SimState } from '../state.js';
import { fullMessage } from '../locale.js';
import type { Language } from '../locale.js';
import { maximumLength, presence } from '../validations.js';

/** Gitlab::Regex.cluster_agent_name_regex */
const AGENT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Clusters::Agent's `validates :name` (presence, length, uniqueness per project, format), in declaration order. */
function nameErrors(language: Language, state: SimState, project: SeedProject, name: string | null): string[] {
  const taken = name !== null && state.agents.some((a) => a.project_id === project.id && a.name === name);
  return [
    ...presence(language, 'Name', name),
    ...maximumLength(language, 'Name', name, 63),
    ...(taken ? [fullMessage(language, 'Name', 'has already been taken')] : []),
    ...(AGENT_NAME.test(name ?? '') ? [] : ["Name can contain only lowercase letters, digits, and '-', but cannot start or end with '-'"]),
  ];
}

/** GET /projects/:id/cluster_agents: below Developer the whole list is a 404. */
export function listAgents(req: ApiRequest): SimResponse {
  const params = new Params(req);
  const page = pageParams(params);
  params.check();
  const project = userProject(req);
  if (accessLevel(req, project) < ACCESS.developer) throw fail.notFound('ClusterAgents');
  const { items, headers } = paginate(req, req.state.agentsOf(project.id), page, { id: req.route.id! });
  const configProject = projectIdentity(req.state, project);
  return ok(
    items.map((a) => agentEntity(req.state, a, configProject)),
    headers,
  );
}

/** GET /projects/:id/cluster_agents/:agent_id */
export function getAgent(req: ApiRequest): SimResponse {
  const params = new Params(req);
  const agentId = params.integer('agent_id');
  params.check();
  const project = userProject(req);
  return ok(agentEntity(req.state, findAgent(req, project, agentId), projectIdentity(req.state, project)));
}

/** POST /projects/:id/cluster_agents: `authorize! :create_cluster`, then Clusters::Agents::CreateService. */
export function registerAgent(req: ApiRequest): SimResponse {
  const params = new Params(req);
  const name = params.requiredString('name');
  params.check();
  const project = userProject(req);
  authorize(req, project, ACCESS.maintainer);
  const errors = nameErrors(req.user.preferred_language, req.state, project, name);
  if (errors.length > 0) throw fail.badRequest(errors);
  const now = new Date().toISOString();
  const agent = { id: req.state.newId(), project_id: project.id, name: name!, created_at: now, updated_at: now, created_by_user_id: req.user.id };
  req.state.agents.push(agent);
  return created(agentEntity(req.state, agent, projectIdentity(req.state, project)));
}

/** DELETE /projects/:id/cluster_agents/:agent_id: `admin_cluster` before the lookup, then `destroy_conditionally!`. */
export function deleteAgent(req: ApiRequest): SimResponse {
  const params = new Params(req);
  const agentId = params.integer('agent_id');
  params.check();
  const project = userProject(req);
  authorize(req, project, ACCESS.maintainer);
  const agent = findAgent(req, project, agentId);
  checkUnmodifiedSince(req, agent.updated_at ?? agent.created_at);
  req.state.deleteAgent(agent.id);
  return noContent();
}
