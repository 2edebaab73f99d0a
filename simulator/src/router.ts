import type { ApiRequest } from './context.js';
import type { SimResponse } from './responses.js';
import { deleteAgent, getAgent, listAgents, registerAgent } from './routes/agents.js';
import { getProject } from './routes/projects.js';
import { createToken, getToken, listTokens, revokeToken } from './routes/tokens.js';
import { createUrlConfiguration, deleteUrlConfiguration, getUrlConfiguration, listUrlConfigurations } from './routes/url-configurations.js';

type Handler = (req: ApiRequest) => SimResponse;

/** The routes, each named `METHOD template`: the name is also what requests are counted under. */
const ROUTES: [string, Handler][] = [
  ['GET /projects/:id', getProject],
  ['GET /projects/:id/cluster_agents', listAgents],
  ['POST /projects/:id/cluster_agents', registerAgent],
  ['GET /projects/:id/cluster_agents/:agent_id', getAgent],
  ['DELETE /projects/:id/cluster_agents/:agent_id', deleteAgent],
  ['GET /projects/:id/cluster_agents/:agent_id/tokens', listTokens],
  ['POST /projects/:id/cluster_agents/:agent_id/tokens', createToken],
  ['GET /projects/:id/cluster_agents/:agent_id/tokens/:token_id', getToken],
  ['DELETE /projects/:id/cluster_agents/:agent_id/tokens/:token_id', revokeToken],
  ['GET /projects/:id/cluster_agents/:agent_id/url_configurations', listUrlConfigurations],
  ['POST /projects/:id/cluster_agents/:agent_id/url_configurations', createUrlConfiguration],
  ['GET /projects/:id/cluster_agents/:agent_id/url_configurations/:url_configuration_id', getUrlConfiguration],
  ['DELETE /projects/:id/cluster_agents/:agent_id/url_configurations/:url_configuration_id', deleteUrlConfiguration],
];

const COMPILED = ROUTES.map(([name, handler]) => {
  const [method, template] = name.split(' ') as [string, string];
  return { name, method, segments: template.split('/').slice(1), handler };
});

export interface Match {
  route: string;
  params: Record<string, string>;
  handler: Handler;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Finds the route for a path below /api/v4. Segments are split before
 * decoding, so `g%2Fp` is one segment (GitLab's `id: /[^\/]+/`) and a raw
 * `g/p` matches nothing. Grape answers HEAD with the GET route.
 */
export function match(method: string, path: string): Match | undefined {
  const wanted = method === 'HEAD' ? 'GET' : method;
  const segments = path.split('/').slice(1);
  for (const route of COMPILED) {
    if (route.method !== wanted || route.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const hit = route.segments.every((part, i) => {
      const segment = segments[i]!;
      if (!part.startsWith(':')) return part === segment;
      params[part.slice(1)] = decode(segment);
      return segment !== '';
    });
    if (hit) return { route: route.name, params, handler: route.handler };
  }
  return undefined;
}
