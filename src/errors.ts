import { GraphQLError } from 'graphql';

/** The `errors[].extensions.code` values of the runtime contract. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'RATE_LIMITED'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'QUERY_TOO_COMPLEX'
  /** The gateway's own: it is already serving MAX_IN_FLIGHT_REQUESTS requests (HTTP 503, Retry-After). */
  | 'OVERLOADED';

/**
 * Every error the gateway raises on purpose. Its message and extensions are
 * shown to callers as they are, so they are built only from values that can
 * never hold a token, a secret or a client key.
 */
export class GatewayError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'GatewayError';
  }

  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GatewayError {
  return new GatewayError('BAD_USER_INPUT', message, extensions);
}

/**
 * A write that may have reached GitLab and got no answer (a timeout, a
 * dropped connection). Writes are never sent again, so whether it happened
 * is unknown; `withHint` says so in the words of whoever knows how to check.
 */
export class WriteOutcomeUnknown extends GatewayError {
  constructor(code: 'UPSTREAM_TIMEOUT' | 'UPSTREAM_UNAVAILABLE', message: string) {
    super(code, message, { outcomeUnknown: true });
  }

  withHint(howToCheck: string): GatewayError {
    return new GatewayError(this.code, `${this.message}. The write was not retried and may or may not have happened: ${howToCheck}`, { outcomeUnknown: true });
  }
}
