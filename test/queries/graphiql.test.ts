import { afterAll, beforeAll, expect, test } from 'vitest';
import { fetch } from 'undici';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ gateway: { exampleProject: 'g/p' } });
});
afterAll(() => stack.close());

const page = () => fetch(`${stack.url}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' } });
const assetDir = (html: string) => /src="(graphiql\/[^"]+)\/start\.js"/.exec(html)![1]!;

test('a browser GET on /graphql is answered with GraphiQL, opening on the example query', async () => {
  const res = await page();
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/html');
  const html = await res.text();
  expect(html).toContain('GraphiQL');
  expect(html).toContain('query ProjectAgents');
  expect(html).toContain('g/p');
});

test('the page is small, framed by no one, and runs only scripts of its own origin', async () => {
  const res = await page();
  expect((await res.text()).length).toBeLessThan(10_000);
  const csp = res.headers.get('content-security-policy')!;
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self' blob:");
  expect(csp).not.toContain('unsafe-eval');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
});

test("GraphiQL's scripts are the package's own, cacheable for good and revalidated by ETag", async () => {
  const dir = assetDir(await (await page()).text());
  const start = await fetch(`${stack.url}/${dir}/start.js`);
  expect(start.headers.get('content-type')).toContain('text/javascript');
  expect(await start.text()).toContain("from './bundle.js'");

  const bundle = await fetch(`${stack.url}/${dir}/bundle.js`);
  expect(bundle.status).toBe(200);
  expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(bundle.headers.get('x-content-type-options')).toBe('nosniff');
  const text = await bundle.text();
  expect(text.length).toBeGreaterThan(5_000_000);
  expect(text).toContain('export const js =');

  const again = await fetch(`${stack.url}/${dir}/bundle.js`, { headers: { 'if-none-match': bundle.headers.get('etag')! } });
  expect(again.status).toBe(304);
  expect(await again.text()).toBe('');
});

test('an example project cannot close the options script element', async () => {
  const other = await startStack({ gateway: { exampleProject: '</script><script>alert(1)</script>' } });
  try {
    const html = await (await fetch(`${other.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  } finally {
    await other.close();
  }
});

test('without introspection there is no GraphiQL, and no assets', async () => {
  const closed = await startStack({ gateway: { introspection: false } });
  try {
    const res = await fetch(`${closed.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await res.text()).not.toContain('GraphiQL');
    const dir = assetDir(await (await page()).text());
    expect((await fetch(`${closed.url}/${dir}/bundle.js`)).status).toBe(404);
  } finally {
    await closed.close();
  }
});

test('/healthz and /readyz answer 200 while serving', async () => {
  expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${stack.url}/readyz`)).status).toBe(200);
});
