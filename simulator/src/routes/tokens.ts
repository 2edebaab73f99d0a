import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { authorize } from '../auth.js';
import type { ApiRequest } from '../context.js';
import { token as tokenEntity, tokenBasic } from '../entities.js';
import { findAgent, findToken, userProject } from '../finders.js';
import { pageParams, paginate } from '../pagination.js';
import { Params } from '../params.js';
import { created, fail, noContent, ok } from '../responses.js';
import type { SimResponse } from '../responses.js';
import { ACCESS } from '../seed.js';
import type { SeedUser } from '../seed.js';
import { translate } from '../locale.js';
import type { Language } from '../locale.js';
import { maximumLength, presence } from '../validations.js';

/** Clusters::AgentTokens::CreateService::ACTIVE_TOKENS_LIMIT */
const ACTIVE_TOKENS_LIMIT = 2;

/**
 * A routable token, as master's agent_token.rb (`routable_token:`) and
 * lib/authn/token_field/generator/routable_token.rb make it: `glagent-`,
 * the base64url (unpadded) of random bytes plus the routing payload, `.01.`
 * (the format version), the payload length in two base-36 digits and a
 * CRC32 of all that in seven. It has dots and any base64url character;
 * clients must treat it as opaque.
 */
function secret(user: SeedUser): string {
  const payload = Buffer.concat([randomBytes(16), Buffer.from(`\nc:1\no:1\nu:${user.id.toString(36)}`)]);
  const body = `glagent-${payload.toString('base64url')}.01.${payload.length.toString(36).padStart(2, '0')}`;
  return `${body}${crc32(body).toString(36).padStart(7, '0')}`;
}

/** Clusters::AgentToken's validations, in declaration order: description first, then name. */
function tokenErrors(language: Language, name: string | null, description: string | null | undefined): string[] {
  return [...maximumLength(language, 'Description', description, 1024), ...presence(language, 'Name', name), ...maximumLength(language, 'Name', name, 255)];
}

/** GET /projects/:id/cluster_agents/:agent_id/tokens: active tokens only, no `last_used_at`. */
export function listTokens(req: ApiRequest): SimResponse {
  const params = new Params(req);
  const agentId = params.integer('agent_id');
  const page = pageParams(params);
  params.check();
  const agent = findAgent(req, userProject(req), agentId);
  const { items, headers } = paginate(req, req.state.activeTokensOf(agent.id), page, { id: req.route.id!, agent_id: agentId });
  return ok(
    items.map((t) => tokenBasic(req.state, t)),
    headers,
  );
}

/** GET /projects/:id/cluster_agents/:agent_id/tokens/:token_id: a revoked token is not found. */
export function getToken(req: ApiRequest): SimResponse {
  const params = new Params(req);
  const agentId = params.integer('agent_id');
  const tokenId = params.integer('token_id');
  params.check();
  const agent = findAgent(req, userProject(req), agentId);
  return ok(tokenEntity(req.state, findToken(req, agent, tokenId, 'active')));
}

/** POST /projects/:id/cluster_agents/:agent_id/tokens: 403, the agent, the two-token limit, then the model. */
export function createToken(req: ApiRequest): SimResponse {
  const params = new Params(req);
  const agentId = params.integer('agent_id');
  const name = params.requiredString('name');
  const description = params.optionalString('description');
  params.check();
  const project = userProject(req);
  authorize(req, project, ACCESS.maintainer);
  const agent = findAgent(req, project, agentId);
  const language = req.user.preferred_language;
  if (req.state.activeTokensOf(agent.id).length >= ACTIVE_TOKENS_LIMIT) throw fail.badRequest(translate(language, 'An agent can have only two active tokens at a time'));
  const errors = tokenErrors(language, name, description);
  if (errors.length > 0) throw fail.badRequest(errors);
  const token = {
    id: req.state.newId(),
    agent_id: agent.id,
    name: name!,
    description: description ?? null,
    status: 'active' as const,
    created_at: new Date().toISOString(),
    created_by_user_id: req.user.id,
    last_used_at: null,
  };
  req.state.tokens.push(token);
  return created({ ...tokenEntity(req.state, token), token: secret(req.user) });
}

/** DELETE /projects/:id/cluster_agents/:agent_id/tokens/:token_id: revokes, and a revoked token revokes again. */
export function revokeToken(req: ApiRequest): SimResponse {
  const params = new Params(req);
  const agentId = params.integer('agent_id');
  const tokenId = params.integer('token_id');
  params.check();
  const project = userProject(req);
  authorize(req, project, ACCESS.maintainer);
  findToken(req, findAgent(req, project, agentId), tokenId).status = 'revoked';
  return noContent();
}
