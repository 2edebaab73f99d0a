import { parse } from 'graphql';
import { describe, expect, test } from 'vitest';
import { measureQuery } from '../../src/limits/connection-cost.js';
import type { CostLimits } from '../../src/limits/connection-cost.js';
import { subgraphSchema } from '../../src/schema/index.js';

const LIMITS: CostLimits = { maxCost: 50_000, maxNodeIds: 100 };
const measure = (query: string, variables: Record<string, unknown> = {}, limits: CostLimits = LIMITS) =>
  measureQuery(subgraphSchema, parse(query), undefined, variables, limits);

const ids = (n: number) => Array.from({ length: n }, () => 'x');
/** `nodes(ids: $ids)` under 30 aliases, each agent with its tokens: a query whose cost is all in its variable's size. */
const aliasedTokens = (aliases: number) =>
  `query($ids: [ID!]!) { ${Array.from({ length: aliases }, (_, i) => `a${i}: nodes(ids: $ids) { ... on Agent { tokens { nodes { name } } } }`).join(' ')} }`;
/** Fragment i spreads fragment i + 1 twice: 2^levels expansions in a document of a few hundred bytes per level. */
const fragmentBomb = (levels: number) =>
  `{ project(id: "g/p") { ...F1 } } ${Array.from({ length: levels }, (_, i) =>
    i + 1 < levels ? `fragment F${i + 1} on Project { ...F${i + 2} ...F${i + 2} }` : `fragment F${i + 1} on Project { name }`,
  ).join(' ')}`;

describe('list arguments', () => {
  test('nodes(ids:) takes at most maxNodeIds IDs, counted in a variable', () => {
    expect(measure('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(100) }).refusal).toBeUndefined();
    expect(measure('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(101) })).toEqual({ refusal: { limit: 'maxNodeIds', ids: 101 }, readsVariables: true });
  });

  test('counted in a literal list, and then the same for every request', () => {
    const literal = `{ nodes(ids: [${ids(101).map((id) => `"${id}"`).join(',')}]) { id } }`;
    expect(measure(literal)).toEqual({ refusal: { limit: 'maxNodeIds', ids: 101 }, readsVariables: false });
  });

  test('a list multiplies its selection by its length', () => {
    // tokens: 1 + 20 (default window) × (nodes 1 + name 1) = 41 per agent; each nodes field 1 + length × 41.
    expect(measure(aliasedTokens(1), { ids: ids(10) }).cost).toBe(1 + 10 * 41);
    expect(measure(aliasedTokens(30), { ids: ids(100) }).refusal).toMatchObject({ limit: 'maxCost' });
    // A single ID where a list is expected is a list of one.
    expect(measure(aliasedTokens(1), { ids: 'x' }).cost).toBe(1 + 41);
  });
});

describe('windows', () => {
  test('a variable without a value takes its default: $n = 100 is a window of 100', () => {
    const query = 'query($n: Int = 100) { project(id: "g/p") { agents(first: $n) { nodes { tokens(first: $n) { nodes { agent { tokens(first: $n) { nodes { name } } } } } } } } }';
    expect(measure(query).refusal).toMatchObject({ limit: 'maxCost' });
    expect(measure(query, { n: 1 }).refusal).toBeUndefined();
  });

  test('a connection behind a fragment spread costs its default window, as written inline', () => {
    const inline = '{ project(id: "g/p") { agents { nodes { tokens { nodes { name } } } } } }';
    const spread = '{ project(id: "g/p") { agents { ...A } } } fragment A on AgentConnection { nodes { tokens { ...T } } } fragment T on AgentTokenConnection { nodes { name } }';
    expect(measure(inline).cost).toBe(1 + 1 + 20 * (1 + 1 + 20 * 2));
    expect(measure(spread).cost).toBe(measure(inline).cost);
  });

  test('a field named like a connection part is not taken for a connection: nodes(ids:) is sized by its list', () => {
    expect(measure('{ nodes(ids: ["x"]) { id } }').cost).toBe(2);
  });
});

describe('time linear in the document', () => {
  test('each fragment is costed once: 2^199 expansions are counted in milliseconds', () => {
    const started = performance.now();
    const { cost } = measure(fragmentBomb(200), {}, { maxCost: Infinity, maxNodeIds: 100 });
    // Walking every expansion, as the old walk did, would take longer than the universe has existed.
    expect(performance.now() - started).toBeLessThan(200);
    expect(cost).toBe(1 + 2 ** 199);
  });

  test('the walk stops once past the limit, and says so with a lower bound', () => {
    expect(measure(fragmentBomb(30)).refusal).toEqual({ limit: 'maxCost', cost: 2 ** 16 });
  });
});
