import type { Seed, SeedAgent, SeedGroup, SeedProject, SeedToken, SeedUrlConfiguration, SeedUser } from './seed.js';

const codePointOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `ORDER BY name` under each collation, for names of `[a-z0-9-]`. */
const NAME_ORDER: Record<NonNullable<Seed['collation']>, (a: SeedAgent, b: SeedAgent) => number> = {
  C: (a, b) => codePointOrder(a.name, b.name),
  'en_US.UTF-8': (a, b) => codePointOrder(a.name.replaceAll('-', ''), b.name.replaceAll('-', '')) || codePointOrder(a.name, b.name),
};

/** `order(last_used_at: :desc).nulls_last`; GitLab adds no tie-break, the table's creation order shows through. */
const byLastUse = (a: SeedToken, b: SeedToken) => {
  if (a.last_used_at === b.last_used_at) return a.id - b.id;
  if (a.last_used_at === null) return 1;
  if (b.last_used_at === null) return -1;
  return a.last_used_at < b.last_used_at ? 1 : -1;
};

/**
 * The simulator's mutable data, open to tests: they may read and change the
 * arrays directly. The methods are the lookups and orderings GitLab's
 * finders use, so tests can compute the answers they expect.
 */
export class SimState {
  users: SeedUser[];
  groups: SeedGroup[];
  projects: SeedProject[];
  agents: SeedAgent[];
  tokens: SeedToken[];
  urlConfigurations: SeedUrlConfiguration[];
  receptiveAgentsEnabled: boolean;
  /** The instance time zone every timestamp is rendered in (seed `timeZone`); UTC when undefined. */
  timeZone: string | undefined;
  private readonly byName: (a: SeedAgent, b: SeedAgent) => number;
  private nextId: number;

  constructor(seed: Seed) {
    const copy = structuredClone(seed);
    this.users = copy.users;
    this.groups = copy.groups;
    this.projects = copy.projects;
    this.agents = copy.agents;
    this.tokens = copy.tokens;
    this.urlConfigurations = copy.urlConfigurations;
    this.receptiveAgentsEnabled = copy.receptiveAgentsEnabled ?? false;
    this.timeZone = copy.timeZone;
    this.byName = NAME_ORDER[copy.collation ?? 'C'];
    // One sequence for every table, so an id of the wrong kind never finds anything by accident.
    const ids = [...this.agents, ...this.tokens, ...this.urlConfigurations].map((r) => r.id);
    this.nextId = Math.max(1000, ...ids) + 1;
  }

  newId(): number {
    return this.nextId++;
  }

  userByToken(token: string): SeedUser | undefined {
    return this.users.find((u) => u.tokens.includes(token));
  }

  /** The group and its ancestors, root first. */
  groupChain(groupId: number): SeedGroup[] {
    const chain: SeedGroup[] = [];
    for (let g = this.groups.find((x) => x.id === groupId); g; g = g.parent_id === null ? undefined : this.groups.find((x) => x.id === g!.parent_id)) {
      chain.unshift(g);
    }
    return chain;
  }

  fullPath(project: SeedProject): string {
    return [...this.groupChain(project.namespace_id).map((g) => g.path), project.path].join('/');
  }

  project(id: number): SeedProject | undefined {
    return this.projects.find((p) => p.id === id);
  }

  /** `find_by_full_path`: case-insensitive. */
  projectByPath(fullPath: string): SeedProject | undefined {
    const wanted = fullPath.toLowerCase();
    return this.projects.find((p) => this.fullPath(p).toLowerCase() === wanted);
  }

  /** The redirect routes a rename leaves behind, also case-insensitive. */
  projectByPreviousPath(fullPath: string): SeedProject | undefined {
    const wanted = fullPath.toLowerCase();
    return this.projects.find((p) => p.previous_paths?.some((old) => old.toLowerCase() === wanted));
  }

  /** AgentsFinder: the project's agents ordered by name, under the seed's collation. */
  agentsOf(projectId: number): SeedAgent[] {
    return this.agents.filter((a) => a.project_id === projectId).sort(this.byName);
  }

  /** `agent.active_agent_tokens`: active only, last used first, never used last. */
  activeTokensOf(agentId: number): SeedToken[] {
    return this.tokens.filter((t) => t.agent_id === agentId && t.status === 'active').sort(byLastUse);
  }

  urlConfigurationOf(agentId: number): SeedUrlConfiguration | undefined {
    return this.urlConfigurations.find((c) => c.agent_id === agentId);
  }

  /** The database cascades an agent's deletion to its tokens and URL configuration. */
  deleteAgent(agentId: number): void {
    this.agents = this.agents.filter((a) => a.id !== agentId);
    this.tokens = this.tokens.filter((t) => t.agent_id !== agentId);
    this.urlConfigurations = this.urlConfigurations.filter((c) => c.agent_id !== agentId);
  }
}
