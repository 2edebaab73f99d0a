import type { CallerAuth, GitLabClient } from './datasources/gitlab-client.js';
import { GitLabApi } from './datasources/gitlab-api.js';
import { Loaders } from './datasources/loaders.js';

/** Everything one GraphQL request owns. A new one per request keeps callers apart. */
export interface GatewayContext {
  loaders: Loaders;
}

/**
 * The caller's own GitLab credentials, exactly as sent. Only a Bearer
 * `Authorization` is forwarded: any other scheme is not a GitLab token.
 */
export function callerAuth(headers: Headers): CallerAuth {
  const auth: CallerAuth = {};
  const authorization = headers.get('authorization');
  if (authorization !== null && /^bearer\s/i.test(authorization)) auth.authorization = authorization;
  const privateToken = headers.get('private-token');
  if (privateToken !== null) auth.privateToken = privateToken;
  return auth;
}

export function createContext(client: GitLabClient, request: Request, maxConcurrentCalls?: number): GatewayContext {
  const api = new GitLabApi(client, callerAuth(request.headers), request.signal, maxConcurrentCalls);
  return { loaders: new Loaders(api) };
}
