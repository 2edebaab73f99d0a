import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, errors } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ExchangeTimeoutError, ResponseTooLargeError, requestText } from '../../src/datasources/request-text.js';

// A plain HTTP server: these tests are about the transport, not GitLab.
const server = createServer((req, res) => {
  if (req.url === '/split') {
    // "é" is two bytes in UTF-8: cut between them, across two writes.
    const bytes = Buffer.from('{"name":"café"}');
    res.writeHead(200, { 'content-type': 'application/json', 'x-total': '7' });
    res.write(bytes.subarray(0, 13));
    setTimeout(() => res.end(bytes.subarray(13)), 20);
  } else if (req.url === '/slow') {
    setTimeout(() => res.end('late'), 300);
  } else if (req.url === '/stall') {
    // Never answers; the client's timeout has to end it.
  } else if (req.url === '/declared') {
    // Says it is long, then sends nothing: refusing it can only come from the header.
    res.writeHead(200, { 'content-length': '5000000' });
    res.flushHeaders();
  } else if (req.url === '/endless') {
    // Chunked, no length: 1 KB every few ms, for ever (until the client hangs up).
    res.writeHead(200);
    const timer = setInterval(() => res.write('x'.repeat(1024)), 2);
    res.on('close', () => {
      clearInterval(timer);
      endlessClosed = true;
    });
  } else if (req.url === '/drip') {
    // Each gap far shorter than any per-chunk timeout; the whole never ends.
    res.writeHead(200);
    const timer = setInterval(() => res.write('x'), 20);
    res.on('close', () => clearInterval(timer));
  } else {
    res.writeHead(404).end('{"message":"404 Not found"}');
  }
});
let origin = '';
let endlessClosed = false;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('requestText', () => {
  test('reads a body that arrives in pieces, a character split across them, with its status and headers', async () => {
    const pool = new Pool(origin);
    const res = await requestText(pool, { method: 'GET', path: '/split' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-total']).toBe('7');
    expect(JSON.parse(res.text)).toEqual({ name: 'café' });
    const missing = await requestText(pool, { method: 'GET', path: '/nothing' });
    expect([missing.statusCode, missing.text]).toEqual([404, '{"message":"404 Not found"}']);
    await pool.close();
  });

  test('an abort rejects at once, also while the call still waits for a socket, and the call is never sent', async () => {
    const pool = new Pool(origin, { connections: 1 });
    const busy = requestText(pool, { method: 'GET', path: '/slow' });
    const controller = new AbortController();
    const started = performance.now();
    const queued = requestText(pool, { method: 'GET', path: '/split' }, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await expect(queued).rejects.toBeInstanceOf(errors.RequestAbortedError);
    expect(performance.now() - started).toBeLessThan(250);
    expect((await busy).text).toBe('late');
    await expect(requestText(pool, { method: 'GET', path: '/split' }, controller.signal)).rejects.toBeInstanceOf(errors.RequestAbortedError);
    await pool.close();
  });

  test('an abort during the exchange rejects with the abort, not a socket error', async () => {
    const pool = new Pool(origin);
    const controller = new AbortController();
    const slow = requestText(pool, { method: 'GET', path: '/slow' }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(slow).rejects.toBeInstanceOf(errors.RequestAbortedError);
    await pool.close();
  });

  test('calls sharing a signal share one abort listener; one abort rejects those in flight, not those done', async () => {
    const pool = new Pool(origin, { connections: 40 });
    const controller = new AbortController();
    const done = await requestText(pool, { method: 'GET', path: '/split' }, controller.signal);
    const slow = Array.from({ length: 30 }, () => requestText(pool, { method: 'GET', path: '/slow' }, controller.signal));
    // EventTarget walks its listeners on every add and remove: one per call would make each call cost as many as are in flight.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    const outcomes = await Promise.allSettled(slow);
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof errors.RequestAbortedError)).toBe(true);
    expect(JSON.parse(done.text)).toEqual({ name: 'café' });
    await pool.close();
  });

  test("undici's timeouts reject with undici's errors", async () => {
    // undici checks its timers about once a second.
    const pool = new Pool(origin, { headersTimeout: 100 });
    await expect(requestText(pool, { method: 'GET', path: '/stall' })).rejects.toBeInstanceOf(errors.HeadersTimeoutError);
    await pool.destroy();
  });

  test('a declared length past the cap is refused on the headers, before any of the body comes', async () => {
    const pool = new Pool(origin);
    const started = performance.now();
    const err = await requestText(pool, { method: 'GET', path: '/declared' }, undefined, { maxBytes: 1_000_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(err).toMatchObject({ statusCode: 200, maxBytes: 1_000_000 });
    expect(performance.now() - started).toBeLessThan(500);
    await pool.destroy();
  });

  test('an undeclared body is cut off once it passes the cap, and its connection dropped', async () => {
    const pool = new Pool(origin);
    await expect(requestText(pool, { method: 'GET', path: '/endless' }, undefined, { maxBytes: 64 * 1024 })).rejects.toBeInstanceOf(ResponseTooLargeError);
    // The cut-off body is not read on in the background: the server sees its client go away.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(endlessClosed).toBe(true);
    await pool.close();
  });

  test('timeoutMs bounds the whole exchange: a body dripping faster than any per-chunk timeout still ends', async () => {
    const pool = new Pool(origin, { bodyTimeout: 10_000 });
    const started = performance.now();
    await expect(requestText(pool, { method: 'GET', path: '/drip' }, undefined, { timeoutMs: 300 })).rejects.toBeInstanceOf(ExchangeTimeoutError);
    expect(performance.now() - started).toBeLessThan(600);
    await pool.destroy();
  });

  test('timeoutMs runs from dispatch: it ends a call still waiting for a socket, which is then never sent', async () => {
    const pool = new Pool(origin, { connections: 1 });
    const busy = requestText(pool, { method: 'GET', path: '/slow' });
    const started = performance.now();
    await expect(requestText(pool, { method: 'GET', path: '/split' }, undefined, { timeoutMs: 50 })).rejects.toBeInstanceOf(ExchangeTimeoutError);
    expect(performance.now() - started).toBeLessThan(250);
    expect((await busy).text).toBe('late');
    await pool.close();
  });
});
