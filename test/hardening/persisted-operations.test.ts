import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

const QUERY = 'query Count { project(id: "g/p") { agents { totalCount } } }';
const HASH = createHash('sha256').update(QUERY).digest('hex');
let stack: Stack;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'persisted-')), 'operations.json');
  writeFileSync(file, JSON.stringify({ [HASH]: QUERY }));
  stack = await startStack({ gateway: { persistedOperationsFile: file, persistedOperationsOnly: true } });
});
afterAll(() => stack.close());

const post = (body: unknown) =>
  fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.maintainer}` },
    body: JSON.stringify(body),
  }).then(async (res) => (await res.json()) as any);

test('allow-list mode: a persisted operation runs by its hash; any other document is refused without a REST call', async () => {
  const persisted = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: HASH } } });
  expect(persisted.data).toEqual({ project: { agents: { totalCount: 20 } } });
  stack.simulator.resetStats();
  const arbitrary = await post({ query: '{ project(id: "g/p") { name } }' });
  expect(arbitrary.data ?? null).toBeNull();
  expect(arbitrary.errors[0].message).toMatch(/persisted/i);
  expect(stack.simulator.total()).toBe(0);
});
