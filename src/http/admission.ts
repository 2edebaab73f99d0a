import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.js';
import { rejectBody } from '../limits/body-limit.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { RestCallSummary } from '../observability/request-record.js';
import type { RequestRecord } from '../observability/request-record.js';
import { logAccess } from './access-log.js';
import { readBody } from './body-reader.js';
import { sendRefusal } from './refusal.js';
import type { Refusal } from './refusal.js';

/** A caller's X-Request-Id is reused only when it is a plain token: it ends up in logs and in GitLab's. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** An admitted request's body, read in full before yoga sees it: @whatwg-node/server takes a Buffer `req.body` as the body. */
type WithBody = IncomingMessage & { body?: Buffer };

export interface AdmissionOptions {
  config: Pick<Config, 'maxBodyBytes' | 'maxInFlightRequests' | 'bodyTimeoutMs'>;
  logger: Logger;
  metrics: Metrics;
  draining(): boolean;
  /** Response headers every GraphQL answer carries, refusals included (CORS). */
  decorate(req: IncomingMessage, res: ServerResponse): void;
  serve(req: IncomingMessage, res: ServerResponse, record: RequestRecord): void;
  /** Told of each request refused here, before GraphQL (with tracing on: its span). */
  onRefused?: ((req: IncomingMessage, res: ServerResponse, code: string) => void) | undefined;
}

/**
 * Decides whether a GraphQL request is served: its body is bounded and read
 * before it may take one of MAX_IN_FLIGHT_REQUESTS slots, so a client that
 * trickles its body (or never finishes it) holds a socket and at most its
 * declared bytes, never a slot; it is cut off at BODY_TIMEOUT_MS.
 */
export function createAdmission({ config, logger, metrics, draining, decorate, serve, onRefused }: AdmissionOptions): (req: IncomingMessage, res: ServerResponse) => void {
  let inFlight = 0;
  // What the in-flight requests' own bodies could hold at most: unfinished bodies may not hold more on top.
  const maxPendingBodyBytes = config.maxInFlightRequests * config.maxBodyBytes;
  let pendingBodyBytes = 0;
  let pendingBodies = 0;
  metrics.observeAdmission(() => ({ inFlight, pendingBodies }));

  function refuse(req: IncomingMessage, res: ServerResponse, requestId: string, refusal: Refusal): void {
    metrics.refusal(refusal.code, refusal.limit, true);
    logger.warn({ msg: 'request refused', requestId, status: refusal.status, code: refusal.code, limit: refusal.limit, declaredBytes: req.headers['content-length'] });
    onRefused?.(req, res, refusal.code);
    sendRefusal(req, res, refusal);
  }

  function admit(req: WithBody, res: ServerResponse, requestId: string, body: Buffer | undefined): void {
    // When GitLab slows down, requests pile up; past the cap they are turned away at once, so that memory
    // (and the heap limit npm start sets) bounds what a flood can cost rather than crashing the process.
    if (inFlight >= config.maxInFlightRequests) {
      refuse(req, res, requestId, {
        status: 503,
        code: 'OVERLOADED',
        limit: 'maxInFlightRequests',
        headers: { 'retry-after': '1' },
        message: `The gateway is serving its maximum of ${config.maxInFlightRequests} requests at once; retry shortly`,
        extensions: { retryAfter: 1 },
      });
      return;
    }
    inFlight++;
    res.once('close', () => inFlight--);
    const record: RequestRecord = { requestId, errorCodes: [], refusals: [], restCalls: new RestCallSummary() };
    logAccess(logger, metrics, req, res, record);
    if (body) req.body = body;
    serve(req, res, record);
  }

  return (req, res) => {
    const sent = req.headers['x-request-id'];
    const requestId = typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
    res.setHeader('x-request-id', requestId);
    // A response may hold a freshly created agent token's secret: no cache on the way may keep any of them.
    res.setHeader('cache-control', 'no-store');
    if (draining()) res.setHeader('connection', 'close');
    decorate(req, res);

    const rejection = rejectBody(req, config.maxBodyBytes);
    if (rejection) {
      refuse(req, res, requestId, { ...rejection, code: 'QUERY_TOO_COMPLEX', limit: 'maxBodyBytes', headers: { connection: 'close' } });
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (!declared) return admit(req, res, requestId, undefined);
    if (pendingBodyBytes + declared > maxPendingBodyBytes) {
      refuse(req, res, requestId, {
        status: 503,
        code: 'OVERLOADED',
        limit: 'pendingBodyBytes',
        headers: { 'retry-after': '1', connection: 'close' },
        message: 'The gateway is receiving as many request bodies as it holds at once; retry shortly',
        extensions: { retryAfter: 1 },
      });
      return;
    }
    pendingBodyBytes += declared;
    pendingBodies++;
    readBody(req, config.bodyTimeoutMs, (outcome) => {
      pendingBodyBytes -= declared;
      pendingBodies--;
      if (outcome === 'timeout') {
        refuse(req, res, requestId, {
          status: 408,
          code: 'REQUEST_TIMEOUT',
          limit: 'bodyTimeoutMs',
          headers: { connection: 'close' },
          message: `The request body did not arrive within ${config.bodyTimeoutMs} ms`,
        });
      } else if (outcome !== 'aborted') {
        admit(req, res, requestId, outcome);
      }
    });
  };
}
