import { RequestCallBudget } from './call-budget.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { GitLabError } from './gitlab-client.js';
import type { CallContext, GitLabClient, HttpMethod, RestRequest, RestResponse } from './gitlab-client.js';
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

  /**
   * One REST call within the request's limits, its answer read by `read`.
   * An answer read that way is GitLab's own JSON: one that does not have the
   * documented shape (a proxy's JSON, an item without its project) throws in
   * `read`, and that is GitLab's failure, not the gateway's. A promise chain
   * rather than an async function, for what an async frame costs a call in
   * flight (`GitLabClient.exchange`).
   */
  private call<R, T = void>(
    method: HttpMethod,
    route: string,
    path: string,
    read: (res: RestResponse<R>) => T = () => undefined as T,
    extra: Pick<RestRequest, 'query' | 'body'> = {},
  ): Promise<T> {
    const req: RestRequest = { method, route, path, ...extra };
    const wait = this.limit.acquire();
    const answered = wait ? wait.then(() => this.client.request<R>(req, this.caller)) : this.client.request<R>(req, this.caller);
    return answered.then(
      (res) => {
        this.limit.release();
        try {
          return read(res);
        } catch {
          throw unexpectedShape(route, res.status);
        }
      },
      (err: unknown) => {
        this.limit.release();
        throw err;
      },
    );
  }

  getProject(project: ProjectKey): Promise<ProjectDetails> {
    return this.call<RestProject, ProjectDetails>('GET', 'GET /projects/:id', `/projects/${seg(project)}`, (res) => toProjectDetails(res.body));
  }

  listAgents(project: ProjectKey, page: PageRequest): Promise<Page<Agent>> {
    return this.call<RestAgent[], Page<Agent>>('GET', 'GET /projects/:id/cluster_agents', `/projects/${seg(project)}/cluster_agents`, (res) => toPage(res, page, toAgent), {
      query: { page: page.page, per_page: page.perPage },
    });
  }

  getAgent(project: ProjectKey, agentId: number): Promise<Agent> {
    return this.call<RestAgent, Agent>('GET', 'GET /projects/:id/cluster_agents/:agent_id', `/projects/${seg(project)}/cluster_agents/${agentId}`, (res) =>
      toAgent(res.body),
    );
  }

  registerAgent(project: ProjectKey, name: string): Promise<Agent> {
    return this.call<RestAgent, Agent>('POST', 'POST /projects/:id/cluster_agents', `/projects/${seg(project)}/cluster_agents`, (res) => toAgent(res.body), {
      body: { name },
    });
  }

  deleteAgent(projectId: number, agentId: number): Promise<void> {
    return this.call('DELETE', 'DELETE /projects/:id/cluster_agents/:agent_id', `/projects/${projectId}/cluster_agents/${agentId}`);
  }

  listTokens(projectId: number, agentId: number, page: PageRequest): Promise<Page<AgentToken>> {
    return this.call<RestAgentToken[], Page<AgentToken>>(
      'GET',
      'GET /projects/:id/cluster_agents/:agent_id/tokens',
      `/projects/${projectId}/cluster_agents/${agentId}/tokens`,
      (res) => toPage(res, page, (t) => toAgentToken(projectId, t)),
      { query: { page: page.page, per_page: page.perPage } },
    );
  }

  getToken(projectId: number, agentId: number, tokenId: number): Promise<AgentToken> {
    return this.call<RestAgentToken, AgentToken>(
      'GET',
      'GET /projects/:id/cluster_agents/:agent_id/tokens/:token_id',
      `/projects/${projectId}/cluster_agents/${agentId}/tokens/${tokenId}`,
      (res) => toAgentToken(projectId, res.body),
    );
  }

  /** The secret comes back beside the token, never inside it, so that no model ever holds it. */
  createToken(projectId: number, agentId: number, input: { name: string; description?: string | null }): Promise<{ token: AgentToken; secret: string }> {
    const body: Record<string, unknown> = { name: input.name };
    if (input.description != null) body.description = input.description;
    return this.call(
      'POST',
      'POST /projects/:id/cluster_agents/:agent_id/tokens',
      `/projects/${projectId}/cluster_agents/${agentId}/tokens`,
      (res: RestResponse<RestAgentToken>) => ({ token: toAgentToken(projectId, res.body), secret: res.body.token ?? '' }),
      { body },
    );
  }

  revokeToken(projectId: number, agentId: number, tokenId: number): Promise<void> {
    return this.call('DELETE', 'DELETE /projects/:id/cluster_agents/:agent_id/tokens/:token_id', `/projects/${projectId}/cluster_agents/${agentId}/tokens/${tokenId}`);
  }

  listUrlConfigurations(projectId: number, agentId: number): Promise<UrlConfiguration[]> {
    return this.call<RestUrlConfiguration[], UrlConfiguration[]>(
      'GET',
      'GET /projects/:id/cluster_agents/:agent_id/url_configurations',
      `/projects/${projectId}/cluster_agents/${agentId}/url_configurations`,
      (res) => res.body.map((c) => toUrlConfiguration(projectId, c)),
    );
  }

  getUrlConfiguration(projectId: number, agentId: number, id: number): Promise<UrlConfiguration> {
    return this.call<RestUrlConfiguration, UrlConfiguration>(
      'GET',
      'GET /projects/:id/cluster_agents/:agent_id/url_configurations/:url_configuration_id',
      `/projects/${projectId}/cluster_agents/${agentId}/url_configurations/${id}`,
      (res) => toUrlConfiguration(projectId, res.body),
    );
  }

  /** Certificates and the key go as PEM text, as the current GitLab and its documentation take them. */
  createUrlConfiguration(projectId: number, agentId: number, input: NewUrlConfiguration): Promise<UrlConfiguration> {
    const body: Record<string, unknown> = { url: input.url };
    if (input.clientCert != null) body.client_cert = input.clientCert;
    if (input.clientKey != null) body.client_key = input.clientKey;
    if (input.caCert != null) body.ca_cert = input.caCert;
    if (input.tlsHost != null) body.tls_host = input.tlsHost;
    return this.call<RestUrlConfiguration, UrlConfiguration>(
      'POST',
      'POST /projects/:id/cluster_agents/:agent_id/url_configurations',
      `/projects/${projectId}/cluster_agents/${agentId}/url_configurations`,
      (res) => toUrlConfiguration(projectId, res.body),
      { body },
    );
  }

  deleteUrlConfiguration(projectId: number, agentId: number, id: number): Promise<void> {
    return this.call(
      'DELETE',
      'DELETE /projects/:id/cluster_agents/:agent_id/url_configurations/:url_configuration_id',
      `/projects/${projectId}/cluster_agents/${agentId}/url_configurations/${id}`,
    );
  }
}

/**
 * A 2xx whose JSON is not what GitLab documents (as with one that is not
 * JSON, it may be a proxy's, so a write's outcome stays unknown). Not
 * retried: the same answer would come again. The body is not quoted, as it
 * may hold anything.
 */
function unexpectedShape(route: string, status: number): GitLabError {
  return new GitLabError('UPSTREAM_UNAVAILABLE', `GitLab answered ${route} with ${status} and a body of an unexpected shape`, status, undefined, true, {}, false);
}
