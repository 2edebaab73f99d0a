import { WriteOutcomeUnknown } from '../errors.js';
import type { Page, PageRequest } from '../offset-pagination.js';
import type { GitLabApi } from './gitlab-api.js';
import { GitLabError } from './gitlab-client.js';
import { agentNameProblems, isBlank, urlConfigurationProblems, writeProblems } from './gitlab-rules.js';
import type { Problem, Write } from './gitlab-rules.js';
import { Loaders } from './loaders.js';
import type {
  Agent,
  AgentKey,
  AgentToken,
  NewUrlConfiguration,
  ProjectDetails,
  ProjectIdentity,
  ProjectKey,
  TokenKey,
  UrlConfiguration,
  UrlConfigurationKey,
} from './models.js';
import { isMissingRecord, isNoUrlConfiguration, orNull } from './not-found.js';

export type { Attribute, Problem } from './gitlab-rules.js';
export type { Agent, AgentToken, ProjectIdentity, ProjectKey, UrlConfiguration } from './models.js';

/** A write's answer: what it made (a delete: the key it deleted), or the problems with its input (GitLab's words, each with the attribute it is about). */
export type Written<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

const refused = (problems: Problem[]): Written<never> | null => (problems.length > 0 ? { ok: false, problems } : null);

/** GitLab stores blank optional strings as null (`nullify_if_blank` in app/models/clusters/agents/url_configuration.rb); so does the gateway, before checking them. */
const blankToNull = (value: string | null | undefined): string | null => (value == null || isBlank(value) ? null : value);

/**
 * The schema's one door to GitLab, for one GraphQL request: every read and
 * write the schema needs, in the schema's terms. Reads answer null where
 * GitLab's answer means "there is none" and fail where it means anything
 * else; writes check what can be checked locally, read GitLab's 400s as
 * problems with the input, and prime what they return. Which loader, cache
 * key or 404 body is behind each is this module's business.
 */
export class GitLabData {
  private readonly loaders: Loaders;

  constructor(private readonly api: GitLabApi) {
    this.loaders = new Loaders(api);
  }

  /** A project's identity, when a response has already carried it: most projects arrive inside their agents, and need no promise. */
  knownProject(project: ProjectKey): ProjectIdentity | undefined {
    return this.loaders.knownProjectIdentity(project);
  }

  /** A project's identity: free when an agent response already carried it; fails when GitLab shows the caller no such project. */
  project(project: ProjectKey): Promise<ProjectIdentity> {
    return this.loaders.projectIdentity(project);
  }

  /** What only `GET /projects/:id` has. */
  projectDetails(project: ProjectKey): Promise<ProjectDetails> {
    return this.loaders.projectDetails.load(project);
  }

  agentPage(project: ProjectKey, page: PageRequest): Promise<Page<Agent>> {
    return this.loaders.agentPages.load({ project, ...page });
  }

  /** An agent that must exist (a token's, a configuration's, a global ID's). */
  agent({ projectId, agentId }: AgentKey): Promise<Agent> {
    return this.loaders.loadAgent({ project: projectId, agentId });
  }

  /** An agent of a project by numeric id, or null. Keyed by the project's numeric id once known, so agents a list primed are found. */
  findAgent(project: ProjectKey, agentId: number): Promise<Agent | null> {
    return orNull(this.loaders.loadAgent({ project: this.loaders.knownProjectId(project) ?? project, agentId }), isMissingRecord);
  }

  findAgentByName(project: ProjectKey, name: string): Promise<Agent | null> {
    return this.loaders.agentByName(project, name);
  }

  tokenPage(agent: AgentKey, page: PageRequest): Promise<Page<AgentToken>> {
    return this.loaders.loadTokenPage({ ...agent, ...page });
  }

  /** An active token that must exist; a revoked one is as absent as a deleted one. */
  token(key: TokenKey): Promise<AgentToken> {
    return this.loaders.token.load(key);
  }

  findToken(key: TokenKey): Promise<AgentToken | null> {
    return orNull(this.loaders.token.load(key), isMissingRecord);
  }

  /** GitLab sends `last_used_at` only on the single-token GET, which list items therefore cost; null once the token is gone. */
  async lastUsedAt(token: AgentToken): Promise<string | null> {
    if (token.lastUsedAt !== undefined) return token.lastUsedAt;
    const full = await this.findToken({ projectId: token.projectId, agentId: token.agentId, tokenId: token.databaseId });
    return full?.lastUsedAt ?? null;
  }

  /** An agent's one URL configuration, or null: it has none, or the instance has receptive agents switched off. */
  async urlConfigurationOf(agent: AgentKey): Promise<UrlConfiguration | null> {
    const list = await orNull(this.loaders.urlConfigurations.load(agent), isNoUrlConfiguration);
    return list?.[0] ?? null;
  }

  urlConfiguration(key: UrlConfigurationKey): Promise<UrlConfiguration> {
    return this.loaders.urlConfiguration.load(key);
  }

  async registerAgent(project: ProjectKey, name: string): Promise<Written<Agent>> {
    const written = refused(agentNameProblems(name)) ?? (await this.write('registerAgent', () => this.api.registerAgent(project, name)));
    if (written.ok) this.loaders.primeNewAgent(written.value);
    return written;
  }

  deleteAgent(key: AgentKey): Promise<Written<AgentKey>> {
    return this.write('delete', () => this.api.deleteAgent(key.projectId, key.agentId).then(() => key));
  }

  /**
   * Not checked here: GitLab checks the two-token limit before the name and
   * description (app/services/clusters/agent_tokens/create_service.rb), and
   * only GitLab knows the count; its 400 writes nothing and is in the
   * caller's language.
   */
  async createToken({ projectId, agentId }: AgentKey, input: { name: string; description?: string | null }): Promise<Written<{ token: AgentToken; secret: string }>> {
    const written = await this.write('createToken', () => this.api.createToken(projectId, agentId, input));
    if (written.ok) this.loaders.primeToken(written.value.token);
    return written;
  }

  revokeToken(key: TokenKey): Promise<Written<TokenKey>> {
    return this.write('delete', () => this.api.revokeToken(key.projectId, key.agentId, key.tokenId).then(() => key));
  }

  async createUrlConfiguration(agent: AgentKey, input: NewUrlConfiguration): Promise<Written<UrlConfiguration>> {
    const config = {
      url: input.url,
      clientCert: blankToNull(input.clientCert),
      // Not blanked: GitLab picks certificate mode on any given key (`if params[:client_key]`), "" included.
      clientKey: input.clientKey ?? null,
      caCert: blankToNull(input.caCert),
      tlsHost: blankToNull(input.tlsHost),
    };
    const written =
      refused(urlConfigurationProblems(config)) ??
      (await this.write('createUrlConfiguration', () => this.api.createUrlConfiguration(agent.projectId, agent.agentId, config)));
    if (written.ok) this.loaders.primeUrlConfiguration(agent, written.value);
    return written;
  }

  deleteUrlConfiguration(key: UrlConfigurationKey): Promise<Written<UrlConfigurationKey>> {
    return this.write('delete', () => this.api.deleteUrlConfiguration(key.projectId, key.agentId, key.id).then(() => key));
  }

  /**
   * Sends one REST write of the given kind, once. A 400 becomes the input's
   * problems, read as that kind of write's 400s read; a write that may have
   * reached GitLab without an answer is a WriteOutcomeUnknown.
   */
  private async write<T>(kind: Write, send: () => Promise<T>): Promise<Written<T>> {
    try {
      return { ok: true, value: await send() };
    } catch (err) {
      const problems = writeProblems(err, kind);
      if (problems) return { ok: false, problems };
      if (err instanceof GitLabError && err.mayHaveReachedGitLab && (err.code === 'UPSTREAM_TIMEOUT' || err.code === 'UPSTREAM_UNAVAILABLE')) {
        throw new WriteOutcomeUnknown(err.code, err.message);
      }
      throw err;
    }
  }
}
