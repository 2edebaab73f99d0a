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

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const members = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=v${i}`).join(',');

test.each([
  ['two vendors, spaces around the commas', 'congo=t61rcWkgMzE , rojo=00f067aa0ba902b7'],
  ['a multi-tenant key, and an empty member', 'tenant1@vendor=opaque-value/1,,rojo=1'],
  ['32 members', members(32)],
  ['512 characters', `a=${'x'.repeat(255)},b=${'y'.repeat(252)}`],
])("a valid tracestate (%s) goes with the caller's traceparent, unchanged", async (_name, tracestate) => {
  const { calls } = await send({ traceparent: TRACEPARENT, tracestate });
  expect(calls.length).toBe(4);
  expect(calls.map((c) => [c.traceparent, c.tracestate])).toEqual(Array(4).fill([TRACEPARENT, tracestate]));
});

test.each([
  ['33 members', members(33)],
  ['513 characters', `a=${'x'.repeat(255)},b=${'y'.repeat(253)}`],
  ['a key with an upper-case letter', 'Congo=1'],
  ['a member without a value', 'congo'],
  ['an "=" in a value', 'congo=a=b'],
  ['a repeated key', 'congo=1,congo=2'],
  ['only empty members', ' , '],
])('an invalid tracestate (%s) is dropped as a whole; the traceparent still goes', async (_name, tracestate) => {
  const { calls } = await send({ traceparent: TRACEPARENT, tracestate });
  expect(calls.every((c) => c.traceparent === TRACEPARENT && c.tracestate === undefined)).toBe(true);
});

test('a tracestate without a valid traceparent is not passed on', async () => {
  for (const headers of [{ tracestate: 'congo=1' } as Record<string, string>, { traceparent: 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'congo=1' }]) {
    const { calls } = await send(headers);
    expect(calls.every((c) => c.traceparent === undefined && c.tracestate === undefined)).toBe(true);
  }
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
