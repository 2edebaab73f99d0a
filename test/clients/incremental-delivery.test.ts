import { Client, fetchExchange } from '@urql/core';
import type { OperationResult } from '@urql/core';
import { fetch } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/**
 * @defer and @stream through a real client (urql, which reads multipart
 * answers): agents and tokens render at once, and `lastUsedAt`, one REST
 * call per token, arrives after.
 */
let stack: Stack;
let client: Client;
beforeAll(async () => {
  // Latency, so that the deferred single-token GETs are still out when the first part is sent.
  stack = await startStack({ simulator: { latencyMs: 40 } });
  client = new Client({ url: `${stack.url}/graphql`, exchanges: [fetchExchange], fetchOptions: { headers: { authorization: `Bearer ${TOKENS.maintainer}` } } });
});
afterAll(() => stack.close());

function allResults(query: string): Promise<OperationResult[]> {
  const results: OperationResult[] = [];
  return new Promise((done) => {
    client.query(query, {}).subscribe((result) => {
      results.push(result);
      if (!result.hasNext) done(results);
    });
  });
}

const tokensOf = (result: OperationResult) => (result.data as any).project.agents.nodes.flatMap((agent: any) => agent.tokens.nodes);

test('... @defer { lastUsedAt }: the first part has every token without it, the last part the same data as a query without @defer', async () => {
  const deferred = await allResults('{ project(id: "g/p") { agents(first: 3) { nodes { name tokens { nodes { name ... @defer { lastUsedAt } } } } } } }');
  expect(deferred.length).toBeGreaterThan(1);
  expect(deferred[0]!.hasNext).toBe(true);
  const first = tokensOf(deferred[0]!);
  expect(first).toHaveLength(6);
  expect(first.some((token: any) => !('lastUsedAt' in token))).toBe(true);

  const plain = await allResults('{ project(id: "g/p") { agents(first: 3) { nodes { name tokens { nodes { name lastUsedAt } } } } } }');
  expect(plain).toHaveLength(1);
  expect(deferred.at(-1)!.data).toEqual(plain[0]!.data);
  expect(deferred.every((result) => result.error === undefined)).toBe(true);
});

test('@stream: the first agents come in the first part, the rest after, as the same list', async () => {
  const streamed = await allResults('{ project(id: "g/p") { agents(first: 5) { nodes @stream(initialCount: 1) { name } } } }');
  expect(streamed[0]!.hasNext).toBe(true);
  expect((streamed[0]!.data as any).project.agents.nodes.length).toBeLessThan(5);
  expect((streamed.at(-1)!.data as any).project.agents.nodes.map((a: any) => a.name)).toEqual(stack.simulator.agentsOf(20).slice(0, 5).map((a) => a.name));
});

test('the same deferred query as server-sent events, when the client asks for them', async () => {
  const res = await fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${TOKENS.maintainer}` },
    body: JSON.stringify({ query: '{ project(id: "g/p") { agents(first: 1) { nodes { name tokens(first: 1) { nodes { name ... @defer { lastUsedAt } } } } } } }' }),
  });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events = (await res.text()).split('\n\n').filter((block) => block.startsWith('event: next'));
  expect(events.length).toBeGreaterThanOrEqual(2);
  expect(events[0]).toContain('"hasNext":true');
  expect(events.at(-1)).toContain('"hasNext":false');
});
