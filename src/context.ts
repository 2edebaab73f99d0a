import type { Config } from './config.js';
import type { CallerAuth, GitLabClient, RestCallEvent } from './datasources/gitlab-client.js';
import { GitLabApi } from './datasources/gitlab-api.js';
import { Loaders } from './datasources/loaders.js';
import { forwardableTraceparent } from './observability/trace-context.js';

/** Everything one GraphQL request owns. A new one per request keeps callers apart. */
export interface GatewayContext {
  loaders: Loaders;
  requestId: string;
}

/** The settings that bound one GraphQL request's REST calls. */
export type RequestLimits = Pick<Config, 'maxRestCallsPerRequest' | 'graphqlTimeoutMs'>;

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

export interface ContextOptions extends RequestLimits {
  requestId: string;
  maxConcurrentCalls: number;
  /** Told of each of the request's REST calls once it has ended. */
  observe?: (event: RestCallEvent) => void;
}

export function createContext(client: GitLabClient, request: Request, options: ContextOptions): GatewayContext {
  const { requestId, maxConcurrentCalls, maxRestCallsPerRequest, graphqlTimeoutMs } = options;
  const traceparent = forwardableTraceparent(request.headers.get('traceparent'));
  const api = new GitLabApi(
    client,
    {
      auth: callerAuth(request.headers),
      signal: request.signal,
      // The deadline runs from here, when yoga has parsed the request: its body is already bounded in time by bodyTimeoutMs.
      deadline: performance.now() + graphqlTimeoutMs,
      requestId,
      ...(traceparent ? { traceparent } : {}),
      ...(options.observe ? { observe: options.observe } : {}),
    },
    { maxConcurrentCalls, maxRestCalls: maxRestCallsPerRequest },
  );
  return { loaders: new Loaders(api), requestId };
}
