import { Client, fetchExchange, gql } from '@urql/core';
import { fetch } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { metricValue, startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/**
 * The CSRF guard asks a GET (or a non-JSON POST) for proof that a page's own
 * code sent it: the caller's token in Authorization or PRIVATE-TOKEN is such
 * proof (the gateway uses no cookies), so urql's GET queries are served;
 * every refusal carries a code.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const AGENTS = gql`
  query Agents($project: ID!, $first: Int!) {
    project(id: $project) {
      agents(first: $first) {
        nodes {
          name
        }
      }
    }
  }
`;

test('urql 6 with its defaults (queries by GET, the token in Authorization) gets its data', async () => {
  const seen: string[] = [];
  const client = new Client({
    url: `${stack.url}/graphql`,
    exchanges: [fetchExchange],
    fetch: (input, init) => {
      seen.push(init?.method ?? 'GET');
      return globalThis.fetch(input, init);
    },
    fetchOptions: { headers: { authorization: `Bearer ${TOKENS.maintainer}` } },
  });
  const result = await client.query(AGENTS, { project: 'g/p', first: 2 }).toPromise();
  expect(seen).toEqual(['GET']);
  expect(result.error).toBeUndefined();
  expect(result.data.project.agents.nodes).toHaveLength(2);
});

test('a GET carrying PRIVATE-TOKEN is served too', async () => {
  const res = await fetch(`${stack.url}/graphql?query=${encodeURIComponent('{ project(id: "g/p") { name } }')}`, { headers: { 'private-token': TOKENS.maintainer } });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { data: { project: { name: string } } }).data.project.name).toBeTruthy();
});

test('a GET with neither a token nor a CSRF header is refused, with a code, and costs no REST call', async () => {
  stack.simulator.resetStats();
  const before = await metricValue(stack.url, 'graphql_refusals_total', 'code="BAD_REQUEST"');
  const res = await fetch(`${stack.url}/graphql?query=${encodeURIComponent('{ project(id: "g/p") { name } }')}`);
  expect(res.status).toBe(403);
  const body = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
  expect(body.errors[0]!.extensions.code).toBe('BAD_REQUEST');
  expect(stack.simulator.total()).toBe(0);
  await expect.poll(async () => (await metricValue(stack.url, 'graphql_refusals_total', 'code="BAD_REQUEST"')) - before).toBe(1);
});

test('a POST of an unsupported content type, and a body too large, are refused with a code', async () => {
  const text = await fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{ __typename }' });
  expect(text.status).toBeGreaterThanOrEqual(400);
  expect(((await text.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');

  const large = await fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ __typename } #${'x'.repeat(200_000)}` }) });
  expect(large.status).toBe(413);
  expect(((await large.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxBodyBytes' });
  expect(await metricValue(stack.url, 'graphql_refusals_total', 'code="QUERY_TOO_COMPLEX",limit="maxBodyBytes"')).toBeGreaterThanOrEqual(1);
});

test('a refusal in a result is counted by code and limit on /metrics', async () => {
  const costly = Array.from({ length: 6 }, (_, i) => `a${i}: agents(first: 100) { nodes { tokens(first: 100) { nodes { name } } } }`).join(' ');
  const res = await stack.gql(`{ project(id: "g/p") { ${costly} } }`, undefined, { token: TOKENS.maintainer });
  expect(res.errors?.[0]?.extensions?.limit).toBe('maxCost');
  await expect.poll(() => metricValue(stack.url, 'graphql_refusals_total', 'code="QUERY_TOO_COMPLEX",limit="maxCost"')).toBe(1);
});

test("GraphQL Armor's refusals name their limit too, in the error and on /metrics", async () => {
  const deep = `{ project(id: "g/p") { agents { nodes { tokens { nodes { ${'agent { '.repeat(20)}name${' }'.repeat(20)} } } } } } }`;
  const res = await stack.gql(deep, undefined, { token: TOKENS.maintainer });
  expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxDepth' });
  await expect.poll(() => metricValue(stack.url, 'graphql_refusals_total', 'code="QUERY_TOO_COMPLEX",limit="maxDepth"')).toBe(1);
});

test('GraphQL responses, refusals included, carry Cache-Control: no-store', async () => {
  const served = await fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.maintainer}` },
    body: JSON.stringify({ query: '{ project(id: "g/p") { name } }' }),
  });
  expect(served.status).toBe(200);
  expect(served.headers.get('cache-control')).toBe('no-store');
  const refused = await fetch(`${stack.url}/graphql?query=%7B__typename%7D`);
  expect(refused.headers.get('cache-control')).toBe('no-store');
});

test('a body that is not JSON is refused with a code, and the answer does not quote it', async () => {
  const res = await fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"query":"{ __typename }","variables":{"token":"glpat-NotToBeQuoted0123"',
  });
  expect(res.status).toBe(400);
  const text = await res.text();
  expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_REQUEST');
  expect(text).not.toContain('NotToBeQuoted');
});
