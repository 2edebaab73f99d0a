import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { authorize, checkUnmodifiedSince, findAgent, integerParam, optionalString, requiredString, userProject } from '../context.js';
import type { ApiRequest } from '../context.js';
import { urlConfiguration as configEntity } from '../entities.js';
import { created, fail, noContent, ok } from '../responses.js';
import type { SimResponse } from '../responses.js';
import { ACCESS } from '../seed.js';
import type { SeedProject } from '../seed.js';

const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;

/**
 * The `before` block of these routes: the project is looked up first (so an
 * unknown one is `404 Project Not Found`), then the instance setting.
 */
function gate(req: ApiRequest): SeedProject {
  const project = userProject(req);
  if (!req.state.receptiveAgentsEnabled) throw fail.notFound();
  return project;
}

function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return /-----BEGIN CERTIFICATE-----/.test(pem);
  } catch {
    return false;
  }
}

function isPrivateKey(pem: string): boolean {
  try {
    createPrivateKey(pem);
    return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem);
  } catch {
    return false;
  }
}

/** Base64 of the raw 32-byte Ed25519 verify key, as the entity renders `public_key`. */
function ed25519PublicKey(): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32).toString('base64');
}

/** `find_url_configuration`: only the agent's own configuration, else `404 Not Found` (capital F). */
function ownConfiguration(req: ApiRequest, agentId: number) {
  const id = integerParam(req, 'url_configuration_id');
  const config = req.state.urlConfigurationOf(agentId);
  if (!config || config.id !== id) throw fail.notFound();
  return config;
}

/** GET …/url_configurations: not paginated; admin_cluster, although the docs say Developer. */
export function listUrlConfigurations(req: ApiRequest): SimResponse {
  const project = gate(req);
  const agentId = integerParam(req, 'agent_id');
  authorize(req, project, ACCESS.maintainer);
  const config = req.state.urlConfigurationOf(findAgent(req, project, agentId).id);
  return ok(config ? [configEntity(config)] : []);
}

/** GET …/url_configurations/:url_configuration_id */
export function getUrlConfiguration(req: ApiRequest): SimResponse {
  const project = gate(req);
  const agentId = integerParam(req, 'agent_id');
  authorize(req, project, ACCESS.maintainer);
  return ok(configEntity(ownConfiguration(req, findAgent(req, project, agentId).id)));
}

/** POST …/url_configurations: CreateUrlConfigurationService, then the model's validations. */
export function createUrlConfiguration(req: ApiRequest): SimResponse {
  const project = gate(req);
  const agentId = integerParam(req, 'agent_id');
  const url = requiredString(req, 'url');
  const blankToNull = (name: string) => {
    const value = optionalString(req, name);
    return value === null || value.trim() === '' ? null : value;
  };
  const clientKey = blankToNull('client_key');
  // A certificate without its key is silently dropped: JWT mode (gitlab-behaviour.md 3.12).
  const clientCert = clientKey ? blankToNull('client_cert') : null;
  const caCert = blankToNull('ca_cert');
  const tlsHost = blankToNull('tls_host');
  authorize(req, project, ACCESS.maintainer);
  const agent = findAgent(req, project, agentId);
  if (req.state.urlConfigurationOf(agent.id)) throw fail.badRequest('URL configuration already exists for this agent');
  const problems: string[] = [];
  let scheme = '';
  try {
    scheme = new URL(url).protocol;
  } catch {
    scheme = '';
  }
  if (scheme !== 'grpc:' && scheme !== 'grpcs:') problems.push('Url is not a valid URL');
  if (caCert && !isCertificate(caCert)) problems.push('Ca cert must be a valid PEM certificate');
  if (tlsHost && !HOSTNAME.test(tlsHost)) problems.push('Tls host must be a valid hostname!');
  if (clientKey && (!clientCert || !isCertificate(clientCert))) problems.push('Client cert must be a valid PEM certificate');
  if (clientKey && !isPrivateKey(clientKey)) problems.push('Client key must be a valid PEM private key');
  if (problems.length > 0) throw fail.badRequest(problems);
  const config = {
    id: req.state.newId(),
    agent_id: agent.id,
    url,
    public_key: clientKey ? null : ed25519PublicKey(),
    client_cert: clientCert,
    client_key: clientKey,
    ca_cert: caCert,
    tls_host: tlsHost,
  };
  req.state.urlConfigurations.push(config);
  return created(configEntity(config));
}

/** DELETE …/url_configurations/:url_configuration_id */
export function deleteUrlConfiguration(req: ApiRequest): SimResponse {
  const project = gate(req);
  const agentId = integerParam(req, 'agent_id');
  authorize(req, project, ACCESS.maintainer);
  const config = ownConfiguration(req, findAgent(req, project, agentId).id);
  checkUnmodifiedSince(req, new Date(0).toISOString());
  req.state.urlConfigurations = req.state.urlConfigurations.filter((c) => c !== config);
  return noContent();
}
