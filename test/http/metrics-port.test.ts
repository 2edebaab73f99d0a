import type { AddressInfo } from 'node:net';
import { fetch } from 'undici';
import { afterAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startChildGateway } from '../helpers/child-gateway.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

const stacks: Stack[] = [];
afterAll(() => Promise.all(stacks.map((s) => s.close())));

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
};

test('with METRICS_PORT, /metrics is served on its own port only; the probes and GraphQL stay on the main one', async () => {
  const stack = await startStack({ gateway: { metricsPort: 0 } });
  const metricsUrl = `http://127.0.0.1:${(stack.gateway.metricsServer!.address() as AddressInfo).port}`;
  expect(metricsUrl).not.toBe(stack.url);

  expect((await stack.gql('{ project(id: "g/p") { name } }', {}, { token: TOKENS.maintainer })).errors).toBeUndefined();
  expect((await get(`${stack.url}/metrics`)).status).toBe(404);
  expect((await get(`${stack.url}/healthz`)).status).toBe(200);
  expect((await get(`${stack.url}/readyz`)).status).toBe(200);

  const metrics = await get(`${metricsUrl}/metrics`);
  expect(metrics.status).toBe(200);
  expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(metrics.text).toContain('# TYPE graphql_requests_total counter');
  expect(metrics.text).toMatch(/^gitlab_rest_calls_total\{method="GET",route="GET \/projects\/:id",status="200"\} 1$/m);
  expect((await get(`${metricsUrl}/metrics?name=x`)).status).toBe(200);
  // The metrics port answers nothing else: not the probes, not GraphQL.
  for (const path of ['/healthz', '/readyz', '/graphql', '/']) expect((await get(`${metricsUrl}${path}`)).status, path).toBe(404);

  await stack.close();
  expect(stack.gateway.metricsServer!.listening).toBe(false);
  await expect(fetch(`${metricsUrl}/metrics`)).rejects.toThrow();
});

test('without METRICS_PORT, /metrics is on the main port, as before', async () => {
  const stack = await startStack();
  stacks.push(stack);
  expect(stack.gateway.metricsServer).toBeUndefined();
  const metrics = await get(`${stack.url}/metrics`);
  expect(metrics.status).toBe(200);
  expect(metrics.text).toContain('# TYPE graphql_requests_total counter');
});

test('the server process logs the metrics port it listens on, and closes it on SIGTERM', async () => {
  const stack = await startStack();
  stacks.push(stack);
  const gateway = await startChildGateway({ GITLAB_URL: stack.simulator.url, METRICS_PORT: '0' });
  const port = Number(/"msg":"listening"[^\n]*"metricsPort":(\d+)/.exec(gateway.output())?.[1]);
  expect(port).toBeGreaterThan(0);
  expect((await get(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
  expect((await get(`${gateway.url}/metrics`)).status).toBe(404);
  gateway.process.kill('SIGTERM');
  expect(await gateway.exited).toBe(0);
  await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
});
