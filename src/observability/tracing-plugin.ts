import type { IncomingMessage, ServerResponse } from 'node:http';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RequestRecord } from './request-record.js';
import type { CallTracer, GatewayTracer, RequestOutcome, RequestSpan } from './tracing.js';

interface Traced {
  span: RequestSpan;
  operationType?: string;
}

export interface RequestTracing {
  /** Starts the request's SERVER span, ended when its response is: before yoga or the direct path sees it. */
  begin(req: IncomingMessage, res: ServerResponse, record: RequestRecord): void;
  /** A SERVER span for a request refused before GraphQL (by the HTTP layer's own limits), ended when its refusal is sent. */
  refused(req: IncomingMessage, res: ServerResponse, code: string): void;
  /** The span the request's REST calls are children of. */
  spanOf(record: RequestRecord): CallTracer | undefined;
  /** Notes the operation's type as yoga executes it. */
  plugin: Plugin;
}

/**
 * One SERVER span per GraphQL request, from its admission to the response's
 * last byte (a deferred or streamed one included), with the operation's name
 * and type and the error codes the request's record gathered. Only built
 * when tracing is on.
 */
export function requestTracing(tracer: GatewayTracer): RequestTracing {
  const traced = new WeakMap<RequestRecord, Traced>();
  /** A SERVER span for the life of `res`, ended with its status and what `outcome` says once it has closed. */
  const spanUntilClosed = (req: IncomingMessage, res: ServerResponse, outcome: () => Omit<RequestOutcome, 'httpStatus' | 'aborted'>): RequestSpan => {
    const span = tracer.startRequest(req.method ?? 'GET', req.headers);
    res.once('close', () => span.end({ httpStatus: res.statusCode, aborted: !res.writableFinished, ...outcome() }));
    return span;
  };
  return {
    begin(req, res, record) {
      const entry: Traced = {
        span: spanUntilClosed(req, res, () => ({
          operationName: record.operationName,
          // Only yoga runs mutations and subscriptions, and notes their type: the direct path
          // (src/execution/compiled-execution.ts) answers queries only, and notes no type.
          operationType: entry.operationType ?? (record.executed ? 'query' : undefined),
          errorCodes: record.errorCodes,
        })),
      };
      traced.set(record, entry);
    },
    refused(req, res, code) {
      spanUntilClosed(req, res, () => ({ operationName: undefined, operationType: undefined, errorCodes: [code] }));
    },
    spanOf: (record) => traced.get(record)?.span,
    plugin: {
      onExecute({ args }) {
        const record = (args.contextValue as { record?: RequestRecord }).record;
        const entry = record && traced.get(record);
        if (entry) entry.operationType = getOperationAST(args.document, args.operationName)?.operation;
      },
    },
  };
}
