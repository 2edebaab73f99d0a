import type { Page, PageRequest } from '../offset-pagination.js';
import type { Agent, AgentToken, ProjectDetails, ProjectIdentity, UrlConfiguration } from './models.js';
import type { RestResponse } from './gitlab-client.js';
import { globalIdOf } from '../global-id.js';

/**
 * GitLab's REST entities, as `lib/api/entities/clusters/*.rb` renders them.
 * Timestamps are kept as GitLab wrote them, offset included: an instance
 * renders them in its own time zone.
 */
interface RestProjectIdentity {
  id: number;
  description: string | null;
  name: string;
  name_with_namespace: string;
  path: string;
  path_with_namespace: string;
  created_at: string;
}

export interface RestProject extends RestProjectIdentity {
  web_url?: string | null;
}

export interface RestAgent {
  id: number;
  name: string;
  config_project: RestProjectIdentity;
  created_at: string;
  created_by_user_id: number | null;
  /** EE only (ee/lib/ee/api/entities/clusters/agent.rb); the gateway reads the URL configuration itself instead. */
  is_receptive?: boolean;
}

export interface RestAgentToken {
  id: number;
  name: string;
  description: string | null;
  agent_id: number;
  status: 'active' | 'revoked';
  created_at: string;
  created_by_user_id: number | null;
  last_used_at?: string | null;
  token?: string;
}

export interface RestUrlConfiguration {
  id: number;
  agent_id: number;
  url: string;
  public_key?: string | null;
  client_cert?: string | null;
  ca_cert?: string | null;
  tls_host?: string | null;
}

/**
 * The ids and paths that cache keys and global IDs are made of, checked as
 * they are read: a GitLab (or a proxy) answering another shape fails the call
 * here (UPSTREAM_UNAVAILABLE, src/datasources/gitlab-api.ts), not deep in a
 * loader or a resolver. Other fields are only passed on, and GraphQL's own
 * serialisation checks them.
 */
function id(value: number): number {
  if (!Number.isSafeInteger(value)) throw new TypeError('not an id');
  return value;
}

function text(value: string): string {
  if (typeof value !== 'string') throw new TypeError('not a string');
  return value;
}

function toProjectIdentity(p: RestProjectIdentity): ProjectIdentity {
  return {
    kind: 'Project',
    id: id(p.id),
    name: p.name,
    path: p.path,
    fullPath: text(p.path_with_namespace),
    nameWithNamespace: p.name_with_namespace,
    description: p.description,
    createdAt: p.created_at,
  };
}

export function toProjectDetails(p: RestProject): ProjectDetails {
  return { ...toProjectIdentity(p), webUrl: p.web_url ?? null };
}

export function toAgent(a: RestAgent): Agent {
  const project = toProjectIdentity(a.config_project);
  const databaseId = id(a.id);
  return {
    kind: 'Agent',
    id: globalIdOf('Agent', { projectId: project.id, agentId: databaseId }),
    projectId: project.id,
    databaseId,
    name: text(a.name),
    createdAt: a.created_at,
    createdByUserId: a.created_by_user_id,
    project,
  };
}

/** The secret (`token`) is deliberately not carried over: it is handed out once, by the create call. */
export function toAgentToken(projectId: number, t: RestAgentToken): AgentToken {
  const agentId = id(t.agent_id);
  const databaseId = id(t.id);
  return {
    kind: 'AgentToken',
    id: globalIdOf('AgentToken', { projectId, agentId, tokenId: databaseId }),
    projectId,
    agentId,
    databaseId,
    name: t.name,
    description: t.description,
    status: t.status,
    createdAt: t.created_at,
    createdByUserId: t.created_by_user_id,
    // undefined when a list left it out: `lastUsedAt` then costs the token's own GET. One shape either way, no spread.
    lastUsedAt: 'last_used_at' in t ? (t.last_used_at ?? null) : undefined,
  };
}

export function toUrlConfiguration(projectId: number, c: RestUrlConfiguration): UrlConfiguration {
  const agentId = id(c.agent_id);
  const databaseId = id(c.id);
  return {
    kind: 'UrlConfiguration',
    id: globalIdOf('UrlConfiguration', { projectId, agentId, id: databaseId }),
    projectId,
    agentId,
    databaseId,
    url: c.url,
    publicKey: c.public_key ?? null,
    clientCert: c.client_cert ?? null,
    caCert: c.ca_cert ?? null,
    tlsHost: c.tls_host ?? null,
  };
}

function header(res: RestResponse<unknown>, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const MAX_INT = 2 ** 31 - 1;

/** A header that is a count GraphQL's Int can carry (no sign, exponent, hex or spaces, as `Number` would take), else null. */
function count(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,10}$/.test(value)) return null;
  const n = Number(value);
  return n <= MAX_INT ? n : null;
}

/** Reads GitLab's offset-pagination headers (`X-Total`, `X-Next-Page`, ...). */
export function toPage<R, T>(res: RestResponse<R[]>, requested: PageRequest, map: (item: R) => T): Page<T> {
  const next = header(res, 'x-next-page');
  const perPage = count(header(res, 'x-per-page'));
  return {
    items: res.body.map(map),
    // GitLab leaves X-Total out above 10,000 rows; anything but a count is as good as absent.
    total: count(header(res, 'x-total')),
    page: requested.page,
    perPage: perPage !== null && perPage > 0 ? perPage : requested.perPage,
    hasNextPage: next !== undefined && next !== '',
  };
}
