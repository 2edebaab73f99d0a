import type { CallerAuth, GitLabClient } from './datasources/gitlab-client.js';
import { GitLabApi } from './datasources/gitlab-api.js';
import { Loaders } from './datasources/loaders.js';
import { forwardableTraceparent } from './observability/trace-context.js';

/** Everything one GraphQL request owns. A new one per request keeps callers apart. */
export interface GatewayContext {
  loaders: Loaders;
  requestId: string;
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

export function createContext(client: GitLabClient, request: Request, requestId: string, maxConcurrentCalls?: number): GatewayContext {
  const traceparent = forwardableTraceparent(request.headers.get('traceparent'));
  const api = new GitLabApi(
    client,
    {
      auth: callerAuth(request.headers),
      signal: request.signal,
      requestId,
      ...(traceparent ? { traceparent } : {}),
    },
    maxConcurrentCalls,
  );
  return { loaders: new Loaders(api), requestId };
}
