import { randomBytes } from 'node:crypto';
import { authorize, findAgent, integerParam, optionalString, requiredString, userProject } from '../context.js';
import type { ApiRequest } from '../context.js';
import { token as tokenEntity, tokenBasic } from '../entities.js';
import { pageParams, paginate } from '../pagination.js';
import { created, fail, noContent, ok } from '../responses.js';
import type { SimResponse } from '../responses.js';
import { ACCESS } from '../seed.js';

/** Clusters::AgentTokens::CreateService::ACTIVE_TOKENS_LIMIT */
const ACTIVE_TOKENS_LIMIT = 2;

/** `glagent-` + Devise.friendly_token(50): URL-safe, with l I O 0 swapped for s x y z. */
function secret(): string {
  const body = randomBytes(38).toString('base64url').slice(0, 50).replace(/[lIO0]/g, (c) => ({ l: 's', I: 'x', O: 'y', '0': 'z' })[c]!);
  return `glagent-${body}`;
}

/** GET /projects/:id/cluster_agents/:agent_id/tokens: active tokens only. */
export function listTokens(req: ApiRequest): SimResponse {
  const params = pageParams(req.query);
  const agentId = integerParam(req, 'agent_id');
  const project = userProject(req);
  const agent = findAgent(req, project, agentId);
  const { items, headers } = paginate(req.state.activeTokensOf(agent.id), params, `${req.publicUrl}/api/v4${req.path}`, {
    ...Object.fromEntries(req.query),
    id: decodeURIComponent(req.params.id!),
    agent_id: agentId,
  });
  return ok(items.map(tokenBasic), headers);
}

/** GET /projects/:id/cluster_agents/:agent_id/tokens/:token_id: a revoked token is a 404. */
export function getToken(req: ApiRequest): SimResponse {
  const agentId = integerParam(req, 'agent_id');
  const tokenId = integerParam(req, 'token_id');
  const project = userProject(req);
  const agent = findAgent(req, project, agentId);
  const token = req.state.tokens.find((t) => t.id === tokenId && t.agent_id === agent.id && t.status === 'active');
  if (!token) throw fail.recordNotFound();
  return ok(tokenEntity(token));
}

/** POST /projects/:id/cluster_agents/:agent_id/tokens: 403, agent, the limit, then the model's validations. */
export function createToken(req: ApiRequest): SimResponse {
  const agentId = integerParam(req, 'agent_id');
  const name = requiredString(req, 'name');
  const description = optionalString(req, 'description');
  const project = userProject(req);
  authorize(req, project, ACCESS.maintainer);
  const agent = findAgent(req, project, agentId);
  if (req.state.activeTokensOf(agent.id).length >= ACTIVE_TOKENS_LIMIT) throw fail.badRequest('An agent can have only two active tokens at a time');
  const problems: string[] = [];
  if (name.trim() === '') problems.push("Name can't be blank");
  if (name.length > 255) problems.push('Name is too long (maximum is 255 characters)');
  if (description !== null && description.length > 1024) problems.push('Description is too long (maximum is 1024 characters)');
  if (problems.length > 0) throw fail.badRequest(problems);
  const token = {
    id: req.state.newId(),
    agent_id: agent.id,
    name,
    description,
    status: 'active' as const,
    created_at: new Date().toISOString(),
    created_by_user_id: req.user.id,
    last_used_at: null,
  };
  req.state.tokens.push(token);
  return created({ ...tokenEntity(token), token: secret() });
}

/** DELETE /projects/:id/cluster_agents/:agent_id/tokens/:token_id: revokes; a revoked token is found too. */
export function revokeToken(req: ApiRequest): SimResponse {
  const agentId = integerParam(req, 'agent_id');
  const tokenId = integerParam(req, 'token_id');
  const project = userProject(req);
  authorize(req, project, ACCESS.maintainer);
  const agent = findAgent(req, project, agentId);
  const token = req.state.tokens.find((t) => t.id === tokenId && t.agent_id === agent.id);
  if (!token) throw fail.recordNotFound();
  token.status = 'revoked';
  return noContent();
}
