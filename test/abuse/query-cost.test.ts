import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TOKENS, testSeed } from '../../simulator/src/index.js';
import { anonymousPost, expectSurvived, legitimateQuery, startAbuseStack, watch } from './support.js';
import type { AbuseStack } from './support.js';

/**
 * Issue 15: a request's cost is known and bounded before execution, and its
 * response while it is built. Each attack is one request, sized as it took
 * down the gateway before (128 MB heap, as `npm start` runs it), said at each;
 * the gateway must stay up, answer /healthz within a second, stay under
 * MAX_RSS_MB, serve a Maintainer during and after, and tell the attacker
 * which limit it hit.
 */
/** Through tsx the process idles at ~160 MB: an attack may add a request's worth, not a heap's. */
const MAX_RSS_MB = 240;
/** A project description of 1 MB: GitLab's own text, which a query may repeat. */
const LONG_DESCRIPTION = 'd'.repeat(1_000_000);
const maintainer = { authorization: `Bearer ${TOKENS.maintainer}` };

let stack: AbuseStack;
let agentId: string;
let projectId: string;
beforeAll(async () => {
  const seed = testSeed();
  seed.projects = seed.projects.map((project) => (project.path === 'p' ? { ...project, description: LONG_DESCRIPTION } : project));
  stack = await startAbuseStack({}, { seed });
  const ids = await anonymousPost(stack.url, { query: '{ project(id: "g/p") { id agents(first: 1) { nodes { id } } } }' }, maintainer);
  projectId = ids.json.data.project.id;
  agentId = ids.json.data.project.agents.nodes[0].id;
});
afterAll(() => stack?.close());

/** Sends the attack while a Maintainer asks for its data, and checks what the gateway must have survived. */
async function attack(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const watcher = watch(stack);
  const [answer] = await Promise.all([anonymousPost(stack.url, body, headers), legitimateQuery(stack.url)]);
  await expectSurvived(stack, await watcher.stop(), MAX_RSS_MB);
  return answer;
}

const aliased = (n: number, field: string) => `query($ids: [ID!]!) { ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
const copies = (n: number, id: string) => Array.from({ length: n }, () => id);

describe('lists in variables', () => {
  test('30 aliased nodes(ids: $ids) with 800 malformed IDs, no token (4 KB): refused by maxNodeIds', async () => {
    // Before: 24,000 errors built at once ran the 128 MB heap out, with no REST call made.
    const { json } = await attack({ query: aliased(30, 'nodes(ids: $ids) { id }'), variables: { ids: copies(800, 'x') } });
    expect(json.errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'maxNodeIds', ids: 800, maxNodeIds: 100 });
  });

  test('one nodes(ids:) with 24,000 IDs (96 KB): refused by maxNodeIds', async () => {
    // Before: the same heap exhaustion from one field.
    const { json } = await attack({ query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: copies(24_000, 'x') } });
    expect(json.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxNodeIds', ids: 24_000 });
  });

  test("with a token, 2,900 copies of one agent's ID under 30 aliased tokens: refused by maxNodeIds", async () => {
    // Before: neither the cost nor the token limit counted the variable's list; the response ran the heap out.
    const { json } = await attack(
      { query: aliased(30, 'nodes(ids: $ids) { ... on Agent { tokens { nodes { id name status createdAt } } } }'), variables: { ids: copies(2_900, agentId) } },
      maintainer,
    );
    expect(json.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxNodeIds' });
  });

  test('within maxNodeIds, 100 copies under 30 aliases are refused by the cost, which counts the list', async () => {
    const { json } = await attack(
      { query: aliased(30, 'nodes(ids: $ids) { ... on Agent { tokens { nodes { id name status createdAt } } } }'), variables: { ids: copies(100, agentId) } },
      maintainer,
    );
    expect(json.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' });
  });
});

test('a fragment bomb of 23 levels (under 1 KB) is refused without blocking the event loop', async () => {
  // Before: 2^22 expansions walked one by one, the event loop blocked for tens of seconds (43 s on the CI machine).
  const fragments = Array.from({ length: 23 }, (_, i) => (i < 22 ? `fragment F${i} on Project { ...F${i + 1} ...F${i + 1} }` : `fragment F${i} on Project { name }`));
  const started = performance.now();
  const { json } = await attack({ query: `{ project(id: "g/p") { ...F0 } } ${fragments.join(' ')}` });
  expect(performance.now() - started).toBeLessThan(5_000);
  expect(json.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' });
});

test("a cheap query repeating a 1 MB description 3,000 times stops at MAX_RESPONSE_BYTES", async () => {
  // Cost 6,030 and 100 IDs a field, within every limit checked before execution, but a 3 GB response:
  // before, building and serializing it ran the heap out.
  const { json } = await attack({ query: aliased(30, 'nodes(ids: $ids) { ... on Project { description } }'), variables: { ids: copies(100, projectId) } }, maintainer);
  expect(json.errors).toEqual([expect.objectContaining({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'maxResponseBytes', maxResponseBytes: 10_000_000 } })]);
  expect(json.data ?? null).toBeNull();
  // The description itself is still served, once.
  const once = await anonymousPost(stack.url, { query: '{ project(id: "g/p") { description } }' }, maintainer);
  expect(once.json.data.project.description).toHaveLength(LONG_DESCRIPTION.length);
  await legitimateQuery(stack.url);
});
