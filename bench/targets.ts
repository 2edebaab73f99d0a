/** What the load generator sends to each system under test, for each operation. */
import type { Request as CannonRequest } from 'autocannon';
import { TOKENS } from '../simulator/src/index.js';
import { STRAIGHT, requestBody } from '../test/helpers/benchmark-operations.js';
import type { BenchOperation } from '../test/helpers/benchmark-operations.js';
import type { Target } from './lib/load.js';

/** The systems the bench can drive. */
export const TARGET_KINDS = ['gateway', 'direct', 'straight', 'floor'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

const AUTH = { authorization: `Bearer ${TOKENS.maintainer}` };
/** A GraphQL POST's headers, with the maintainer's token: the same bytes to the gateway and the direct baseline. */
export const GRAPHQL_POST_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...AUTH };

/** A 200 from the gateway can still carry errors; the direct baseline's shape is the same. */
const noErrors = (body: string | Buffer | undefined) => typeof body === 'string' && body.startsWith('{') && !body.includes('"errors"');

/** The walk's cursor, from the previous window's answer. */
interface WalkContext {
  after?: string | null;
}

/** The requests of one operation: one POST, or for the walk one POST per window, each after the previous one's endCursor. */
function posts(op: BenchOperation, path: string): CannonRequest[] {
  if (op.requests === 1) return [{ method: 'POST', path, headers: GRAPHQL_POST_HEADERS, body: requestBody(op) }];
  const remember = (_status: number, body: string, context: object) => {
    try {
      (context as WalkContext).after = (JSON.parse(body) as { data: { project: { agents: { pageInfo: { endCursor: string | null } } } } }).data.project.agents.pageInfo.endCursor;
    } catch {
      (context as WalkContext).after = null;
    }
  };
  return Array.from({ length: op.requests }, (_, i) =>
    i === 0
      ? { method: 'POST' as const, path, headers: GRAPHQL_POST_HEADERS, body: requestBody(op, null), onResponse: remember }
      : {
          method: 'POST' as const,
          path,
          headers: GRAPHQL_POST_HEADERS,
          setupRequest: (request: CannonRequest, context: object) => ({ ...request, body: requestBody(op, (context as WalkContext).after ?? null) }),
          onResponse: remember,
        },
  );
}

export function gatewayTarget(url: string, op: BenchOperation): Target {
  return { url, requests: posts(op, '/graphql'), verifyBody: noErrors };
}

export function directTarget(url: string, op: BenchOperation): Target {
  return { url, requests: posts(op, op.directPath), verifyBody: noErrors };
}

/** (a)'s one REST call, made straight to the simulator. */
export function straightTarget(simulatorUrl: string): Target {
  return {
    url: simulatorUrl,
    requests: [{ method: 'GET', path: STRAIGHT.path, headers: { accept: 'application/json', ...AUTH } }],
    verifyBody: (body) => typeof body === 'string' && body.startsWith('['),
  };
}

/** The floor (bench/floor.ts): each of the operation's requests posts the REST calls it needs at the least. */
export function floorTarget(url: string, op: BenchOperation): Target {
  const post: CannonRequest = { method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, body: JSON.stringify(op.calls) };
  return { url, requests: Array.from({ length: op.requests }, () => post), verifyBody: (body) => body === '{}' };
}
