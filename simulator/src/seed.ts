/**
 * The simulator's data as plain JSON: a seed file is exactly this shape, and
 * `SimState` holds the same records. Field names follow GitLab's columns.
 */

/** GitLab's access levels (lib/gitlab/access.rb). */
export const ACCESS = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;

/** User id (a JSON key, so a string) → access level. */
export type Members = Record<string, number>;

export interface SeedUser {
  id: number;
  username: string;
  name: string;
  /** Personal access tokens that authenticate as this user. */
  tokens: string[];
  /** An instance administrator: every ability on every project. */
  admin?: boolean;
  /** The language GitLab answers this user in (`de`, `fr`, …); English when unset. */
  preferred_language?: string;
}

export interface SeedGroup {
  id: number;
  name: string;
  path: string;
  /** The parent group, for subgroups. */
  parent_id: number | null;
  /** Group members; their level applies to every project below the group. */
  members?: Members;
}

export interface SeedProject {
  id: number;
  name: string;
  path: string;
  /** The group the project lives in; its full path is the group chain's paths plus `path`. */
  namespace_id: number;
  description: string | null;
  created_at: string;
  visibility: 'private' | 'internal' | 'public';
  /** Defaults to `main`. */
  default_branch?: string;
  /** Direct project members (group members are inherited on top). */
  members?: Members;
  /** Old full paths that still redirect here, as after a rename or transfer. */
  previous_paths?: string[];
}

export interface SeedAgent {
  id: number;
  project_id: number;
  name: string;
  created_at: string;
  /** What `If-Unmodified-Since` is compared with; defaults to `created_at`. */
  updated_at?: string;
  /** Null once the creating user is deleted (FK `on_delete: :nullify`). */
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
  /** Base64 of the raw 32-byte Ed25519 public key (JWT mode), else null. */
  public_key: string | null;
  /** PEM (certificate mode), else null. */
  client_cert: string | null;
  /** PEM; stored, never returned. */
  client_key: string | null;
  ca_cert: string | null;
  tls_host: string | null;
  /** What `If-Unmodified-Since` is compared with. */
  updated_at?: string;
}

export interface Seed {
  users: SeedUser[];
  groups: SeedGroup[];
  projects: SeedProject[];
  agents: SeedAgent[];
  tokens: SeedToken[];
  urlConfigurations: SeedUrlConfiguration[];
  /** The instance setting `receptive_cluster_agents_enabled` (GitLab's default is false). */
  receptiveAgentsEnabled?: boolean;
  /**
   * The instance's `time_zone` (gitlab.yml), an IANA name such as
   * `Europe/Berlin`: GitLab renders every timestamp in it, with its offset
   * (`2024-01-11T10:00:10.123+01:00`). UTC (`…Z`) when unset.
   */
  timeZone?: string;
  /**
   * The database collation agents are ordered by name under, which follows
   * the OS locale: `C` (the default) by code point; `en_US.UTF-8` as glibc
   * does, '-' ignored until two names tie without it.
   */
  collation?: 'C' | 'en_US.UTF-8';
}
