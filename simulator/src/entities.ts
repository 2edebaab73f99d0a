import { accessLevel, memberships } from './auth.js';
import type { ApiRequest } from './context.js';
import { inTimeZone, inTimeZoneOrNull } from './locale-time.js';
import { ACCESS } from './seed.js';
import type { SeedAgent, SeedProject, SeedToken, SeedUrlConfiguration } from './seed.js';
import type { SimState } from './state.js';

/**
 * GitLab's REST entities (lib/api/entities/**): every key present, nil as
 * null, keys in GitLab's order, timestamps in the instance time zone.
 */

/** The notification level GitLab reports for a member who never changed it ("global"). */
const GLOBAL_NOTIFICATIONS = 3;

/** Entities::ProjectIdentity, which is also an agent's `config_project`. */
export function projectIdentity(state: SimState, p: SeedProject) {
  const groups = state.groupChain(p.namespace_id);
  return {
    id: p.id,
    description: p.description,
    name: p.name,
    name_with_namespace: [...groups.map((g) => g.name), p.name].join(' / '),
    path: p.path,
    path_with_namespace: state.fullPath(p),
    created_at: inTimeZone(p.created_at, state.timeZone),
  };
}

/**
 * Entities::ProjectWithAccess, trimmed to the fields a gateway could use.
 * `default_branch`, `readme_url` and `forks_count` need `read_code`, which a
 * Guest of a private project lacks.
 */
export function projectWithAccess(req: ApiRequest, p: SeedProject) {
  const { state, publicUrl } = req;
  const fullPath = state.fullPath(p);
  const webUrl = `${publicUrl}/${fullPath}`;
  const apiUrl = `${publicUrl}/api/v4/projects/${p.id}`;
  const groups = state.groupChain(p.namespace_id);
  const group = groups.at(-1);
  const readsCode = p.visibility !== 'private' || accessLevel(req, p) >= ACCESS.reporter;
  const defaultBranch = p.default_branch ?? 'main';
  const held = memberships(req, p);
  const access = (level: number | undefined) => (level === undefined ? null : { access_level: level, notification_level: GLOBAL_NOTIFICATIONS });
  return {
    ...projectIdentity(state, p),
    ...(readsCode ? { default_branch: defaultBranch } : {}),
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${new URL(publicUrl).hostname}:${fullPath}.git`,
    http_url_to_repo: `${webUrl}.git`,
    web_url: webUrl,
    ...(readsCode ? { readme_url: `${webUrl}/-/blob/${defaultBranch}/README.md`, forks_count: 0 } : {}),
    avatar_url: null,
    star_count: 0,
    last_activity_at: inTimeZone(p.created_at, state.timeZone),
    namespace: {
      id: p.namespace_id,
      name: group?.name ?? '',
      path: group?.path ?? '',
      kind: 'group',
      full_path: groups.map((g) => g.path).join('/'),
      parent_id: group?.parent_id ?? null,
      avatar_url: null,
      web_url: `${publicUrl}/groups/${groups.map((g) => g.path).join('/')}`,
    },
    _links: {
      self: apiUrl,
      issues: `${apiUrl}/issues`,
      merge_requests: `${apiUrl}/merge_requests`,
      repo_branches: `${apiUrl}/repository/branches`,
      labels: `${apiUrl}/labels`,
      events: `${apiUrl}/events`,
      members: `${apiUrl}/members`,
      cluster_agents: `${apiUrl}/cluster_agents`,
    },
    empty_repo: false,
    archived: false,
    visibility: p.visibility,
    open_issues_count: 0,
    permissions: { project_access: access(held.project), group_access: access(held.group) },
  };
}

/**
 * Entities::Clusters::Agent, given its project's identity (the same for a
 * whole list), with EE's `is_receptive` (ee/lib/ee/api/entities/clusters/agent.rb),
 * which is true while the agent has a URL configuration.
 */
export function agent(state: SimState, a: SeedAgent, configProject: ReturnType<typeof projectIdentity>) {
  return {
    id: a.id,
    name: a.name,
    config_project: configProject,
    created_at: inTimeZone(a.created_at, state.timeZone),
    created_by_user_id: a.created_by_user_id,
    is_receptive: state.urlConfigurationOf(a.id) !== undefined,
  };
}

/** Entities::Clusters::AgentTokenBasic: what lists show, without `last_used_at`. */
export function tokenBasic(state: SimState, t: SeedToken) {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    agent_id: t.agent_id,
    status: t.status,
    created_at: inTimeZone(t.created_at, state.timeZone),
    created_by_user_id: t.created_by_user_id,
  };
}

/** Entities::Clusters::AgentToken: the single GET. */
export function token(state: SimState, t: SeedToken) {
  return { ...tokenBasic(state, t), last_used_at: inTimeZoneOrNull(t.last_used_at, state.timeZone) };
}

/** Entities::Clusters::AgentUrlConfiguration (newest EE): raw PEM certificates, the key never. */
export function urlConfiguration(c: SeedUrlConfiguration) {
  return {
    id: c.id,
    agent_id: c.agent_id,
    url: c.url,
    public_key: c.public_key,
    client_cert: c.client_cert,
    ca_cert: c.ca_cert,
    tls_host: c.tls_host,
  };
}
