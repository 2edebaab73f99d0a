import { ReadableStream } from 'node:stream/web';
import { fetch } from 'undici';
import type { GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { subgraphSchema } from '../../src/schema/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

let stack: Stack;
const maintainer = { token: TOKENS.maintainer };
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const nestedAgents = (depth: number): string => (depth === 0 ? 'name' : `agent { ${nestedAgents(depth - 1)} }`);
const ABUSIVE: [string, string, RegExp, string][] = [
  ['depth 50', `{ project(id: "g/p") { agents { nodes { tokens { nodes { ${nestedAgents(46)} } } } } } }`, /depth/, 'maxDepth'],
  // Parsing stops at the token limit before the alias count is even reached.
  ['1,000 aliases', `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: project(id: "g/p") { name }`).join(' ')} }`, /token/, 'maxTokens'],
  ['100 aliases', `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: __typename`).join(' ')} }`, /alias/, 'maxAliases'],
  [
    'a connection nested three deep with first: 100',
    '{ project(id: "g/p") { agents(first: 100) { nodes { tokens(first: 100) { nodes { agent { tokens(first: 100) { nodes { name } } } } } } } } }',
    /cost/,
    'maxCost',
  ],
  ['thousands of tokens', `{ project(id: "g/p") { ${'name '.repeat(5000)} } }`, /token/, 'maxTokens'],
  ['many directives', `{ project(id: "g/p") { name ${'@skip(if: false) '.repeat(100)} } }`, /directive/, 'maxDirectives'],
];

describe('abusive documents', () => {
  test.each(ABUSIVE)('%s: QUERY_TOO_COMPLEX naming the limit, quickly, with no REST call', async (_name, query, message, limit) => {
    stack.simulator.resetStats();
    const started = performance.now();
    const res = await stack.gql(query, undefined, maintainer);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit });
    expect(res.errors?.[0]?.message.toLowerCase()).toMatch(message);
    expect(stack.simulator.total()).toBe(0);
  });

  test('a 1 MB query is refused with 413 before it is parsed', async () => {
    stack.simulator.resetStats();
    const query = `{ project(id: "g/p") { name } } # ${'x'.repeat(1_000_000)}`;
    const res = await fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'maxBodyBytes' });
    expect(stack.simulator.total()).toBe(0);
  });

  test('a chunked body, which declares no length, is refused with 411 before it is read', async () => {
    stack.simulator.resetStats();
    const body = new TextEncoder().encode(JSON.stringify({ query: `{ project(id: "g/p") { name } } # ${'x'.repeat(200_000)}` }));
    const res = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.maintainer}` },
      // A stream body goes out chunked, with no Content-Length.
      body: new ReadableStream({ start: (controller) => (controller.enqueue(body), controller.close()) }),
      duplex: 'half',
    });
    expect(res.status).toBe(411);
    expect(((await res.json()) as any).errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'maxBodyBytes' });
    expect(stack.simulator.total()).toBe(0);
  });

  test('a costly but legitimate query passes: 20 agents with tokens and lastUsedAt', async () => {
    const res = await stack.gql('{ project(id: "g/p") { agents(first: 20) { nodes { tokens { nodes { lastUsedAt } } } } } }', undefined, maintainer);
    expect(res.errors).toBeUndefined();
  });

  test('the cost limit sees variables: first: $n at three levels passes with n = 1, is refused with n = 100', async () => {
    const query =
      'query($n: Int) { project(id: "g/p") { agents(first: $n) { nodes { tokens(first: $n) { nodes { agent { tokens(first: $n) { nodes { name } } } } } } } } }';
    expect((await stack.gql(query, { n: 1 }, maintainer)).errors).toBeUndefined();
    // The same text, so the same parsed document: its cost must not have been kept from the first request.
    const res = await stack.gql(query, { n: 100 }, maintainer);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' });
  });
});

describe('what a request may cost, counted with its variables', () => {
  const ids = (n: number, id = 'x') => Array.from({ length: n }, () => id);

  test('nodes(ids:) with 101 IDs in a variable: QUERY_TOO_COMPLEX naming maxNodeIds, no REST call; 100 pass the limit', async () => {
    stack.simulator.resetStats();
    const res = await stack.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(101) }, maintainer);
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'maxNodeIds', ids: 101, maxNodeIds: 100 });
    expect(stack.simulator.total()).toBe(0);
    const within = await stack.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(100) }, maintainer);
    expect(within.data?.nodes).toHaveLength(100);
  });

  test("a variable's list multiplies the cost: 30 aliased nodes(ids: $ids) with tokens pass with 1 ID, are refused with 100", async () => {
    const agent = (await stack.gql<{ project: { agents: { nodes: { id: string }[] } } }>('{ project(id: "g/p") { agents(first: 1) { nodes { id } } } }', undefined, maintainer))
      .data!.project.agents.nodes[0]!.id;
    const query = `query($ids: [ID!]!) { ${Array.from({ length: 30 }, (_, i) => `a${i}: nodes(ids: $ids) { ... on Agent { tokens { nodes { name } } } }`).join(' ')} }`;
    expect((await stack.gql(query, { ids: [agent] }, maintainer)).errors).toBeUndefined();
    stack.simulator.resetStats();
    const res = await stack.gql(query, { ids: ids(100, agent) }, maintainer);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' });
    expect(stack.simulator.total()).toBe(0);
  });

  test('a fragment bomb (each of 40 fragments spreads the next twice) is refused at once', async () => {
    const fragments = Array.from({ length: 40 }, (_, i) => (i < 39 ? `fragment F${i} on Project { ...F${i + 1} ...F${i + 1} }` : `fragment F${i} on Project { name }`));
    stack.simulator.resetStats();
    const started = performance.now();
    const res = await stack.gql(`{ project(id: "g/p") { ...F0 } } ${fragments.join(' ')}`, undefined, maintainer);
    // Walking all 2^39 expansions, as the cost check once did, would take days.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' });
    expect(stack.simulator.total()).toBe(0);
  });
});

describe('the response budget (MAX_RESPONSE_BYTES)', () => {
  let small: Stack;
  beforeAll(async () => {
    small = await startStack({ gateway: { maxResponseBytes: 2_000 } });
  });
  afterAll(() => small.close());
  const big = '{ project(id: "big/huge") { agents(first: 100) { nodes { id name createdAt tokens { nodes { name } } } } } }';

  test('a response past it is one QUERY_TOO_COMPLEX error, and GitLab is not asked for the rest; on graphql-jit too', async () => {
    // The first execution of a document is graphql-js's, the later ones graphql-jit's.
    for (let run = 0; run < 3; run++) {
      small.simulator.resetStats();
      const res = await small.gql(big, undefined, maintainer);
      expect(res.data ?? null).toBeNull();
      expect(res.errors).toEqual([expect.objectContaining({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'maxResponseBytes', maxResponseBytes: 2_000 } })]);
      // The whole answer takes 1 agent list and 100 token lists.
      expect(small.simulator.total()).toBeLessThan(101);
    }
  });

  test('a response within it is whole, again and again (each request has its own budget)', async () => {
    for (let run = 0; run < 3; run++) {
      const res = await small.gql('{ project(id: "big/huge") { agents(first: 10) { nodes { id name } } } }', undefined, maintainer);
      expect(res.errors).toBeUndefined();
      expect((res.data as any).project.agents.nodes).toHaveLength(10);
    }
  });

  // Fields without a resolver of their own (`name` is exposed) stay without
  // one, for graphql-jit to read inline; their bytes are charged at the
  // nearest field with a resolver. Each `nN: name` costs ~16 bytes: ten of
  // them on 20 agents ~3,200, on 5 agents ~800, and half of them on 20 agents ~1,600.
  const aliases = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `n${from + i}: name`).join(' ');
  const refused = { code: 'QUERY_TOO_COMPLEX', limit: 'maxResponseBytes', maxResponseBytes: 2_000 };
  const agentNames = async (first: number) =>
    (await small.gql<{ project: { agents: { nodes: { id: string; name: string }[] } } }>(`{ project(id: "big/huge") { agents(first: ${first}) { nodes { id name } } } }`, undefined, maintainer))
      .data!.project.agents.nodes;
  /** What each agent answers to `aliases(0, 10)`. */
  const aliased = (agents: { name: string }[]) => agents.map(({ name }) => Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`n${i}`, name])));

  test('an exposed leaf keeps no resolver; a field with one is wrapped', () => {
    const agent = subgraphSchema.getType('Agent') as GraphQLObjectType;
    expect(agent.getFields().name!.resolve).toBeUndefined();
    expect(agent.getFields().tokens!.resolve).toBeDefined();
  });

  test.each([
    ['aliased in the selection', (first: number) => `{ project(id: "big/huge") { agents(first: ${first}) { nodes { ${aliases(0, 10)} } } } }`],
    [
      'through named fragments, half under each of two selections of `nodes`',
      (first: number) =>
        `{ project(id: "big/huge") { agents(first: ${first}) { nodes { ...A } nodes { ...B } } } } fragment A on Agent { ${aliases(0, 5)} } fragment B on Agent { ${aliases(5, 10)} }`,
    ],
  ])('resolver-less leaves %s count: 20 agents are refused, 5 answered whole; on graphql-jit too', async (_name, query) => {
    const five = aliased(await agentNames(5));
    for (let run = 0; run < 3; run++) {
      const res = await small.gql(query(20), undefined, maintainer);
      expect(res.data ?? null).toBeNull();
      expect(res.errors).toEqual([expect.objectContaining({ extensions: refused })]);
      const within = await small.gql(query(5), undefined, maintainer);
      expect(within).toEqual({ data: { project: { agents: { nodes: five } } } });
    }
  });

  test('resolver-less leaves under fragments on Agent and on the Node interface, in nodes(ids:), count: 20 IDs are refused, 5 answered whole; on graphql-jit too', async () => {
    const agents = await agentNames(20);
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Agent { ${aliases(0, 5)} } ... on Node { ... on Agent { ${aliases(5, 10)} } } } }`;
    for (let run = 0; run < 3; run++) {
      const res = await small.gql(query, { ids: agents.map((agent) => agent.id) }, maintainer);
      expect(res.data ?? null).toBeNull();
      expect(res.errors).toEqual([expect.objectContaining({ extensions: refused })]);
      const within = await small.gql(query, { ids: agents.slice(0, 5).map((agent) => agent.id) }, maintainer);
      expect(within).toEqual({ data: { nodes: aliased(agents.slice(0, 5)) } });
    }
  });

  test('resolver-less leaves under @include(if: $names) count only when included, request by request', async () => {
    const agents = await agentNames(20);
    const query = `query($names: Boolean!) { project(id: "big/huge") { agents(first: 20) { nodes { id ... @include(if: $names) { ${aliases(0, 10)} } } } } }`;
    // Alternating, so that what one request selected is not kept for the next.
    // (graphql-jit takes no document with directives: graphql-js runs each.)
    for (const names of [false, true, false, true]) {
      const res = await small.gql(query, { names }, maintainer);
      if (names) {
        expect(res.data ?? null).toBeNull();
        expect(res.errors).toEqual([expect.objectContaining({ extensions: refused })]);
      } else {
        expect(res).toEqual({ data: { project: { agents: { nodes: agents.map(({ id }) => ({ id })) } } } });
      }
    }
  });
});

describe('introspection and suggestions', () => {
  test('with INTROSPECTION off, introspection and field suggestions are refused', async () => {
    const closed = await startStack({ gateway: { introspection: false } });
    try {
      const intro = await closed.gql('{ __schema { types { name } } }');
      expect(intro.errors?.[0]?.message).toContain('introspection');
      const typo = await closed.gql('{ project(id: "g/p") { nam } }');
      expect(JSON.stringify(typo.errors)).not.toContain('Did you mean');
    } finally {
      await closed.close();
    }
  });

  test('on by default, for GraphiQL', async () => {
    const res = await stack.gql('{ __type(name: "Agent") { name } }');
    expect(res.data).toEqual({ __type: { name: 'Agent' } });
  });
});

describe('HTTP hygiene', () => {
  test('a browser-style simple GET with neither a token header nor a preflight header is refused (CSRF), with a code', async () => {
    stack.simulator.resetStats();
    const res = await fetch(`${stack.url}/graphql?query=${encodeURIComponent('{ project(id: "g/p") { name } }')}`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
    expect(stack.simulator.total()).toBe(0);
  });

  test('CORS: only the configured origins are allowed', async () => {
    const cors = await startStack({ gateway: { corsOrigins: ['https://app.example.com'] } });
    try {
      const preflight = (origin: string) =>
        fetch(`${cors.url}/graphql`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
        });
      expect((await preflight('https://app.example.com')).headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).not.toBe('https://evil.example.com');
    } finally {
      await cors.close();
    }
    const none = await fetch(`${stack.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
  });
});
