import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { RequestRecord } from '../observability/request-record.js';

const GRAPHQL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_LOGGED_NAME = 100;

/**
 * The operation name as a log line may show it. It is the caller's text: one
 * that is not a GraphQL name (a pasted token, a 95 kB string) is described,
 * never copied, and a long real name is cut.
 */
export function loggedOperationName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (!GRAPHQL_NAME.test(name)) return `[not a GraphQL name, ${name.length} chars]`;
  return name.length > MAX_LOGGED_NAME ? `${name.slice(0, MAX_LOGGED_NAME)}…[${name.length} chars]` : name;
}

/** One line and the metrics of an admitted GraphQL request, once its response is over. */
export function logAccess(logger: Logger, metrics: Metrics, req: IncomingMessage, res: ServerResponse, record: RequestRecord): void {
  const started = performance.now();
  // 'close', not 'finish': a request whose client went away never finishes, and it is the one worth a line.
  res.on('close', () => {
    const seconds = (performance.now() - started) / 1000;
    const outcome = res.writableFinished ? (record.errorCodes[0] ?? 'ok') : 'aborted';
    metrics.graphqlRequest(record.operationName, outcome, seconds, record.executed);
    for (const refusal of record.refusals) metrics.refusal(refusal.code, refusal.limit);
    logger.info({
      msg: 'graphql request',
      requestId: record.requestId,
      method: req.method,
      status: res.writableFinished ? res.statusCode : 'aborted',
      operationName: loggedOperationName(record.operationName),
      errorCodes: record.errorCodes,
      ...(record.refusals.length ? { refusals: record.refusals } : {}),
      restCalls: record.restCalls.toJSON(),
      durationMs: Math.round(seconds * 10_000) / 10,
    });
  });
}
