import DataLoader from 'dataloader';
import { MAX_PER_PAGE } from '../offset-pagination.js';
import type { Page, PageRequest } from '../offset-pagination.js';
import type { GitLabApi } from './gitlab-api.js';
import { missingRecord } from './not-found.js';
import type { Agent, AgentKey, AgentToken, ProjectDetails, ProjectIdentity, ProjectKey, TokenKey, UrlConfiguration, UrlConfigurationKey } from './models.js';

interface AgentLookup {
  project: ProjectKey;
  agentId: number;
}

/** One cache key for a project, whether it was named by id or by (case-insensitive) full path. */
function projectCacheKey(project: ProjectKey): string {
  return typeof project === 'number' ? String(project) : project.toLowerCase();
}

/**
 * GitLab has no batch endpoints, so a loader's worth is that no call is made
 * twice in one request. The calls of one batch go out together, but each key
 * settles when its own call does: DataLoader resolves a key with the value
 * the batch gives it, and a promise given there is adopted by that key alone.
 * Awaiting them all first would hold 19 token lists back until the slowest of
 * 20 arrived.
 */
function loader<K, V>(cacheKey: (key: K) => string, fetch: (key: K) => Promise<V>): DataLoader<K, V, string> {
  return new DataLoader<K, V, string>((keys) => Promise.resolve(keys.map((key) => fetch(key)) as unknown as V[]), { cacheKeyFn: cacheKey });
}

const agentKey = (k: AgentKey) => `${k.projectId}/${k.agentId}`;
const agentLookupKey = (k: AgentLookup) => `${projectCacheKey(k.project)}/${k.agentId}`;
const pageKey = (k: PageRequest) => `${k.page}x${k.perPage}`;

/**
 * The DataLoaders of one GraphQL request. They live on that request's context
 * and die with it, so nothing one caller loaded can reach another. Every list
 * response primes the loaders of what it holds.
 */
export class Loaders {
  private readonly projectIdentities = new Map<string, ProjectIdentity>();
  /** Agents known to have no tokens (just registered), whose token lists cost nothing. */
  private readonly agentsWithoutTokens = new Set<string>();

  readonly projectDetails = loader<ProjectKey, ProjectDetails>(projectCacheKey, async (key) => {
    const project = await this.api.getProject(key);
    this.primeProject(project);
    return project;
  });

  readonly agentPages = loader<{ project: ProjectKey } & PageRequest, Page<Agent>>(
    (k) => `${projectCacheKey(k.project)}@${pageKey(k)}`,
    async ({ project, ...page }) => {
      const result = await this.api.listAgents(project, page);
      for (const agent of result.items) this.primeProjectIdentity(agent.project);
      if (result.items.length) this.unprimedAgents.push(result.items);
      return result;
    },
  );

  private readonly agent = new DataLoader<AgentLookup, Agent, string>((keys) => this.loadAgents(keys), {
    cacheKeyFn: agentLookupKey,
  });
  /**
   * Listed agents not yet primed into `agent`: that waits for the first agent
   * looked up, as most requests that list agents look none up, and priming
   * costs a promise and a key each (~20 µs a page of 100).
   */
  private readonly unprimedAgents: Agent[][] = [];

  private readonly tokenPages = loader<AgentKey & PageRequest, Page<AgentToken>>(
    (k) => `${agentKey(k)}@${pageKey(k)}`,
    (k) => this.api.listTokens(k.projectId, k.agentId, k),
  );

  readonly token = loader<TokenKey, AgentToken>(
    (k) => `${agentKey(k)}/${k.tokenId}`,
    ({ projectId, agentId, tokenId }) => this.api.getToken(projectId, agentId, tokenId),
  );

  readonly urlConfigurations = loader<AgentKey, UrlConfiguration[]>(agentKey, async ({ projectId, agentId }) => {
    const list = await this.api.listUrlConfigurations(projectId, agentId);
    for (const config of list) this.urlConfiguration.prime({ projectId, agentId, id: config.databaseId }, config);
    return list;
  });

  readonly urlConfiguration = loader<UrlConfigurationKey, UrlConfiguration>(
    (k) => `${agentKey(k)}/${k.id}`,
    ({ projectId, agentId, id }) => this.api.getUrlConfiguration(projectId, agentId, id),
  );

  constructor(private readonly api: GitLabApi) {}

  loadAgent(key: AgentLookup): Promise<Agent> {
    for (const page of this.unprimedAgents.splice(0)) for (const agent of page) this.primeAgent(agent);
    return this.agent.load(key);
  }

  /** All agents asked for in one tick, grouped by project so each group costs the fewest calls. */
  private async loadAgents(keys: readonly AgentLookup[]): Promise<(Agent | Error)[]> {
    const groups = new Map<string, { project: ProjectKey; ids: Set<number> }>();
    for (const { project, agentId } of keys) {
      const group = groups.get(projectCacheKey(project)) ?? { project, ids: new Set<number>() };
      group.ids.add(agentId);
      groups.set(projectCacheKey(project), group);
    }
    const results = new Map<string, Agent | Error>();
    await Promise.all(
      [...groups.values()].map(async ({ project, ids }) => {
        for (const [agentId, result] of await this.loadAgentGroup(project, [...ids])) results.set(agentLookupKey({ project, agentId }), result);
      }),
    );
    return keys.map((key) => results.get(agentLookupKey(key))!);
  }

  /**
   * Several agents of one project: one or two cost a GET each; more cost the
   * project's agent list (100 a page), then single GETs or the remaining
   * pages for what the first page lacked, whichever is fewer.
   */
  private async loadAgentGroup(project: ProjectKey, ids: number[]): Promise<Map<number, Agent | Error>> {
    const single = (agentId: number) =>
      this.api.getAgent(project, agentId).then(
        (agent) => {
          this.primeProjectIdentity(agent.project);
          return agent;
        },
        (err: Error) => err,
      );
    const found = new Map<number, Agent | Error>();
    const settle = async (agentIds: number[]) => {
      const agents = await Promise.all(agentIds.map(single));
      agentIds.forEach((agentId, i) => found.set(agentId, agents[i]!));
    };
    if (ids.length <= 2) {
      await settle(ids);
      return found;
    }
    const take = (page: Page<Agent>) => {
      for (const agent of page.items) if (ids.includes(agent.databaseId)) found.set(agent.databaseId, agent);
    };
    try {
      const first = await this.agentListPage(project, 1);
      take(first);
      const missing = ids.filter((id) => !found.has(id));
      const remainingPages = first.total === null ? Infinity : Math.ceil(first.total / MAX_PER_PAGE) - 1;
      if (missing.length > 0 && first.hasNextPage) {
        if (missing.length <= remainingPages) await settle(missing);
        else (await this.restOfAgentList(project, first)).forEach(take);
      }
    } catch (err) {
      for (const id of ids) found.set(id, err as Error);
    }
    for (const id of ids) if (!found.has(id)) found.set(id, missingRecord(`agent ${id}`));
    return found;
  }

  /** A page of a project's agents at GitLab's largest page size. */
  private agentListPage(project: ProjectKey, page: number): Promise<Page<Agent>> {
    return this.agentPages.load({ project, page, perPage: MAX_PER_PAGE });
  }

  /** The pages after `first`, fetched together; none when GitLab gave no total (over 10,000 agents). */
  private restOfAgentList(project: ProjectKey, first: Page<Agent>): Promise<Page<Agent>[]> {
    const count = first.total === null ? 0 : Math.ceil(first.total / MAX_PER_PAGE) - 1;
    return Promise.all(Array.from({ length: count }, (_, i) => this.agentListPage(project, i + 2)));
  }

  /**
   * One agent by name. GitLab cannot filter agents by name, but lists them by
   * name under the database's collation, which follows the OS locale: `C`
   * sorts by code point ('-' first), glibc's locales ignore '-' until a tie.
   * So a name absent from the first page of 100 is known absent only if it
   * sorts before that page's last name both ways; else the rest are fetched together.
   */
  async agentByName(project: ProjectKey, name: string): Promise<Agent | null> {
    const first = await this.agentListPage(project, 1);
    const match = (items: Agent[]) => items.find((agent) => agent.name === name) ?? null;
    const last = first.items[first.items.length - 1];
    const withoutHyphens = (text: string) => text.replaceAll('-', '');
    const beforeLast = last !== undefined && name < last.name && withoutHyphens(name) < withoutHyphens(last.name);
    if (match(first.items) || !first.hasNextPage || beforeLast) return match(first.items);
    return match((await this.restOfAgentList(project, first)).flatMap((page) => page.items));
  }

  /** The seven identity fields of a project: free when any agent response already carried them. */
  projectIdentity(project: ProjectKey): Promise<ProjectIdentity> {
    const known = this.knownProjectIdentity(project);
    return known ? Promise.resolve(known) : this.projectDetails.load(project);
  }

  /** A project's identity fields, when a response has already carried them. */
  knownProjectIdentity(project: ProjectKey): ProjectIdentity | undefined {
    return this.projectIdentities.get(projectCacheKey(project));
  }

  /** The numeric id of a project, when a response has already told it. */
  knownProjectId(project: ProjectKey): number | undefined {
    return typeof project === 'number' ? project : this.knownProjectIdentity(project)?.id;
  }

  private primeProject(project: ProjectDetails): void {
    this.primeProjectIdentity(project);
    this.projectDetails.prime(project.id, project).prime(project.fullPath, project);
  }

  private primeProjectIdentity(project: ProjectIdentity): void {
    if (this.projectIdentities.has(String(project.id))) return;
    this.projectIdentities.set(String(project.id), project);
    this.projectIdentities.set(project.fullPath.toLowerCase(), project);
  }

  private primeAgent(agent: Agent): void {
    this.primeProjectIdentity(agent.project);
    this.agent.prime({ project: agent.projectId, agentId: agent.databaseId }, agent);
  }

  /** A freshly registered agent: its token list is known to be empty. */
  primeNewAgent(agent: Agent): void {
    this.primeAgent(agent);
    this.agentsWithoutTokens.add(agentKey({ projectId: agent.projectId, agentId: agent.databaseId }));
  }

  /** A page of an agent's tokens, answered without a call when the agent is known to have none. */
  loadTokenPage(key: AgentKey & PageRequest): Promise<Page<AgentToken>> {
    if (this.agentsWithoutTokens.has(agentKey(key))) {
      return Promise.resolve({ items: [], total: 0, page: key.page, perPage: key.perPage, hasNextPage: false });
    }
    return this.tokenPages.load(key);
  }

  /** A token whose every field, `lastUsedAt` included, is known (it came from a single GET or a create). */
  primeToken(token: AgentToken): void {
    this.token.prime({ projectId: token.projectId, agentId: token.agentId, tokenId: token.databaseId }, token);
  }

  /** An agent's one URL configuration, just created. */
  primeUrlConfiguration(agent: AgentKey, config: UrlConfiguration): void {
    this.urlConfigurations.prime(agent, [config]);
    this.urlConfiguration.prime({ ...agent, id: config.databaseId }, config);
  }
}
