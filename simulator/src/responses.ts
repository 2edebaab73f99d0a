/** A finished answer: JSON (`body`) or text. */
export interface SimResponse {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/** An answer thrown from anywhere in a handler, as Grape's `error!` does. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status}`);
  }
}

/** How Ruby's Array#inspect prints a list of messages, which `bad_request!` interpolates. */
function rubyInspect(messages: string[]): string {
  return `[${messages.map((m) => JSON.stringify(m)).join(', ')}]`;
}

/** GitLab's error bodies, each exactly as lib/api/helpers.rb and api.rb render it (gitlab-behaviour.md 1.1). */
export const fail = {
  unauthorized: () => new ApiError(401, { message: '401 Unauthorized' }),
  forbidden: () => new ApiError(403, { message: '403 Forbidden' }),
  /** `not_found!` / `not_found!('Project')` / `not_found!('ClusterAgents')`. */
  notFound: (what?: string) => new ApiError(404, { message: what ? `404 ${what} Not Found` : '404 Not Found' }),
  /** A finder's `.find` missed: ActiveRecord::RecordNotFound, lower-case f. */
  recordNotFound: () => new ApiError(404, { message: '404 Not found' }),
  /** The catch-all route. */
  noRoute: () => new ApiError(404, { error: '404 Not Found' }),
  /** Grape parameter validation. */
  param: (messages: string[]) => new ApiError(400, { error: messages.join(', ') }),
  /** `bad_request!(reason)`: a service's single string, or a model's full_messages array. */
  badRequest: (reason: string | string[]) =>
    new ApiError(400, { message: `400 Bad request - ${typeof reason === 'string' ? reason : rubyInspect(reason)}` }),
  preconditionFailed: () => new ApiError(412, { message: '412 Precondition Failed' }),
  movedNonGet: () => new ApiError(405, { message: 'Non GET methods are not allowed for moved projects' }),
};

export const created = (body: unknown): SimResponse => ({ status: 201, body });
export const ok = (body: unknown, headers?: Record<string, string>): SimResponse => ({ status: 200, body, ...(headers ? { headers } : {}) });
export const noContent = (): SimResponse => ({ status: 204 });
