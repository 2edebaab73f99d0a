import type { Plugin } from 'graphql-yoga';
import { getOperationAST } from 'graphql';

/** What the gateway notes about one HTTP request for its log line and metrics. */
export interface RequestRecord {
  requestId: string;
  operationName?: string;
  errorCodes: string[];
}

interface WithRecord {
  record?: RequestRecord;
}

type Results = { errors?: readonly { extensions?: Record<string, unknown> }[] } | readonly { errors?: readonly { extensions?: Record<string, unknown> }[] }[];

/** Fills the request's record with the operation's name and every error code in its result. */
export function recordRequests(): Plugin<WithRecord, WithRecord> {
  return {
    onRequestParse({ serverContext }) {
      return {
        onRequestParseDone({ requestParserResult }) {
          const params = Array.isArray(requestParserResult) ? requestParserResult[0] : requestParserResult;
          if (serverContext.record && params?.operationName) serverContext.record.operationName = params.operationName;
        },
      };
    },
    onExecute({ args }) {
      const record = (args.contextValue as WithRecord).record;
      if (record && !record.operationName) record.operationName = getOperationAST(args.document, args.operationName)?.name?.value;
    },
    onResultProcess({ result, serverContext }) {
      const record = serverContext.record;
      if (!record || Symbol.asyncIterator in Object(result)) return;
      const list = (Array.isArray(result) ? result : [result]) as Results[];
      for (const one of list.flat() as { errors?: readonly { extensions?: Record<string, unknown> }[] }[]) {
        for (const error of one.errors ?? []) record.errorCodes.push(String(error.extensions?.code ?? 'UNKNOWN'));
      }
    },
  };
}
