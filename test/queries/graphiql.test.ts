import { afterAll, beforeAll, expect, test } from 'vitest';
import { fetch } from 'undici';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ gateway: { exampleProject: 'g/p' } });
});
afterAll(() => stack.close());

test('a browser GET on /graphql is answered with GraphiQL, opening on the example query', async () => {
  const res = await fetch(`${stack.url}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/html');
  const html = await res.text();
  expect(html).toContain('GraphiQL');
  expect(html).toContain('query ProjectAgents');
  expect(html).toContain('g/p');
});

test('/healthz and /readyz answer 200 while serving', async () => {
  expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${stack.url}/readyz`)).status).toBe(200);
});
