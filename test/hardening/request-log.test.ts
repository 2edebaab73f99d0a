import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { LogCapture } from '../helpers/log-capture.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/** At info, one line per GraphQL request sums its REST calls up; at debug, each call has a line of its own too. */
const QUERY = '{ project(id: "g/p") { agents(first: 3) { nodes { name tokens(first: 1) { nodes { name } } } } } }';

let info: { stack: Stack; logs: LogCapture };
let debug: { stack: Stack; logs: LogCapture };
beforeAll(async () => {
  const start = async (logLevel: string) => {
    const logs = new LogCapture();
    return { logs, stack: await startStack({ gateway: { logLevel, logDestination: logs, retryAttempts: 2 } }) };
  };
  [info, debug] = await Promise.all([start('info'), start('debug')]);
});
afterAll(() => Promise.all([info.stack.close(), debug.stack.close()]));

const linesOf = (logs: LogCapture, msg: string, requestId: string) => logs.entries().filter((e) => e.msg === msg && e.requestId === requestId);

async function settled(logs: LogCapture, requestId: string): Promise<Record<string, unknown>> {
  // The request's line is written when its response closes, just after the client has read it.
  for (let i = 0; i < 100 && linesOf(logs, 'graphql request', requestId).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  return linesOf(logs, 'graphql request', requestId)[0]!;
}

test("at info: the request's line has the count, total and slowest duration, statuses and retries of its REST calls, and no call has a line", async () => {
  info.stack.simulator.failNext(1, '503', { route: 'GET /projects/:id/cluster_agents' });
  const res = await info.stack.gql(QUERY, undefined, { token: TOKENS.maintainer, headers: { 'x-request-id': 'summary-1' } });
  expect(res.errors).toBeUndefined();
  const line = await settled(info.logs, 'summary-1');
  const restCalls = line.restCalls as { count: number; totalMs: number; slowestMs: number; statuses: Record<string, number>; retries: number };
  expect(restCalls).toMatchObject({ count: 5, statuses: { '200': 4, '503': 1 }, retries: 1 });
  expect(restCalls.slowestMs).toBeGreaterThan(0);
  expect(restCalls.totalMs).toBeGreaterThanOrEqual(restCalls.slowestMs);
  expect(linesOf(info.logs, 'gitlab call', 'summary-1')).toEqual([]);
});

test('at debug: one more line per REST call, with its route, status and attempt', async () => {
  await debug.stack.gql(QUERY, undefined, { token: TOKENS.maintainer, headers: { 'x-request-id': 'summary-2' } });
  const line = await settled(debug.logs, 'summary-2');
  const calls = linesOf(debug.logs, 'gitlab call', 'summary-2');
  expect(calls).toHaveLength(4);
  expect((line.restCalls as { count: number }).count).toBe(4);
  expect(calls.map((c) => c.route).sort()).toEqual(['GET /projects/:id/cluster_agents', ...Array(3).fill('GET /projects/:id/cluster_agents/:agent_id/tokens')]);
  expect(calls.every((c) => c.status === 200 && c.attempt === 1)).toBe(true);
});
