import type { SeedAgent, SeedProject, SeedToken, SeedUrlConfiguration } from './seed.js';
import type { SimState } from './state.js';

/** GitLab's REST entities (lib/api/entities/**), every key present, nil as null. */

export function projectIdentity(state: SimState, p: SeedProject) {
  return {
    id: p.id,
    description: p.description,
    name: p.name,
    name_with_namespace: `${p.namespaceName} / ${p.name}`,
    path: p.path,
    path_with_namespace: state.fullPath(p),
    created_at: p.created_at,
  };
}

export function projectWithAccess(state: SimState, p: SeedProject, publicUrl: string, accessLevel: number) {
  const fullPath = state.fullPath(p);
  const webUrl = `${publicUrl}/${fullPath}`;
  return {
    ...projectIdentity(state, p),
    default_branch: 'main',
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${new URL(publicUrl).host}:${fullPath}.git`,
    http_url_to_repo: `${webUrl}.git`,
    web_url: webUrl,
    readme_url: `${webUrl}/-/blob/main/README.md`,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: p.created_at,
    namespace: {
      id: p.id + 100_000,
      name: p.namespaceName.split(' / ').pop(),
      path: p.namespace.split('/').pop(),
      kind: 'group',
      full_path: p.namespace,
      parent_id: null,
      avatar_url: null,
      web_url: `${publicUrl}/groups/${p.namespace}`,
    },
    visibility: p.visibility,
    archived: false,
    empty_repo: false,
    permissions: {
      project_access: accessLevel > 0 && accessLevel <= 50 ? { access_level: accessLevel, notification_level: 3 } : null,
      group_access: null,
    },
  };
}

export function agent(state: SimState, a: SeedAgent, p: SeedProject) {
  return { id: a.id, name: a.name, config_project: projectIdentity(state, p), created_at: a.created_at, created_by_user_id: a.created_by_user_id };
}

export function tokenBasic(t: SeedToken) {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    agent_id: t.agent_id,
    status: t.status,
    created_at: t.created_at,
    created_by_user_id: t.created_by_user_id,
  };
}

export function token(t: SeedToken) {
  return { ...tokenBasic(t), last_used_at: t.last_used_at };
}

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
