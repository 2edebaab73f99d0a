import { authorize } from '../auth.js';
import type { ApiRequest } from '../context.js';
import { urlConfiguration as configEntity } from '../entities.js';
import { findAgent, userProject } from '../finders.js';
import { Params } from '../params.js';
import { generateEd25519PublicKey, isCertificatePem, isPrivateKeyPem } from '../pem.js';
import { checkUnmodifiedSince } from '../preconditions.js';
import { created, fail, noContent, ok } from '../responses.js';
import type { SimResponse } from '../responses.js';
import { ACCESS } from '../seed.js';
import type { SeedAgent, SeedProject, SeedUrlConfiguration } from '../seed.js';
import { fullMessage, translate } from '../locale.js';
import type { Language } from '../locale.js';
import { characters, isBlank } from '../validations.js';

/** HostValidator: `URI.parse("http://#{value}").host == value`, so an RFC 3986 host with no scheme, port, path or user. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|(?:%[0-9A-Fa-f]{2}|[-!$&'()*+,.0-9;=A-Z_a-z~])+)$/;

/** The `url: { schemes: %w[grpc grpcs] }` validator: a parseable URL with one of the schemes and a host. */
function isAgentUrl(url: string): boolean {
  if (/\s/.test(url)) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'grpc:' || parsed.protocol === 'grpcs:') && parsed.host !== '';
  } catch {
    return false;
  }
}

/**
 * The `before` block of these routes, which runs ahead of parameter
 * validation: the project lookup (so an unknown one is `404 Project Not
 * Found`), then the instance setting (`404 Not Found` when off).
 */
function receptiveProject(req: ApiRequest): SeedProject {
  const project = userProject(req);
  if (!req.state.receptiveAgentsEnabled) throw fail.notFound();
  return project;
}

/** `authorize! :admin_cluster` (Maintainer, even to read: the docs say Developer), then AgentsFinder. */
function maintainedAgent(req: ApiRequest, project: SeedProject, agentId: number): SeedAgent {
  authorize(req, project, ACCESS.maintainer);
  return findAgent(req, project, agentId);
}

/** `find_url_configuration`: only the agent's own configuration, else `404 Not Found` (capital F). */
function ownConfiguration(req: ApiRequest, agent: SeedAgent, id: number): SeedUrlConfiguration {
  const config = req.state.urlConfigurationOf(agent.id);
  if (!config || config.id !== id) throw fail.notFound();
  return config;
}

type NewConfiguration = Omit<SeedUrlConfiguration, 'id' | 'public_key'>;

/** Clusters::Agents::UrlConfiguration's validations, in declaration order; only the URL's message is translated (validate_url's locales). */
function configErrors(language: Language, config: NewConfiguration, certificateMode: boolean): string[] {
  const errors: string[] = [];
  if (!isAgentUrl(config.url)) errors.push(fullMessage(language, 'Url', 'is not a valid URL'));
  if (config.ca_cert !== null && !isCertificatePem(config.ca_cert)) errors.push('Ca cert must be a valid PEM certificate');
  if (config.tls_host !== null && !HOST.test(config.tls_host)) errors.push('Tls host must be a valid hostname!');
  if (certificateMode && !(config.client_cert !== null && isCertificatePem(config.client_cert))) errors.push('Client cert must be a valid PEM certificate');
  if (certificateMode && !(config.client_key !== null && isPrivateKeyPem(config.client_key))) errors.push('Client key must be a valid PEM private key');
  return errors;
}

/** The check constraints of db/structure.sql on the table, in characters; the model does not mirror them. */
const COLUMN_LIMITS: [keyof NewConfiguration, number][] = [
  ['url', 2048],
  ['tls_host', 2048],
  ['ca_cert', 16384],
  ['client_cert', 16384],
  ['client_key', 16384],
];

const breaksColumnLimit = (config: NewConfiguration): boolean =>
  COLUMN_LIMITS.some(([column, limit]) => {
    const value = config[column];
    return typeof value === 'string' && characters(value) > limit;
  });

/** GET …/cluster_agents/:agent_id/url_configurations: `[cfg]` or `[]`, not paginated. */
export function listUrlConfigurations(req: ApiRequest): SimResponse {
  const project = receptiveProject(req);
  const params = new Params(req);
  const agentId = params.integer('agent_id');
  params.check();
  const config = req.state.urlConfigurationOf(maintainedAgent(req, project, agentId).id);
  return ok(config ? [configEntity(config)] : []);
}

/** GET …/url_configurations/:url_configuration_id */
export function getUrlConfiguration(req: ApiRequest): SimResponse {
  const project = receptiveProject(req);
  const params = new Params(req);
  const agentId = params.integer('agent_id');
  const configId = params.integer('url_configuration_id');
  params.check();
  return ok(configEntity(ownConfiguration(req, maintainedAgent(req, project, agentId), configId)));
}

/**
 * POST …/url_configurations: CreateUrlConfigurationService. A `client_key`
 * (`if params[:client_key]`, so `""` too) selects certificate mode; without
 * one a `client_cert` is dropped and an Ed25519 key pair is generated (JWT
 * mode). Blank strings are stored as null (`nullify_if_blank`).
 */
export function createUrlConfiguration(req: ApiRequest): SimResponse {
  const project = receptiveProject(req);
  const params = new Params(req);
  const agentId = params.integer('agent_id');
  const url = params.requiredString('url');
  const clientCert = params.optionalString('client_cert');
  const clientKey = params.optionalString('client_key');
  const caCert = params.optionalString('ca_cert');
  const tlsHost = params.optionalString('tls_host');
  params.check();
  const agent = maintainedAgent(req, project, agentId);
  const language = req.user.preferred_language;
  if (req.state.urlConfigurationOf(agent.id)) throw fail.badRequest(translate(language, 'URL configuration already exists for this agent'));
  const certificateMode = clientKey !== undefined && clientKey !== null;
  const nullIfBlank = (value: string | null | undefined) => (isBlank(value) ? null : value!);
  const now = new Date().toISOString();
  const fields = {
    agent_id: agent.id,
    url: url ?? '',
    client_cert: certificateMode ? nullIfBlank(clientCert) : null,
    client_key: certificateMode ? nullIfBlank(clientKey) : null,
    ca_cert: nullIfBlank(caCert),
    tls_host: nullIfBlank(tlsHost),
    updated_at: now,
  };
  // The certificate validator calls OpenSSL::X509::Certificate.new(client_cert), which raises TypeError on nil; nothing rescues it.
  if (certificateMode && fields.client_cert === null) throw fail.internalError();
  const errors = configErrors(language, fields, certificateMode);
  if (errors.length > 0) throw fail.badRequest(errors);
  // The INSERT breaks a check constraint: the transaction rolls back and the error surfaces as a 500.
  if (breaksColumnLimit(fields)) throw fail.internalError();
  const config: SeedUrlConfiguration = { id: req.state.newId(), ...fields, public_key: certificateMode ? null : generateEd25519PublicKey() };
  req.state.urlConfigurations.push(config);
  // after_create: agent.update!(is_receptive: true), which touches the agent.
  agent.updated_at = now;
  return created(configEntity(config));
}

/** DELETE …/url_configurations/:url_configuration_id: `destroy_conditionally!`, after which the agent may get a new one. */
export function deleteUrlConfiguration(req: ApiRequest): SimResponse {
  const project = receptiveProject(req);
  const params = new Params(req);
  const agentId = params.integer('agent_id');
  const configId = params.integer('url_configuration_id');
  params.check();
  const agent = maintainedAgent(req, project, agentId);
  const config = ownConfiguration(req, agent, configId);
  checkUnmodifiedSince(req, config.updated_at);
  req.state.urlConfigurations = req.state.urlConfigurations.filter((c) => c !== config);
  agent.updated_at = new Date().toISOString();
  return noContent();
}
