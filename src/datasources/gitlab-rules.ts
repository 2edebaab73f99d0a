import { X509Certificate, createPrivateKey } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { GitLabError } from './gitlab-client.js';
import type { NewUrlConfiguration } from './models.js';

/**
 * GitLab's own validation rules for the writes (app/models/clusters/agent.rb,
 * app/models/clusters/agents/url_configuration.rb and the check constraints
 * of db/structure.sql), giving GitLab's own (English) messages, so that a bad
 * input is refused before a round trip; and the reading of GitLab's 400s,
 * whatever language they come in.
 */

/** Which input attribute a GitLab message is about, and what kind of problem it is. */
type RuleCode = 'INVALID_INPUT' | 'NAME_TAKEN' | 'TOKEN_LIMIT_REACHED' | 'URL_CONFIGURATION_EXISTS';
export type Attribute = 'name' | 'description' | 'url' | 'client_cert' | 'client_key' | 'ca_cert' | 'tls_host' | 'agent';

export interface Problem {
  message: string;
  code: RuleCode;
  attribute?: Attribute;
}

const AGENT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const AGENT_NAME_FORMAT = "Name can contain only lowercase letters, digits, and '-', but cannot start or end with '-'";
/** What validate_url's `schemes: %w[grpc grpcs]` lets through; GitLab's message does not say so, the gateway adds it. */
const URL_SCHEMES = 'only grpc:// and grpcs:// URLs are accepted';
/**
 * ee/app/validators/host_validator.rb: `URI.parse("http://#{v}").host == v`,
 * so `v` must be all host in RFC 3986 terms (lib/uri/rfc3986_parser.rb): an
 * IP literal in brackets, or a reg-name of unreserved, sub-delim and
 * percent-encoded characters. `my_host.internal` and `example.com.` pass.
 */
const REG_NAME = /^(?:%[0-9A-Fa-f]{2}|[-!$&'()*+,.0-9;=A-Z_a-z~])+$/;

const problem = (message: string, attribute?: Attribute, code: RuleCode = 'INVALID_INPUT'): Problem => ({ message, code, ...(attribute ? { attribute } : {}) });

/** String#blank? (ActiveSupport): only `[[:space:]]`, which is Unicode White_Space (the BOM is not). */
export const isBlank = (value: string): boolean => /^\p{White_Space}*$/u.test(value);

/** Lengths as Ruby and Postgres count them: characters (code points), not UTF-16 units. */
const characters = (value: string): number => [...value].length;

function tooLong(humanName: string, attribute: Attribute, value: string | null | undefined, maximum: number): Problem[] {
  return value != null && characters(value) > maximum ? [problem(`${humanName} is too long (maximum is ${maximum} characters)`, attribute)] : [];
}

/** app/models/clusters/agent.rb, in declaration order (uniqueness needs GitLab). */
export function agentNameProblems(name: string): Problem[] {
  const problems: Problem[] = [];
  if (isBlank(name)) problems.push(problem("Name can't be blank", 'name'));
  problems.push(...tooLong('Name', 'name', name, 63));
  if (!AGENT_NAME.test(name)) problems.push(problem(AGENT_NAME_FORMAT, 'name'));
  return problems;
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

/** validate_url with `schemes: %w[grpc grpcs]`: a parseable URL with one of the schemes and a host. */
function isAgentUrl(url: string): boolean {
  if (/\s/.test(url)) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'grpc:' || parsed.protocol === 'grpcs:') && parsed.host !== '';
  } catch {
    return false;
  }
}

function isHost(value: string): boolean {
  return value.startsWith('[') && value.endsWith(']') ? isIPv6(value.slice(1, -1)) : REG_NAME.test(value);
}

/**
 * The check constraints of db/structure.sql on the URL-configuration table.
 * The model does not mirror them, so above them GitLab's INSERT fails and it
 * answers 500; the gateway refuses them instead.
 */
const COLUMN_LIMITS: [string, Attribute, keyof NewUrlConfiguration, number][] = [
  ['Url', 'url', 'url', 2048],
  ['Tls host', 'tls_host', 'tlsHost', 2048],
  ['Ca cert', 'ca_cert', 'caCert', 16384],
  ['Client cert', 'client_cert', 'clientCert', 16384],
  ['Client key', 'client_key', 'clientKey', 16384],
];

/**
 * app/models/clusters/agents/url_configuration.rb, then the column limits.
 * Two departures, both where GitLab would not answer 400: a `client_key`
 * (even `""`, which GitLab counts as given) without `client_cert` is a 500
 * there, and a `client_cert` without `client_key` is silently dropped for
 * JWT, though the caller clearly wanted mTLS. Both are refused.
 */
export function urlConfigurationProblems(input: NewUrlConfiguration): Problem[] {
  const problems: Problem[] = [];
  if (!isAgentUrl(input.url)) problems.push(problem(`Url is not a valid URL: ${URL_SCHEMES}`, 'url'));
  if (input.caCert && !isCertificate(input.caCert)) problems.push(problem('Ca cert must be a valid PEM certificate', 'ca_cert'));
  if (input.tlsHost && !isHost(input.tlsHost)) problems.push(problem('Tls host must be a valid hostname!', 'tls_host'));
  if (input.clientCert && input.clientKey == null) problems.push(problem('Client key must be given with a client certificate (mTLS needs both)', 'client_key'));
  if (input.clientKey != null && !input.clientCert) problems.push(problem('Client cert must be given with a client key (mTLS needs both)', 'client_cert'));
  if (input.clientCert && input.clientKey != null) {
    if (!isCertificate(input.clientCert)) problems.push(problem('Client cert must be a valid PEM certificate', 'client_cert'));
    if (!isPrivateKey(input.clientKey)) problems.push(problem('Client key must be a valid PEM private key', 'client_key'));
  }
  for (const [humanName, attribute, field, maximum] of COLUMN_LIMITS) problems.push(...tooLong(humanName, attribute, input[field], maximum));
  return problems;
}

/** A write whose 400s the gateway reads (`delete`: any DELETE route): the route tells what its messages can mean. */
export type Write = 'registerAgent' | 'createToken' | 'createUrlConfiguration' | 'delete';

/**
 * Model errors name their attribute first, and GitLab translates the
 * message but not the attribute ("Name ist bereits vergeben"); Grape's
 * parameter errors name the parameter ("name is missing").
 */
const ATTRIBUTES: [RegExp, Attribute][] = [
  [/^(Name|name)\b/, 'name'],
  [/^(Description|description)\b/, 'description'],
  [/^(Url|url)\b/, 'url'],
  [/^(Client cert|client_cert)\b/, 'client_cert'],
  [/^(Client key|client_key)\b/, 'client_key'],
  [/^(Ca cert|ca_cert)\b/, 'ca_cert'],
  [/^(Tls host|tls_host)\b/, 'tls_host'],
];

const attributeOf = (message: string): Attribute | undefined => ATTRIBUTES.find(([pattern]) => pattern.test(message))?.[1];

/**
 * A service's single string, which may be in any language the caller
 * chose. On token create the only one a caller past `authorize!
 * :create_cluster` can meet is the two-token limit (the service's own
 * permission check is the same ability); on URL-configuration create it is
 * "already exists" (the disabled setting is answered 404 by the route's
 * `before` block). Clusters::AgentTokens::CreateService and
 * Clusters::Agents::CreateUrlConfigurationService.
 */
function serviceProblem(write: Write, message: string): Problem {
  if (write === 'createToken') return problem(message, 'agent', 'TOKEN_LIMIT_REACHED');
  if (write === 'createUrlConfiguration') return problem(message, 'agent', 'URL_CONFIGURATION_EXISTS');
  return problem(message);
}

/**
 * One of a model's full messages. A registered agent's name has already
 * passed presence, length and format here, so a name error from GitLab can
 * only be the uniqueness rule. A URL error gets the schemes GitLab's
 * message leaves out.
 */
function modelProblem(write: Write, message: string): Problem {
  const attribute = attributeOf(message);
  if (write === 'registerAgent' && attribute === 'name') return problem(message, attribute, 'NAME_TAKEN');
  return problem(attribute === 'url' ? `${message}: ${URL_SCHEMES}` : message, attribute);
}

/**
 * The problems in a 400 from a write, or null when the error is not one the
 * caller can fix by changing the input. The words are GitLab's, in the
 * caller's language (lib/api/helpers.rb sets the locale from the caller's
 * `preferred_language`); the meaning is read from the shape, which holds in
 * every language: `bad_request!` (lib/api/helpers.rb) renders a
 * model's errors as a Ruby array inside the string (`400 Bad request -
 * ["A", "B"]`) and a service's single string plainly, and Grape's parameter
 * errors carry no `400 Bad request - ` at all.
 */
export function writeProblems(err: unknown, write: Write): Problem[] | null {
  if (!(err instanceof GitLabError) || err.status !== 400 || err.gitlabMessage === undefined) return null;
  const [, reason] = /^400 Bad request - ([\s\S]*)$/.exec(err.gitlabMessage) ?? [];
  if (reason === undefined) return [problem(err.gitlabMessage, attributeOf(err.gitlabMessage))];
  const modelErrors = parseRubyArray(reason);
  return modelErrors ? modelErrors.map((message) => modelProblem(write, message)) : [serviceProblem(write, reason)];
}

/** Ruby's Array#inspect of strings, read back; null when `text` is not one. */
function parseRubyArray(text: string): string[] | null {
  if (!text.startsWith('[') || !text.endsWith(']')) return null;
  const messages: string[] = [];
  const item = /"((?:[^"\\]|\\.)*)"/g;
  for (let m = item.exec(text); m; m = item.exec(text)) messages.push(m[1]!.replace(/\\(.)/g, '$1'));
  return messages.length > 0 ? messages : null;
}
