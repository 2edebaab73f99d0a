import type { IncomingMessage, ServerResponse } from 'node:http';

/** Codes of the refusals the HTTP layer answers itself, before or instead of GraphQL execution. */
type RefusalCode = 'BAD_REQUEST' | 'QUERY_TOO_COMPLEX' | 'OVERLOADED' | 'REQUEST_TIMEOUT';

/** A request the gateway turns away: what the caller is told, and which of the gateway's limits said no. */
export interface Refusal {
  status: number;
  code: RefusalCode;
  /** The setting that refused it (e.g. maxBodyBytes), shown to the caller and on /metrics. */
  limit?: string;
  message: string;
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

/** Answers a refusal as a GraphQL error; the unread rest of its body is drained, not parsed. */
export function sendRefusal(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  const extensions = { code: refusal.code, ...(refusal.limit ? { limit: refusal.limit } : {}), ...refusal.extensions };
  res.writeHead(refusal.status, { 'content-type': 'application/json', ...refusal.headers });
  res.end(JSON.stringify({ errors: [{ message: refusal.message, extensions }] }));
  req.resume();
}
