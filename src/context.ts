import type { Config } from './config.js';
import type { CallerAuth, GitLabClient, RestCallEvent } from './datasources/gitlab-client.js';
import type { CallTracer } from './observability/tracing.js';
import { GitLabApi } from './datasources/gitlab-api.js';
import { GitLabData } from './datasources/gitlab-data.js';
import { forwardableTraceContext } from './observability/trace-context.js';

/** Everything one GraphQL request owns. A new one per request keeps callers apart. */
export interface GatewayContext {
  /** The schema's one door to GitLab: its reads, writes and per-request DataLoaders. */
  gitlab: GitLabData;
  requestId: string;
}

/** The settings that bound one GraphQL request's REST calls. */
type RequestLimits = Pick<Config, 'maxRestCallsPerRequest' | 'graphqlTimeoutMs'>;

/**
 * The caller's own GitLab credentials, exactly as sent. Only a Bearer
 * `Authorization` is forwarded: any other scheme is not a GitLab token.
 */
function callerAuth(headers: Headers): CallerAuth {
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
  /** With tracing on: the request's span, parent of a span per REST call attempt. */
  trace?: CallTracer | undefined;
}

export function createContext(client: GitLabClient, request: Request, options: ContextOptions): GatewayContext {
  const { requestId, maxConcurrentCalls, maxRestCallsPerRequest, graphqlTimeoutMs } = options;
  const traceContext = forwardableTraceContext(request.headers);
  const api = new GitLabApi(
    client,
    {
      auth: callerAuth(request.headers),
      signal: request.signal,
      // The deadline runs from here, when yoga has parsed the request: its body is already bounded in time by bodyTimeoutMs.
      deadline: performance.now() + graphqlTimeoutMs,
      requestId,
      ...(traceContext ? { traceContext } : {}),
      ...(options.observe ? { observe: options.observe } : {}),
      ...(options.trace ? { trace: options.trace } : {}),
    },
    { maxConcurrentCalls, maxRestCalls: maxRestCallsPerRequest },
  );
  return { gitlab: new GitLabData(api), requestId };
}
