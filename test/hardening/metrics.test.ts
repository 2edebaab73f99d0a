import { fetch } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
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
