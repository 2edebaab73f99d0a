import { randomBytes } from 'node:crypto';
import { authorize } from '../auth.js';
import type { ApiRequest } from '../context.js';
import { token as tokenEntity, tokenBasic } from '../entities.js';
import { findAgent, findToken, userProject } from '../finders.js';
import { pageParams, paginate } from '../pagination.js';
import { Params } from '../params.js';
import { created, fail, noContent, ok } from '../responses.js';
import type { SimResponse } from '../responses.js';
import { ACCESS } from '../seed.js';
import { maximumLength, presence } from '../validations.js';

/** Clusters::AgentTokens::CreateService::ACTIVE_TOKENS_LIMIT */
const ACTIVE_TOKENS_LIMIT = 2;
const DEVISE_SWAPS: Record<string, string> = { l: 's', I: 'x', O: 'y', '0': 'z' };

/** `glagent-` + Devise.friendly_token(50): URL-safe base64 with l, I, O and 0 swapped for s, x, y and z. */
function secret(): string {
  return `glagent-${randomBytes(38).toString('base64url').slice(0, 50).replace(/[lIO0]/g, (c) => DEVISE_SWAPS[c]!)}`;
}

/** Clusters::AgentToken's validations, in declaration order: description first, then name. */
function tokenErrors(name: string | null, description: string | null | undefined): string[] {
  return [...maximumLength('Description', description, 1024), ...presence('Name', name), ...maximumLength('Name', name, 255)];
}

/** GET /projects/:id/cluster_agents/:agent_id/tokens: active tokens only, no `last_used_at`. */
export function listTokens(req: ApiRequest): SimResponse {
  const params = new Params(req);
  const agentId = params.integer('agent_id');
  const page = pageParams(params);
  params.check();
  const agent = findAgent(req, userProject(req), agentId);
  const { items, headers } = paginate(req, req.state.activeTokensOf(agent.id), page, { id: req.route.id!, agent_id: agentId });
  return ok(items.map(tokenBasic), headers);
}

/** GET /projects/:id/cluster_agents/:agent_id/tokens/:token_id: a revoked token is not found. */
export function getToken(req: ApiRequest): SimResponse {
  const params = new Params(req);
  const agentId = params.integer('agent_id');
  const tokenId = params.integer('token_id');
  params.check();
  const agent = findAgent(req, userProject(req), agentId);
  return ok(tokenEntity(findToken(req, agent, tokenId, 'active')));
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
  if (req.state.activeTokensOf(agent.id).length >= ACTIVE_TOKENS_LIMIT) throw fail.badRequest('An agent can have only two active tokens at a time');
  const errors = tokenErrors(name, description);
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
  return created({ ...tokenEntity(token), token: secret() });
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
