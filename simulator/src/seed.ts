/** The simulator's data, as plain JSON: a seed file is exactly this shape. */

/** GitLab's access levels (gitlab-behaviour.md 4). */
export const ACCESS = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;

export interface SeedUser {
  id: number;
  username: string;
  name: string;
  /** Personal access tokens that authenticate as this user. */
  tokens: string[];
  admin?: boolean;
}

export interface SeedProject {
  id: number;
  name: string;
  path: string;
  /** Full path of the namespace, e.g. `group/sub`. */
  namespace: string;
  /** Display name of the namespace chain, e.g. `Group / Sub`. */
  namespaceName: string;
  description: string | null;
  created_at: string;
  visibility: 'private' | 'internal' | 'public';
  /** user id → access level. */
  members: Record<string, number>;
  /** Old full paths that redirect here (renamed projects). */
  previousPaths?: string[];
}

export interface SeedAgent {
  id: number;
  project_id: number;
  name: string;
  created_at: string;
  created_by_user_id: number | null;
}

export interface SeedToken {
  id: number;
  agent_id: number;
  name: string;
  description: string | null;
  status: 'active' | 'revoked';
  created_at: string;
  created_by_user_id: number | null;
  last_used_at: string | null;
}

export interface SeedUrlConfiguration {
  id: number;
  agent_id: number;
  url: string;
  public_key: string | null;
  client_cert: string | null;
  /** Stored, never returned. */
  client_key: string | null;
  ca_cert: string | null;
  tls_host: string | null;
}

export interface Seed {
  users: SeedUser[];
  projects: SeedProject[];
  agents: SeedAgent[];
  tokens: SeedToken[];
  urlConfigurations: SeedUrlConfiguration[];
  /** The instance setting `receptive_cluster_agents_enabled` (GitLab's default is false). */
  receptiveAgentsEnabled?: boolean;
}
