import { fetch } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const FAN_OUT = '{ project(id: "g/p") { agents(first: 3) { nodes { tokens { nodes { name } } } } } }';

async function send(headers: Record<string, string>) {
  stack.simulator.resetStats();
  const res = await fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.maintainer}`, ...headers },
    body: JSON.stringify({ query: FAN_OUT }),
  });
  expect(((await res.json()) as any).errors).toBeUndefined();
  return { requestId: res.headers.get('x-request-id'), calls: [...stack.simulator.requests] };
}

test("a caller's traceparent and X-Request-Id go with every REST call of its request, and the id comes back", async () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const { requestId, calls } = await send({ traceparent, 'x-request-id': 'trace-me-1' });
  expect(requestId).toBe('trace-me-1');
  expect(calls.length).toBe(4); // the agent list and three token lists
  expect(calls.map((c) => [c.traceparent, c.requestId])).toEqual(Array(4).fill([traceparent, 'trace-me-1']));
});

test('without an X-Request-Id one is made, echoed and forwarded; no traceparent is invented', async () => {
  const { requestId, calls } = await send({});
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(calls.every((c) => c.requestId === requestId && c.traceparent === undefined)).toBe(true);
});

test.each([
  ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
  ['all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
  ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
  ['not the W3C shape', 'glpat-maintainer'],
])('an invalid traceparent (%s) is not passed on, and neither is an unsafe request id', async (_name, traceparent) => {
  const { requestId, calls } = await send({ traceparent, 'x-request-id': 'has spaces and "quotes"' });
  expect(requestId).not.toContain(' ');
  expect(calls.every((c) => c.traceparent === undefined && c.requestId === requestId)).toBe(true);
});
