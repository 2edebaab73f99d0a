import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { anonymousPost, expectSurvived, legitimateQuery, rawConnection, received, startAbuseStack, watch } from './support.js';
import type { AbuseStack } from './support.js';
import { metricValue, metricsText } from '../helpers/harness.js';

/**
 * Hostile callers at the HTTP layer, each against a real gateway process
 * (128 MB heap, as `npm start` runs it). Sizes are scaled to take seconds,
 * but each is past what took the old main down (said per attack).
 */
const SECOND = 1_000;

describe('GraphiQL loads', () => {
  let stack: AbuseStack;
  beforeAll(async () => {
    stack = await startAbuseStack();
  });
  afterAll(() => stack?.close());

  test('20 full loads at once and 100 clients that never read: memory does not grow with them', async () => {
    // The old main built a 9 MB HTML string per load: 5 concurrent loads on a fresh process, or 100 clients
    // that never read theirs, ran the 128 MB heap out.
    const watcher = watch(stack);
    const page = await fetch(`${stack.url}/graphql`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html.length).toBeLessThan(10_000);
    const start = /src="(graphiql\/[^"]+)\/start\.js"/.exec(html)![1]!;
    const bundle = `/${start}/bundle.js`;

    const stalled = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const socket = await rawConnection(stack.url);
        socket.pause();
        socket.write(`GET ${i % 2 ? bundle : '/graphql'} HTTP/1.1\r\nhost: x\r\naccept: text/html\r\n\r\n`);
        return socket;
      }),
    );
    // Read by raw sockets that count and drop the bytes: the test process's own reading must not slow its probes.
    const loads = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const socket = await rawConnection(stack.url);
        socket.write(`GET ${bundle} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
        let bytes = 0;
        socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
        await new Promise((resolve) => socket.once('close', resolve));
        return bytes;
      }),
    );
    expect(new Set(loads).size).toBe(1);
    expect(loads[0]).toBeGreaterThan(5_000_000);
    await legitimateQuery(stack.url);
    const report = await watcher.stop();
    for (const socket of stalled) socket.destroy();
    // ~150 MB idle under tsx, +9 MB for the bundle's one copy; the old main ran out of its 128 MB heap instead.
    await expectSurvived(stack, report, 190);
  }, 60_000);

  test('the bundle is cacheable: immutable, with an ETag a revalidation answers with 304', async () => {
    const html = await (await fetch(`${stack.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    const bundle = `${stack.url}/${/src="(graphiql\/[^"]+)\/start\.js"/.exec(html)![1]!}/bundle.js`;
    const first = await fetch(bundle, { method: 'HEAD' });
    expect(first.headers.get('cache-control')).toContain('immutable');
    const again = await fetch(bundle, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});

describe('slow clients', () => {
  let stack: AbuseStack;
  beforeAll(async () => {
    stack = await startAbuseStack({ HEADERS_TIMEOUT_MS: '1000', BODY_TIMEOUT_MS: '2000' });
  });
  afterAll(() => stack?.close());

  test('300 bodies stalled after one byte hold no in-flight slot, and are cut off with REQUEST_TIMEOUT', async () => {
    // 260 of these held all 256 in-flight slots of the old main: everyone got 503 OVERLOADED for ~330 s.
    const watcher = watch(stack);
    const attackers = await Promise.all(
      Array.from({ length: 300 }, async () => {
        const socket = await rawConnection(stack.url);
        socket.write('POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{');
        return socket;
      }),
    );
    const answers = attackers.map((socket) => received(socket, 6 * SECOND));
    // Every stalled body is being waited for, and none holds a slot: then a caller must still be served.
    await expect.poll(() => metricValue(stack.url, 'graphql_request_bodies_pending'), { timeout: 5 * SECOND }).toBe(300);
    expect(await metricValue(stack.url, 'graphql_requests_in_flight')).toBe(0);
    await legitimateQuery(stack.url);

    const results = await Promise.all(answers);
    for (const { text, closed } of results) {
      expect(closed).toBe(true);
      expect(text).toMatch(/^HTTP\/1\.1 408/);
      expect(text).toContain('"code":"REQUEST_TIMEOUT"');
    }
    const report = await watcher.stop();
    await expectSurvived(stack, report, 200);
    const metrics = await metricsText(stack.url);
    expect(metrics).toMatch(/^graphql_refusals_total\{code="REQUEST_TIMEOUT",limit="bodyTimeoutMs"\} 300$/m);
    expect(metrics).toMatch(/^graphql_request_bodies_pending 0$/m);
  }, 30_000);

  test('300 connections that never finish their headers are closed at HEADERS_TIMEOUT_MS', async () => {
    const watcher = watch(stack);
    const attackers = await Promise.all(
      Array.from({ length: 300 }, async () => {
        const socket = await rawConnection(stack.url);
        socket.write('POST /graphql HTTP/1.1\r\nhost: x\r\n');
        return socket;
      }),
    );
    const started = performance.now();
    const results = await Promise.all(attackers.map((socket) => received(socket, 6 * SECOND)));
    expect(results.every((r) => r.closed)).toBe(true);
    expect(results.every((r) => /^HTTP\/1\.1 408/.test(r.text))).toBe(true);
    // 1 s of timeout, checked every second by Node: none lasts 60 s, Node's default.
    expect(performance.now() - started).toBeLessThan(4 * SECOND);
    await expectSurvived(stack, await watcher.stop(), 200);
  }, 30_000);
});

describe('junk operation names', () => {
  let stack: AbuseStack;
  beforeAll(async () => {
    stack = await startAbuseStack();
  });
  afterAll(() => stack?.close());

  test('1,000 junk names get errors with a code, and take no label from a real operation', async () => {
    // 201 of these took every label of the old main's table: real operations were "other" until restart.
    const watcher = watch(stack);
    for (let i = 0; i < 1_000; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          (i + j) % 2 ? anonymousPost(stack.url, { query: `query Junk${i + j} { noSuchField }` }) : anonymousPost(stack.url, { query: '{ __typename }', operationName: `Junk${i + j}` }),
        ),
      );
      for (const res of batch) expect(['GRAPHQL_VALIDATION_FAILED', 'OPERATION_RESOLUTION_FAILURE']).toContain(res.json.errors[0].extensions.code);
    }
    const real = await anonymousPost(stack.url, { query: 'query RealAfterJunk { __typename }' });
    expect(real.json.data).toEqual({ __typename: 'Query' });
    await expect.poll(async () => /^graphql_requests_total\{operation="RealAfterJunk",outcome="ok"\} 1$/m.test(await metricsText(stack.url))).toBe(true);
    const series = (await metricsText(stack.url)).split('\n').filter((line) => line.startsWith('graphql_requests_total{'));
    expect(series.filter((line) => /operation="Junk\d/.test(line))).toEqual([]);
    await expectSurvived(stack, await watcher.stop(), 220);
  }, 60_000);
});
