/**
 * What the gateway knows of GitLab's objects, in its own names. The REST JSON
 * shapes stay in `rest-mapping.ts`; everything above the datasources sees only
 * these. `kind` lets the schema tell the types apart without looking at shapes.
 */

/** A project as GitLab's `:id` takes it: numeric id or full path. */
export type ProjectKey = number | string;

/** The seven fields every agent response embeds as `config_project`. */
export interface ProjectIdentity {
  kind: 'Project';
  id: number;
  name: string;
  path: string;
  fullPath: string;
  nameWithNamespace: string;
  description: string | null;
  createdAt: string;
}

/** What only `GET /projects/:id` has. */
export interface ProjectDetails extends ProjectIdentity {
  webUrl: string | null;
}

/**
 * The global ID an object answers as its `id`, made when the object is:
 * graphql-jit reads a plain property inline, where an `id` resolver cost
 * every listed object a resolver call, its resolve info and its path (~550 B
 * allocated, docs/benchmarks.md).
 */
type GlobalId = string;

export interface Agent {
  kind: 'Agent';
  id: GlobalId;
  projectId: number;
  databaseId: number;
  name: string;
  createdAt: string;
  createdByUserId: number | null;
  project: ProjectIdentity;
}

type AgentTokenStatus = 'active' | 'revoked';

export interface AgentToken {
  kind: 'AgentToken';
  id: GlobalId;
  projectId: number;
  agentId: number;
  databaseId: number;
  name: string;
  description: string | null;
  status: AgentTokenStatus;
  createdAt: string;
  createdByUserId: number | null;
  /** `undefined` when the response did not carry it (list items never do). */
  lastUsedAt?: string | null;
}

export interface UrlConfiguration {
  kind: 'UrlConfiguration';
  id: GlobalId;
  projectId: number;
  agentId: number;
  databaseId: number;
  url: string;
  publicKey: string | null;
  clientCert: string | null;
  caCert: string | null;
  tlsHost: string | null;
}

/** An agent's address: the numbers of its REST path. */
export interface AgentKey {
  projectId: number;
  agentId: number;
}

export interface TokenKey extends AgentKey {
  tokenId: number;
}

export interface UrlConfigurationKey extends AgentKey {
  id: number;
}

/** A receptive agent's endpoint and, for mTLS, its certificates, as the caller gives them. */
export interface NewUrlConfiguration {
  url: string;
  clientCert?: string | null;
  clientKey?: string | null;
  caCert?: string | null;
  tlsHost?: string | null;
}
