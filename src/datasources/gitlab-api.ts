import { RequestCallBudget } from './call-budget.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import type { CallContext, GitLabClient, HttpMethod, RestRequest } from './gitlab-client.js';
import type { Page, PageRequest } from '../offset-pagination.js';
import type { Agent, AgentToken, NewUrlConfiguration, ProjectDetails, ProjectKey, UrlConfiguration } from './models.js';
import { toAgent, toAgentToken, toPage, toProjectDetails, toUrlConfiguration } from './rest-mapping.js';
import type { RestAgent, RestAgentToken, RestProject, RestUrlConfiguration } from './rest-mapping.js';

/** What one GraphQL request's REST calls may take of GitLab. */
export interface CallLimits {
  /** In flight at once. */
  maxConcurrentCalls: number;
  /** In all, attempts and redirects included. */
  maxRestCalls: number;
}

const seg = (value: ProjectKey): string => encodeURIComponent(String(value));

/**
 * GitLab's cluster-agent REST API, one method per endpoint, bound to one
 * caller's credentials for the lifetime of one GraphQL request. This is the
 * only place that knows GitLab's paths.
 */
export class GitLabApi {
  private readonly limit: ConcurrencyLimit;
  private readonly caller: CallContext;

  constructor(
    private readonly client: GitLabClient,
    caller: CallContext,
    limits: CallLimits,
  ) {
    this.limit = new ConcurrencyLimit(limits.maxConcurrentCalls);
    this.caller = { ...caller, budget: new RequestCallBudget(limits.maxRestCalls) };
  }

  private call<T>(method: HttpMethod, route: string, path: string, extra: Pick<RestRequest, 'query' | 'body'> = {}) {
    return this.limit.run(() => this.client.request<T>({ method, route, path, ...extra }, this.caller));
  }

  async getProject(project: ProjectKey): Promise<ProjectDetails> {
    const res = await this.call<RestProject>('GET', 'GET /projects/:id', `/projects/${seg(project)}`);
    return toProjectDetails(res.body);
  }

  async listAgents(project: ProjectKey, page: PageRequest): Promise<Page<Agent>> {
    const res = await this.call<RestAgent[]>('GET', 'GET /projects/:id/cluster_agents', `/projects/${seg(project)}/cluster_agents`, {
      query: { page: page.page, per_page: page.perPage },
    });
    return toPage(res, page, toAgent);
  }

  async getAgent(project: ProjectKey, agentId: number): Promise<Agent> {
    const res = await this.call<RestAgent>('GET', 'GET /projects/:id/cluster_agents/:agent_id', `/projects/${seg(project)}/cluster_agents/${agentId}`);
    return toAgent(res.body);
  }

  async registerAgent(project: ProjectKey, name: string): Promise<Agent> {
    const res = await this.call<RestAgent>('POST', 'POST /projects/:id/cluster_agents', `/projects/${seg(project)}/cluster_agents`, { body: { name } });
    return toAgent(res.body);
  }

  async deleteAgent(projectId: number, agentId: number): Promise<void> {
    await this.call('DELETE', 'DELETE /projects/:id/cluster_agents/:agent_id', `/projects/${projectId}/cluster_agents/${agentId}`);
  }

  async listTokens(projectId: number, agentId: number, page: PageRequest): Promise<Page<AgentToken>> {
    const res = await this.call<RestAgentToken[]>('GET', 'GET /projects/:id/cluster_agents/:agent_id/tokens', `/projects/${projectId}/cluster_agents/${agentId}/tokens`, {
      query: { page: page.page, per_page: page.perPage },
    });
    return toPage(res, page, (t) => toAgentToken(projectId, t));
  }

  async getToken(projectId: number, agentId: number, tokenId: number): Promise<AgentToken> {
    const res = await this.call<RestAgentToken>(
      'GET',
      'GET /projects/:id/cluster_agents/:agent_id/tokens/:token_id',
      `/projects/${projectId}/cluster_agents/${agentId}/tokens/${tokenId}`,
    );
    return toAgentToken(projectId, res.body);
  }

  /** The secret comes back beside the token, never inside it, so that no model ever holds it. */
  async createToken(projectId: number, agentId: number, input: { name: string; description?: string | null }): Promise<{ token: AgentToken; secret: string }> {
    const body: Record<string, unknown> = { name: input.name };
    if (input.description != null) body.description = input.description;
    const res = await this.call<RestAgentToken>('POST', 'POST /projects/:id/cluster_agents/:agent_id/tokens', `/projects/${projectId}/cluster_agents/${agentId}/tokens`, { body });
    return { token: toAgentToken(projectId, res.body), secret: res.body.token ?? '' };
  }

  async revokeToken(projectId: number, agentId: number, tokenId: number): Promise<void> {
    await this.call(
      'DELETE',
      'DELETE /projects/:id/cluster_agents/:agent_id/tokens/:token_id',
      `/projects/${projectId}/cluster_agents/${agentId}/tokens/${tokenId}`,
    );
  }

  async listUrlConfigurations(projectId: number, agentId: number): Promise<UrlConfiguration[]> {
    const res = await this.call<RestUrlConfiguration[]>(
      'GET',
      'GET /projects/:id/cluster_agents/:agent_id/url_configurations',
      `/projects/${projectId}/cluster_agents/${agentId}/url_configurations`,
    );
    return res.body.map((c) => toUrlConfiguration(projectId, c));
  }

  async getUrlConfiguration(projectId: number, agentId: number, id: number): Promise<UrlConfiguration> {
    const res = await this.call<RestUrlConfiguration>(
      'GET',
      'GET /projects/:id/cluster_agents/:agent_id/url_configurations/:url_configuration_id',
      `/projects/${projectId}/cluster_agents/${agentId}/url_configurations/${id}`,
    );
    return toUrlConfiguration(projectId, res.body);
  }

  /** Certificates and the key go as PEM text, as the current GitLab and its documentation take them. */
  async createUrlConfiguration(projectId: number, agentId: number, input: NewUrlConfiguration): Promise<UrlConfiguration> {
    const body: Record<string, unknown> = { url: input.url };
    if (input.clientCert != null) body.client_cert = input.clientCert;
    if (input.clientKey != null) body.client_key = input.clientKey;
    if (input.caCert != null) body.ca_cert = input.caCert;
    if (input.tlsHost != null) body.tls_host = input.tlsHost;
    const res = await this.call<RestUrlConfiguration>(
      'POST',
      'POST /projects/:id/cluster_agents/:agent_id/url_configurations',
      `/projects/${projectId}/cluster_agents/${agentId}/url_configurations`,
      { body },
    );
    return toUrlConfiguration(projectId, res.body);
  }

  async deleteUrlConfiguration(projectId: number, agentId: number, id: number): Promise<void> {
    await this.call(
      'DELETE',
      'DELETE /projects/:id/cluster_agents/:agent_id/url_configurations/:url_configuration_id',
      `/projects/${projectId}/cluster_agents/${agentId}/url_configurations/${id}`,
    );
  }
}
