/** A finished answer: a JSON `body`, a `text` (typed by `contentType`, if any), or neither (204). */
export interface SimResponse {
  status: number;
  body?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** An answer thrown from anywhere in a handler, as Grape's `error!` does. */
export class ApiError extends Error {
  constructor(readonly response: SimResponse) {
    super(String(response.status));
  }
}

const error = (status: number, body: unknown) => new ApiError({ status, body });

/** How Ruby's Array#inspect prints a list of messages, which `bad_request!` then interpolates. */
function rubyInspect(messages: string[]): string {
  return `[${messages.map((m) => JSON.stringify(m)).join(', ')}]`;
}

/** GitLab's error answers, each exactly as lib/api/helpers.rb and api.rb render it. */
export const fail = {
  unauthorized: () => error(401, { message: '401 Unauthorized' }),
  forbidden: () => error(403, { message: '403 Forbidden' }),
  /** `not_found!`, `not_found!('Project')`, `not_found!('ClusterAgents')`. */
  notFound: (what?: string) => error(404, { message: what ? `404 ${what} Not Found` : '404 Not Found' }),
  /** A finder's `.find` missed: ActiveRecord::RecordNotFound, rescued with a lower-case f. */
  recordNotFound: () => error(404, { message: '404 Not found' }),
  /** The catch-all route: an unknown path, or a known one with a method it lacks. */
  noRoute: () => error(404, { error: '404 Not Found' }),
  /** Grape's exceptions (parameter validation, unreadable bodies) are rendered under `error`. */
  grape: (status: number, message: string) => error(status, { error: message }),
  /** `bad_request!(reason)`: a service's single string, or a model's full_messages array. */
  badRequest: (reason: string | string[]) => error(400, { message: `400 Bad request - ${typeof reason === 'string' ? reason : rubyInspect(reason)}` }),
  preconditionFailed: () => error(412, { message: '412 Precondition Failed' }),
  /** An exception nothing rescues (a database constraint, a TypeError in a validator): api.rb's catch-all. */
  internalError: () => error(500, { message: '500 Internal Server Error' }),
  movedNonGet: () => error(405, { message: 'Non GET methods are not allowed for moved projects' }),
  /** MovedPermanentlyError goes out through `rack_response`: a plain-text body and no content type. */
  moved: (location: string) => new ApiError({ status: 301, text: `This resource has been moved permanently to ${location}`, headers: { Location: location } }),
};

export const ok = (body: unknown, headers?: Record<string, string>): SimResponse => ({ status: 200, body, headers });
export const created = (body: unknown): SimResponse => ({ status: 201, body });
export const noContent = (): SimResponse => ({ status: 204 });
