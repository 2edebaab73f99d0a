import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, fail } from './responses.js';
import { ACCESS } from './seed.js';
import type { SeedAgent, SeedProject, SeedUser } from './seed.js';
import type { SimState } from './state.js';

/** One authenticated API request, with what the route matched. */
export interface ApiRequest {
  method: string;
  /** Path below /api/v4, still URL-encoded, e.g. `/projects/g%2Fp/cluster_agents`. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  user: SeedUser;
  state: SimState;
  publicUrl: string;
}

/** The token a request carries, from any of the places GitLab looks (gitlab-behaviour.md 1.6). */
export function tokenOf(headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined {
  const privateToken = headers['private-token'];
  if (typeof privateToken === 'string' && privateToken) return privateToken;
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (match) return match[1];
  return query.get('private_token') ?? undefined;
}

export function accessLevel(user: SeedUser, project: SeedProject): number {
  if (user.admin) return ACCESS.owner;
  return project.members[String(user.id)] ?? 0;
}

/**
 * `user_project`: numeric ids and full paths (case-insensitive), a renamed
 * project's old path answered with 301 on GET and 405 otherwise, anything
 * the user cannot see as `404 Project Not Found`.
 */
export function userProject(req: ApiRequest): SeedProject {
  const id = decodeURIComponent(req.params.id ?? '');
  const { state } = req;
  let project: SeedProject | undefined;
  if (/^-?\d+$/.test(id)) {
    project = state.projects.find((p) => p.id === Number(id));
  } else if (id.includes('/')) {
    project = state.projects.find((p) => state.fullPath(p).toLowerCase() === id.toLowerCase());
    const moved = project ? undefined : state.projects.find((p) => p.previousPaths?.some((old) => old.toLowerCase() === id.toLowerCase()));
    if (moved && visible(req.user, moved)) {
      if (req.method !== 'GET') throw fail.movedNonGet();
      const rest = req.path.replace(/^\/projects\/[^/]+/, '');
      const search = req.query.toString();
      throw new ApiError(301, { message: '301 Moved Permanently' }, { location: `${req.publicUrl}/api/v4/projects/${moved.id}${rest}${search ? `?${search}` : ''}` });
    }
  }
  if (!project || !visible(req.user, project)) throw fail.notFound('Project');
  return project;
}

function visible(user: SeedUser, project: SeedProject): boolean {
  return project.visibility !== 'private' || accessLevel(user, project) >= ACCESS.guest;
}

/** Grape's Integer coercion of a route param. */
export function integerParam(req: ApiRequest, name: string): number {
  const raw = req.params[name] ?? '';
  if (!/^\d+$/.test(raw)) throw fail.param([`${name} is invalid`]);
  return Number(raw);
}

/** `authorize!`: below the role, 403. */
export function authorize(req: ApiRequest, project: SeedProject, minimum: number): void {
  if (accessLevel(req.user, project) < minimum) throw fail.forbidden();
}

/** AgentsFinder: scoped to the project, `none` below Developer; a miss is `404 Not found`. */
export function findAgent(req: ApiRequest, project: SeedProject, agentId: number): SeedAgent {
  if (accessLevel(req.user, project) < ACCESS.developer) throw fail.recordNotFound();
  const agent = req.state.agents.find((a) => a.id === agentId && a.project_id === project.id);
  if (!agent) throw fail.recordNotFound();
  return agent;
}

/** A required string param: Grape's `requires` checks only that the key is there. */
export function requiredString(req: ApiRequest, name: string): string {
  const value = req.body[name];
  if (value === undefined || value === null) throw fail.param([`${name} is missing`]);
  return String(value);
}

export function optionalString(req: ApiRequest, name: string): string | null {
  const value = req.body[name];
  return value === undefined || value === null ? null : String(value);
}

/** `destroy_conditionally!`: an If-Unmodified-Since older than the record's update is 412. */
export function checkUnmodifiedSince(req: ApiRequest, updatedAt: string): void {
  const header = req.headers['if-unmodified-since'];
  if (typeof header !== 'string') return;
  const since = Date.parse(header);
  if (!Number.isNaN(since) && since < Math.floor(Date.parse(updatedAt) / 1000) * 1000) throw fail.preconditionFailed();
}
