import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import type { Seed } from '../simulator/src/index.js';
import { startStack } from './helpers/harness.js';
import type { Stack } from './helpers/harness.js';

/**
 * Every GraphQL example in README.md and docs/ runs as written against the
 * demo's data, in the order the page gives it, on a freshly started demo.
 * A block may say, in comments: `# variables: {json}`, `# as: <token>`,
 * `# expect errors: CODE, …` (the payload's user errors) or `# expect
 * top-level errors: CODE`. The README's table of inline queries is checked
 * too, with the REST calls it states.
 */
const DEMO_SEED = JSON.parse(readFileSync(new URL('../simulator/seeds/demo.json', import.meta.url), 'utf8')) as Seed;
const MAINTAINER = 'demo-maintainer-token';
const PAGES = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

interface Example {
  text: string;
  variables?: Record<string, unknown>;
  token: string;
  userErrors: string[];
  topLevelErrors: string[];
}

function directive(block: string, name: string): string | undefined {
  return new RegExp(`^# ${name}: (.*)$`, 'm').exec(block)?.[1]?.trim();
}

const codesIn = (text: string | undefined) => (text ? text.split(',').map((code) => code.trim()) : []);

function examplesOf(page: string): Example[] {
  const markdown = readFileSync(page, 'utf8');
  return [...markdown.matchAll(/```graphql\n([\s\S]*?)```/g)].map(([, block]) => {
    const variables = directive(block!, 'variables');
    return {
      text: block!,
      ...(variables ? { variables: JSON.parse(variables) as Record<string, unknown> } : {}),
      token: directive(block!, 'as') ?? MAINTAINER,
      userErrors: codesIn(directive(block!, 'expect errors')),
      topLevelErrors: codesIn(directive(block!, 'expect top-level errors')),
    };
  });
}

/** The `code` of every user error anywhere in a result's data. */
function userErrorCodes(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(userErrorCodes);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === 'errors' && Array.isArray(inner) ? inner.map((e: { code: string }) => e.code) : userErrorCodes(inner),
  );
}

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const pagesWithExamples = PAGES.filter((page) => examplesOf(page).length > 0);

describe.each(pagesWithExamples)('the GraphQL examples of %s', (page) => {
  test('run as written against a fresh demo, in order, with the outcome they state', async () => {
    stack = await startStack({ simulator: { seed: DEMO_SEED } });
    for (const example of examplesOf(page)) {
      const res = await stack.gql<Record<string, unknown>>(example.text, example.variables, { token: example.token });
      const where = `${page}:\n${example.text}`;
      expect(res.errors?.map((e) => e.extensions?.code) ?? [], where).toEqual(example.topLevelErrors);
      expect(userErrorCodes(res.data), where).toEqual(example.userErrors);
    }
  });
});

test("README's table of inline queries: each runs against the demo with the REST calls it states", async () => {
  stack = await startStack({ simulator: { seed: DEMO_SEED } });
  const rows = [...readFileSync('README.md', 'utf8').matchAll(/^\| `((?:project|node)\(.*\})` \| (\d+)\b/gm)];
  expect(rows.length).toBeGreaterThanOrEqual(6);
  for (const [, query, calls] of rows) {
    stack.simulator.resetStats();
    const res = await stack.gql(`{ ${query} }`, undefined, { token: MAINTAINER });
    expect(res.errors, query).toBeUndefined();
    expect(stack.simulator.total(), query).toBe(Number(calls));
  }
});

test('the docs name only projects the demo has', () => {
  const demoPaths = new Set(['acme/infra/platform', 'acme/apps/checkout/payments', 'acme/sandbox', 'community/helm-charts']);
  for (const page of PAGES) {
    for (const [, path] of readFileSync(page, 'utf8').matchAll(/project\(id: \\?"([^"\\]+)\\?"/g)) {
      expect(demoPaths, `${page} names ${path}`).toContain(path);
    }
  }
});
