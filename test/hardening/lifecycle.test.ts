import { fetch } from 'undici';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { TOKENS, startSimulator } from '../../simulator/src/index.js';
import type { Simulator } from '../../simulator/src/index.js';
import { spawnServer, startChildGateway } from '../helpers/child-gateway.js';

let simulator: Simulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

const query = (url: string) =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.maintainer}` },
    body: JSON.stringify({ query: '{ project(id: "g/p") { agents(first: 2) { nodes { name } } } }' }),
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));

test('SIGTERM during 50 in-flight slow queries: all 50 complete, new requests are refused, exit code 0', async () => {
  const gateway = await startChildGateway({ GITLAB_URL: simulator.url, SHUTDOWN_GRACE_MS: '10000' });
  simulator.setLatency(1_000);
  try {
    const before = simulator.total();
    const inFlight = Array.from({ length: 50 }, () => query(gateway.url));
    // In flight for sure: GitLab has all 50 calls, and answers each a second later.
    await vi.waitFor(() => expect(simulator.total() - before).toBe(50), { timeout: 5_000, interval: 10 });
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    gateway.process.kill('SIGTERM');
    // The listener closes in the same turn as this line is written.
    await vi.waitFor(() => expect(gateway.output()).toContain('"msg":"draining"'), { timeout: 5_000, interval: 10 });

    const late = await query(gateway.url).then(
      (res) => res.status,
      () => 'refused',
    );
    expect(late).toBe('refused');

    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(results.every((r) => r.body.data.project.agents.nodes.length === 2)).toBe(true);
    expect(await gateway.exited).toBe(0);
    expect(gateway.output()).toContain('"msg":"draining"');
  } finally {
    simulator.setLatency(0);
    gateway.process.kill('SIGKILL');
  }
}, 30_000);

const exitWithin = (exited: Promise<number | null>, ms: number) =>
  Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), ms))]);

test('SIGTERM with a log reader that stopped reading: the process still exits, at once', async () => {
  const gateway = await startChildGateway({ GITLAB_URL: simulator.url, SHUTDOWN_GRACE_MS: '2000' });
  try {
    // Enough lines to fill the pipe (64 KB) and the logger's buffer behind it: the old exit flush retried that pipe forever.
    gateway.process.stdout.pause();
    for (let i = 0; i < 600; i++) await query(gateway.url);
    gateway.process.kill('SIGTERM');
    expect(await exitWithin(gateway.exited, 8_000)).toBe(0);
  } finally {
    gateway.process.kill('SIGKILL');
  }
}, 30_000);

test('SIGTERM with the log reader gone: the process exits', async () => {
  const gateway = await startChildGateway({ GITLAB_URL: simulator.url, SHUTDOWN_GRACE_MS: '2000' });
  try {
    gateway.process.stdout.destroy();
    for (let i = 0; i < 50; i++) await query(gateway.url);
    gateway.process.kill('SIGTERM');
    expect(await exitWithin(gateway.exited, 8_000)).toBe(0);
  } finally {
    gateway.process.kill('SIGKILL');
  }
}, 30_000);

test('every line logged before SIGTERM reaches stdout before the process exits', async () => {
  // All 300 at once: above the default in-flight cap, which would refuse some (and log those differently) on a fast machine.
  const gateway = await startChildGateway({ GITLAB_URL: simulator.url, SHUTDOWN_GRACE_MS: '2000', MAX_IN_FLIGHT_REQUESTS: '1000' });
  try {
    const served = 300;
    const results = await Promise.all(Array.from({ length: served }, () => query(gateway.url)));
    expect(results.map((r) => r.status)).toEqual(Array(served).fill(200));
    gateway.process.kill('SIGTERM');
    expect(await exitWithin(gateway.exited, 8_000)).toBe(0);
    const lines = gateway.output().split('\n');
    expect(lines.filter((line) => line.includes('"msg":"graphql request"'))).toHaveLength(served);
    expect(lines.some((line) => line.includes('"msg":"draining"'))).toBe(true);
  } finally {
    gateway.process.kill('SIGKILL');
  }
}, 30_000);

test('an invalid setting stops start-up with one line naming the variable, and no stack trace', async () => {
  const child = spawnServer({ GITLAB_URL: 'not a url' });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  expect(code).toBe(1);
  const lines = output.split('\n').filter((l) => l.startsWith('agent-gateway:'));
  expect(lines).toEqual(['agent-gateway: GITLAB_URL must be an http(s) URL such as https://gitlab.example.com, got "not a url"']);
  expect(output).not.toMatch(/\n\s+at /);
}, 20_000);
