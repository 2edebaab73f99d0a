import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/**
 * MAX_IN_FLIGHT_REQUESTS: when GitLab is slow, requests beyond the cap are
 * turned away at once (503, Retry-After, code OVERLOADED) instead of piling
 * up; the ones being served are unaffected, and capacity comes back as they end.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ simulator: { latencyMs: 400 }, gateway: { maxInFlightRequests: 3 } });
});
afterAll(() => stack.close());

const post = () =>
  fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.maintainer}` },
    body: JSON.stringify({ query: '{ project(id: "g/p") { agents(first: 2) { nodes { name } } } }' }),
  }).then(async (res) => ({ status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] } }));

test('past the cap, requests get 503 OVERLOADED at once and cost no REST call; the cap frees as requests end', async () => {
  let servedDone = 0;
  const served = [post(), post(), post()].map((p) => p.finally(() => servedDone++));
  // The first three hold their slots once GitLab has their calls; only then do the others arrive.
  await vi.waitFor(() => expect(stack.simulator.count('GET /projects/:id/cluster_agents')).toBe(3), { timeout: 5_000, interval: 10 });
  const holding = await (await fetch(`${stack.url}/metrics`)).text();
  const turnedAway = await Promise.all([post(), post()]);
  // Answered without waiting for the slow GitLab: none of the served requests has its answer yet.
  expect(servedDone).toBe(0);
  expect(holding).toMatch(/^graphql_requests_in_flight 3$/m);

  for (const res of turnedAway) {
    expect(res.status).toBe(503);
    expect(res.retryAfter).toBe('1');
    expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'OVERLOADED', limit: 'maxInFlightRequests', retryAfter: 1 });
    expect(res.body.errors?.[0]?.message).toContain('maximum of 3 requests');
  }
  for (const res of await Promise.all(served)) {
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  }
  expect(stack.simulator.count('GET /projects/:id/cluster_agents')).toBe(3);

  const metrics = await (await fetch(`${stack.url}/metrics`)).text();
  expect(metrics).toMatch(/^graphql_requests_total\{operation="anonymous",outcome="OVERLOADED"\} 2$/m);
  expect(metrics).toMatch(/^graphql_refusals_total\{code="OVERLOADED",limit="maxInFlightRequests"\} 2$/m);
  expect(metrics).toMatch(/^graphql_requests_in_flight 0$/m);

  const again = await post();
  expect(again.status).toBe(200);
  expect(again.body.data).toBeTruthy();
});
