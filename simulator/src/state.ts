import type { Seed, SeedAgent, SeedProject, SeedToken, SeedUrlConfiguration, SeedUser } from './seed.js';

/** The simulator's mutable data, with the orderings GitLab's finders use. */
export class SimState {
  users: SeedUser[];
  projects: SeedProject[];
  agents: SeedAgent[];
  tokens: SeedToken[];
  urlConfigurations: SeedUrlConfiguration[];
  receptiveAgentsEnabled: boolean;
  private nextId: number;

  constructor(seed: Seed) {
    const copy = structuredClone(seed);
    this.users = copy.users;
    this.projects = copy.projects;
    this.agents = copy.agents;
    this.tokens = copy.tokens;
    this.urlConfigurations = copy.urlConfigurations;
    this.receptiveAgentsEnabled = copy.receptiveAgentsEnabled ?? false;
    const ids = [...this.agents, ...this.tokens, ...this.urlConfigurations].map((r) => r.id);
    this.nextId = Math.max(1000, ...ids) + 1;
  }

  newId(): number {
    return this.nextId++;
  }

  userByToken(token: string): SeedUser | undefined {
    return this.users.find((u) => u.tokens.includes(token));
  }

  fullPath(project: SeedProject): string {
    return `${project.namespace}/${project.path}`;
  }

  /** AgentsFinder: ordered by name. */
  agentsOf(projectId: number): SeedAgent[] {
    return this.agents.filter((a) => a.project_id === projectId).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** `agent.active_agent_tokens`: last_used_at DESC NULLS LAST, then creation order. */
  activeTokensOf(agentId: number): SeedToken[] {
    return this.tokens
      .filter((t) => t.agent_id === agentId && t.status === 'active')
      .sort((a, b) => {
        if (a.last_used_at === b.last_used_at) return a.id - b.id;
        if (a.last_used_at === null) return 1;
        if (b.last_used_at === null) return -1;
        return a.last_used_at < b.last_used_at ? 1 : -1;
      });
  }

  urlConfigurationOf(agentId: number): SeedUrlConfiguration | undefined {
    return this.urlConfigurations.find((c) => c.agent_id === agentId);
  }

  deleteAgent(agentId: number): void {
    this.agents = this.agents.filter((a) => a.id !== agentId);
    this.tokens = this.tokens.filter((t) => t.agent_id !== agentId);
    this.urlConfigurations = this.urlConfigurations.filter((c) => c.agent_id !== agentId);
  }
}
