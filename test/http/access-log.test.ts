import { afterAll, beforeAll, expect, test } from 'vitest';
import { loggedOperationName } from '../../src/http/access-log.js';
import { LogCapture } from '../helpers/log-capture.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/** The operation name is the caller's text: a log line shows a bounded, plain version of it. */
let stack: Stack;
const logs = new LogCapture();
beforeAll(async () => {
  stack = await startStack({ gateway: { logLevel: 'info', logDestination: logs } });
});
afterAll(() => stack.close());

const requestLines = () => logs.entries().filter((line) => line.msg === 'graphql request');

test('a 95,000-character operation name is cut in the log line', async () => {
  const name = `Q${'x'.repeat(95_000)}`;
  await stack.gql(`query ${name} { __typename }`);
  await expect.poll(() => requestLines().length).toBeGreaterThanOrEqual(1);
  const logged = String(requestLines().at(-1)!.operationName);
  expect(logged.length).toBeLessThan(200);
  expect(logged).toContain('95001 chars');
  expect(logs.lines.every((line) => line.length < 5_000)).toBe(true);
});

test('a token inside an operation name is not logged', async () => {
  // Glued to the text before it, the token has no word boundary for the log scrubber's patterns to find.
  const token = `Query${'x'.repeat(1_000)}glpat-Abcdefghij0123456789`;
  const before = requestLines().length;
  // Not a GraphQL name: it can only arrive as the request's operationName, next to a document it does not name.
  const res = await fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }', operationName: token }) });
  expect(res.status).toBeGreaterThanOrEqual(200);
  await expect.poll(() => requestLines().length).toBe(before + 1);
  expect(logs.text()).not.toContain('Abcdefghij0123456789');
  expect(requestLines().at(-1)!.operationName).toBe('[not a GraphQL name, 1031 chars]');
});

test('plain names are kept as they are', () => {
  expect(loggedOperationName('ProjectAgents')).toBe('ProjectAgents');
  expect(loggedOperationName(undefined)).toBeUndefined();
  expect(loggedOperationName('Bearer abc.def')).toBe('[not a GraphQL name, 14 chars]');
});
