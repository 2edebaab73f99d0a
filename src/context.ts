import type { CallerAuth, GitLabClient } from './datasources/gitlab-client.js';
import { GitLabApi } from './datasources/gitlab-api.js';
import { Loaders } from './datasources/loaders.js';

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

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export function createContext(client: GitLabClient, request: Request, requestId: string, maxConcurrentCalls?: number): GatewayContext {
  const traceparent = request.headers.get('traceparent') ?? undefined;
  const api = new GitLabApi(
    client,
    {
      auth: callerAuth(request.headers),
      signal: request.signal,
      requestId,
      ...(traceparent && TRACEPARENT.test(traceparent) ? { traceparent } : {}),
    },
    maxConcurrentCalls,
  );
  return { loaders: new Loaders(api), requestId };
}
