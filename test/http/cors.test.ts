import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/** The gateway uses no cookies: CORS never allows credentials, and never answers `null` or an unlisted origin. */
const preflight = (url: string, origin: string) =>
  fetch(`${url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
  });

const post = (url: string, origin: string) =>
  fetch(`${url}/graphql`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });

describe("CORS_ORIGINS='*'", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { corsOrigins: ['*'] } });
  });
  afterAll(() => stack.close());

  test('any origin is answered with *, without credentials', async () => {
    for (const res of [await preflight(stack.url, 'https://evil.example.com'), await post(stack.url, 'https://evil.example.com')]) {
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
    const allowed = (await preflight(stack.url, 'https://app.example.com')).headers.get('access-control-allow-headers');
    // A browser app may send its own credentials and W3C trace context.
    expect(allowed?.split(', ')).toEqual(expect.arrayContaining(['authorization', 'private-token', 'traceparent', 'tracestate']));
  });

  test('an opaque origin (null) is never echoed', async () => {
    const res = await preflight(stack.url, 'null');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('CORS_ORIGINS as a list', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { corsOrigins: ['https://app.example.com', 'https://admin.example.com'] } });
  });
  afterAll(() => stack.close());

  test('a listed origin is echoed, varying by Origin, without credentials', async () => {
    const res = await post(stack.url, 'https://admin.example.com');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    expect(res.headers.get('vary')).toContain('Origin');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('an unlisted origin, null included, gets no CORS header at all', async () => {
    for (const origin of ['https://evil.example.com', 'null']) {
      const res = await preflight(stack.url, origin);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
    }
  });
});
