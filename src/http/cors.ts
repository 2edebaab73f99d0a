import type { IncomingMessage, ServerResponse } from 'node:http';

const ALLOWED_HEADERS = 'content-type, authorization, private-token, x-request-id, x-graphql-yoga-csrf, apollo-require-preflight, traceparent, tracestate';

/**
 * CORS for browser callers on other origins. The gateway uses no cookies (a
 * caller's token travels in a header its own code sets), so it never sends
 * Access-Control-Allow-Credentials; `*` is answered as `*`, and an origin not
 * listed gets no CORS header at all — never an echo, and never `null`, which
 * sandboxed iframes and file: pages send and would then match.
 */
export function createCors(origins: readonly string[]): { apply(req: IncomingMessage, res: ServerResponse): void; preflight(req: IncomingMessage, res: ServerResponse): void } {
  const anyOrigin = origins.includes('*');
  const listed = new Set(origins);

  function allowedOrigin(req: IncomingMessage): string | undefined {
    const origin = req.headers.origin;
    if (origin === undefined || origins.length === 0) return undefined;
    if (anyOrigin) return '*';
    return listed.has(origin) ? origin : undefined;
  }

  function apply(req: IncomingMessage, res: ServerResponse): void {
    // The answer depends on Origin whenever a list decides it: caches must not hand one origin's answer to another.
    if (origins.length && !anyOrigin) res.setHeader('vary', 'Origin');
    const origin = allowedOrigin(req);
    if (origin) res.setHeader('access-control-allow-origin', origin);
  }

  return {
    apply,
    preflight(req, res) {
      apply(req, res);
      if (res.hasHeader('access-control-allow-origin')) {
        res.setHeader('access-control-allow-methods', 'GET, POST');
        res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
        res.setHeader('access-control-max-age', '600');
      }
      res.writeHead(204, { 'content-length': '0' });
      res.end();
    },
  };
}
