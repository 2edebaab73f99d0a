import { X509Certificate, createPrivateKey } from 'node:crypto';
import { GitLabError } from './gitlab-client.js';

/**
 * GitLab's own validation rules for the writes (gitlab-behaviour.md 3.3, 3.7,
 * 3.12), giving GitLab's own messages, so that a bad input is refused before
 * a round trip with the same words GitLab would have used.
 */

/** Which input attribute a GitLab message is about, and what kind of problem it is. */
export type RuleCode = 'INVALID_INPUT' | 'NAME_TAKEN' | 'TOKEN_LIMIT_REACHED' | 'URL_CONFIGURATION_EXISTS';
export type Attribute = 'name' | 'description' | 'url' | 'client_cert' | 'client_key' | 'ca_cert' | 'tls_host' | 'agent';

export interface Problem {
  message: string;
  code: RuleCode;
  attribute?: Attribute;
}

const AGENT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const AGENT_NAME_FORMAT = "Name can contain only lowercase letters, digits, and '-', but cannot start or end with '-'";
const HOSTNAME = /^(?=.{1,253}$)([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;

const problem = (message: string, attribute?: Attribute, code: RuleCode = 'INVALID_INPUT'): Problem => ({ message, code, ...(attribute ? { attribute } : {}) });

/** app/models/clusters/agent.rb, in declaration order (uniqueness needs GitLab). */
export function agentNameProblems(name: string): Problem[] {
  const problems: Problem[] = [];
  if (name.trim() === '') problems.push(problem("Name can't be blank", 'name'));
  if (name.length > 63) problems.push(problem('Name is too long (maximum is 63 characters)', 'name'));
  if (!AGENT_NAME.test(name)) problems.push(problem(AGENT_NAME_FORMAT, 'name'));
  return problems;
}

/** app/models/clusters/agent_token.rb. */
export function tokenProblems(name: string, description: string | null | undefined): Problem[] {
  const problems: Problem[] = [];
  if (name.trim() === '') problems.push(problem("Name can't be blank", 'name'));
  if (name.length > 255) problems.push(problem('Name is too long (maximum is 255 characters)', 'name'));
  if (description != null && description.length > 1024) problems.push(problem('Description is too long (maximum is 1024 characters)', 'description'));
  return problems;
}

export interface UrlConfigurationFields {
  url: string;
  clientCert?: string | null;
  clientKey?: string | null;
  caCert?: string | null;
  tlsHost?: string | null;
}

function isCertificate(pem: string): boolean {
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(pem)) return false;
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

function isPrivateKey(pem: string): boolean {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----/.test(pem)) return false;
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

/**
 * app/models/clusters/agents/url_configuration.rb. One departure on purpose:
 * GitLab silently drops a `client_cert` sent without `client_key` and falls
 * back to JWT; that is refused here, since the caller clearly wanted mTLS.
 */
export function urlConfigurationProblems(input: UrlConfigurationFields): Problem[] {
  const problems: Problem[] = [];
  let scheme = '';
  try {
    scheme = new URL(input.url).protocol;
  } catch {
    scheme = '';
  }
  if (scheme !== 'grpc:' && scheme !== 'grpcs:') problems.push(problem('Url is not a valid URL', 'url'));
  if (input.caCert && !isCertificate(input.caCert)) problems.push(problem('Ca cert must be a valid PEM certificate', 'ca_cert'));
  if (input.tlsHost && !HOSTNAME.test(input.tlsHost)) problems.push(problem('Tls host must be a valid hostname!', 'tls_host'));
  if (input.clientCert && !input.clientKey) problems.push(problem('Client key must be given with a client certificate (mTLS needs both)', 'client_key'));
  if (input.clientKey && !input.clientCert) problems.push(problem('Client cert must be given with a client key (mTLS needs both)', 'client_cert'));
  if (input.clientCert && input.clientKey) {
    if (!isCertificate(input.clientCert)) problems.push(problem('Client cert must be a valid PEM certificate', 'client_cert'));
    if (!isPrivateKey(input.clientKey)) problems.push(problem('Client key must be a valid PEM private key', 'client_key'));
  }
  return problems;
}

const KNOWN: [RegExp, RuleCode, Attribute | undefined][] = [
  [/^Name has already been taken$/, 'NAME_TAKEN', 'name'],
  [/^An agent can have only two active tokens at a time$/, 'TOKEN_LIMIT_REACHED', 'agent'],
  [/^URL configuration already exists for this agent$/, 'URL_CONFIGURATION_EXISTS', 'agent'],
  [/^(Name|name)\b/, 'INVALID_INPUT', 'name'],
  [/^(Description|description)\b/, 'INVALID_INPUT', 'description'],
  [/^(Url|url)\b/, 'INVALID_INPUT', 'url'],
  [/^(Client cert|client_cert)\b/, 'INVALID_INPUT', 'client_cert'],
  [/^(Client key|client_key)\b/, 'INVALID_INPUT', 'client_key'],
  [/^(Ca cert|ca_cert)\b/, 'INVALID_INPUT', 'ca_cert'],
  [/^(Tls host|tls_host)\b/, 'INVALID_INPUT', 'tls_host'],
];

function classify(message: string): Problem {
  for (const [pattern, code, attribute] of KNOWN) if (pattern.test(message)) return problem(message, attribute, code);
  return problem(message);
}

/**
 * The problems in a 400 from a write, or null when the error is not one the
 * caller can fix by changing the input. GitLab renders model errors as a
 * Ruby array inside the string (`400 Bad request - ["A", "B"]`), single
 * service errors plainly, and parameter errors as `{"error": "name is missing"}`.
 */
export function writeProblems(err: unknown): Problem[] | null {
  if (!(err instanceof GitLabError) || err.status !== 400 || err.gitlabMessage === undefined) return null;
  const reason = err.gitlabMessage.replace(/^400 Bad request - /, '');
  return parseRubyArray(reason).map(classify);
}

function parseRubyArray(text: string): string[] {
  if (!text.startsWith('[') || !text.endsWith(']')) return [text];
  const messages: string[] = [];
  const item = /"((?:[^"\\]|\\.)*)"/g;
  for (let m = item.exec(text); m; m = item.exec(text)) messages.push(m[1]!.replace(/\\(.)/g, '$1'));
  return messages.length > 0 ? messages : [text];
}
