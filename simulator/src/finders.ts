import { accessLevel, canReadProject } from './auth.js';
import type { ApiRequest } from './context.js';
import { fail } from './responses.js';
import { ACCESS } from './seed.js';
import type { SeedAgent, SeedProject, SeedToken } from './seed.js';

/** lib/api/helpers.rb INTEGER_ID_REGEX */
const INTEGER_ID = /^-?\d+$/;

/**
 * `user_project` / `find_project!` (lib/api/helpers.rb): a numeric id, or a
 * full path (case-insensitive, following redirects); a bare word finds
 * nothing. The caller must be able to read it, else `404 Project Not Found`;
 * only then is an old path answered: 301 to the id URL on GET, 405 otherwise.
 */
export function userProject(req: ApiRequest): SeedProject {
  const id = req.route.id ?? '';
  const { state } = req;
  let project: SeedProject | undefined;
  let moved = false;
  if (INTEGER_ID.test(id)) {
    project = state.project(Number(id));
  } else if (id.includes('/')) {
    project = state.projectByPath(id);
    if (!project) {
      project = state.projectByPreviousPath(id);
      moved = project !== undefined;
    }
  }
  if (!project || !canReadProject(req, project)) throw fail.notFound('Project');
  if (moved) {
    // `request.get?`: even HEAD, which Grape otherwise routes as GET, is refused.
    if (req.method !== 'GET') throw fail.movedNonGet();
    // Rack's request.url with the id segment swapped: same path below it, same query.
    const rest = req.path.replace(/^\/projects\/[^/]+/, '');
    throw fail.moved(`${req.publicUrl}/api/v4/projects/${project.id}${rest}${req.search ? `?${req.search}` : ''}`);
  }
  return project;
}

/** AgentsFinder: scoped to the project and empty below Developer; `.find` missing is `404 Not found`. */
export function findAgent(req: ApiRequest, project: SeedProject, agentId: number): SeedAgent {
  const agent = accessLevel(req, project) >= ACCESS.developer ? req.state.agents.find((a) => a.id === agentId && a.project_id === project.id) : undefined;
  if (!agent) throw fail.recordNotFound();
  return agent;
}

/** AgentTokensFinder on the agent's tokens, with `status: :active` for reads and no filter for revocation. */
export function findToken(req: ApiRequest, agent: SeedAgent, tokenId: number, status?: SeedToken['status']): SeedToken {
  const token = req.state.tokens.find((t) => t.id === tokenId && t.agent_id === agent.id && (status === undefined || t.status === status));
  if (!token) throw fail.recordNotFound();
  return token;
}
