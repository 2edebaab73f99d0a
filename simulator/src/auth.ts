import type { IncomingHttpHeaders } from 'node:http';
import { fail } from './responses.js';
import type { ApiRequest } from './context.js';
import { ACCESS } from './seed.js';
import type { SeedProject } from './seed.js';

/** Who asks, and of which data. */
type Caller = Pick<ApiRequest, 'state' | 'user'>;

/** A header with a non-empty value (GitLab reads them with `.presence`). */
const presentHeader = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * The token a request carries, looked for where GitLab looks and in its order
 * (lib/gitlab/auth/auth_finders.rb): `private_token` param, `PRIVATE-TOKEN` header,
 * then OAuth-style `Authorization: Bearer`, `access_token` param, or HTTP
 * Basic with the token as password.
 */
export function tokenOf(headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined {
  const direct = query.get('private_token') || presentHeader(headers, 'private-token');
  if (direct) return direct;
  const authorization = presentHeader(headers, 'authorization');
  const bearer = authorization && /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) return bearer[1];
  const oauth = query.get('access_token');
  if (oauth) return oauth;
  const basic = authorization && /^Basic\s+(\S+)\s*$/i.exec(authorization);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1) || undefined;
}

/** The levels a user holds in a project: directly, and the highest through the group chain (ProjectWithAccess `permissions`). */
export function memberships({ state, user }: Caller, project: SeedProject): { project: number | undefined; group: number | undefined } {
  const key = String(user.id);
  const fromGroups = state
    .groupChain(project.namespace_id)
    .map((g) => g.members?.[key])
    .filter((level): level is number => level !== undefined);
  return { project: project.members?.[key], group: fromGroups.length > 0 ? Math.max(...fromGroups) : undefined };
}

/** The effective role; instance admins have every ability, as an Owner would. */
export function accessLevel(caller: Caller, project: SeedProject): number {
  if (caller.user.admin) return ACCESS.owner;
  const held = memberships(caller, project);
  return Math.max(held.project ?? 0, held.group ?? 0);
}

/** `read_project`: public to anyone, internal to any signed-in user, private to members. */
export function canReadProject(caller: Caller, project: SeedProject): boolean {
  return project.visibility !== 'private' || accessLevel(caller, project) >= ACCESS.guest;
}

/** `authorize!`: below the role, 403. */
export function authorize(caller: Caller, project: SeedProject, minimum: number): void {
  if (accessLevel(caller, project) < minimum) throw fail.forbidden();
}
