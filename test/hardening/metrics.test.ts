import { fetch } from 'undici';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { Metrics } from '../../src/observability/metrics.js';
import { TOKENS } from '../../simulator/src/index.js';
import { metricValue, startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const metric = (name: string, labels: string) => metricValue(stack.url, name, labels);

test('/metrics shows the REST calls a known query made, and the request by operation name', async () => {
  const tokenLists = 'route="GET /projects/:id/cluster_agents/:agent_id/tokens",status="200"';
  const before = await metric('gitlab_rest_calls_total', tokenLists);
  const res = await stack.gql('query TwentyAgents { project(id: "g/p") { agents(first: 20) { nodes { tokens { nodes { name } } } } } }', undefined, {
    token: TOKENS.maintainer,
  });
  expect(res.errors).toBeUndefined();
  expect((await metric('gitlab_rest_calls_total', tokenLists)) - before).toBe(20);
  expect(await metric('gitlab_rest_calls_total', 'route="GET /projects/:id/cluster_agents",status="200"')).toBeGreaterThanOrEqual(1);
  expect(await metric('graphql_requests_total', 'operation="TwentyAgents",outcome="ok"')).toBe(1);
  expect(await metric('gitlab_rest_call_duration_seconds_count', tokenLists)).toBeGreaterThanOrEqual(20);
  const text = await (await fetch(`${stack.url}/metrics`)).text();
  expect(text).toContain('process_resident_memory_bytes');
});

test('an error outcome is counted by its code', async () => {
  await stack.gql('query Denied { project(id: "g/p") { name } }');
  expect(await metric('graphql_requests_total', 'operation="Denied",outcome="UNAUTHENTICATED"')).toBe(1);
});

test('a request whose client went away is counted as aborted', async () => {
  stack.simulator.setLatency(500);
  try {
    const controller = new AbortController();
    const pending = fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.maintainer}` },
      body: JSON.stringify({ query: 'query GaveUp { project(id: "g/p") { name } }' }),
      signal: controller.signal,
    }).catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 150));
    controller.abort();
    expect(await pending).toBe('aborted');
    await expect.poll(() => metric('graphql_requests_total', 'operation="GaveUp",outcome="aborted"')).toBe(1);
  } finally {
    stack.simulator.setLatency(0);
  }
});

test('201 junk names of operations that never validate leave every label to real operations', async () => {
  // The old table took any name it saw: these 201 pushed every later real operation into "other" until restart.
  for (let i = 0; i < 201; i++) await stack.gql(`query Junk${i} { noSuchField }`);
  const res = await stack.gql('query RealAfterJunk { project(id: "g/p") { name } }', undefined, { token: TOKENS.maintainer });
  expect(res.errors).toBeUndefined();
  await expect.poll(() => metric('graphql_requests_total', 'operation="RealAfterJunk",outcome="ok"')).toBe(1);
  expect(await metric('graphql_requests_total', 'operation="Junk7"')).toBe(0);
});

test('names that ran fill the table at most; a name idle for 10 minutes gives its place, series and all', async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    const metrics = new Metrics();
    const samples = async () => (await metrics.registry.getSingleMetricAsString('graphql_requests_total')).split('\n').filter((l) => l.startsWith('graphql_requests_total{'));
    metrics.graphqlRequest('Real', 'ok', 0.01, true);
    for (let i = 0; i < 199; i++) metrics.graphqlRequest(`Ran${i}`, 'ok', 0.01, true);
    metrics.graphqlRequest('Late', 'ok', 0.01, true);
    metrics.graphqlRequest('NeverRan', 'BAD_USER_INPUT', 0.01, false);
    vi.advanceTimersByTime(5 * 60_000);
    metrics.graphqlRequest('Real', 'ok', 0.01, true);
    expect(await samples()).toContain('graphql_requests_total{operation="other",outcome="ok"} 1');
    expect(await samples()).toContain('graphql_requests_total{operation="Real",outcome="ok"} 2');

    // Ran0 … Ran198 have been idle for 11 minutes, Real for 6: the first evicted is Ran0.
    vi.advanceTimersByTime(6 * 60_000);
    metrics.graphqlRequest('Late', 'ok', 0.01, true);
    const after = await samples();
    expect(after).toContain('graphql_requests_total{operation="Late",outcome="ok"} 1');
    expect(after.some((l) => l.includes('operation="Ran0"'))).toBe(false);
    expect(after).toContain('graphql_requests_total{operation="Ran1",outcome="ok"} 1');
    expect(after).toContain('graphql_requests_total{operation="Real",outcome="ok"} 2');
    // A name that never validated never takes a place.
    metrics.graphqlRequest('NeverRan', 'BAD_USER_INPUT', 0.01, false);
    expect((await samples()).some((l) => l.includes('NeverRan'))).toBe(false);
  } finally {
    vi.useRealTimers();
  }
});
