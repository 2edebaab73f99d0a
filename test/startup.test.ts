import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fetch } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS, startSimulator } from '../simulator/src/index.js';
import type { Simulator } from '../simulator/src/index.js';
import { spawnServer, startChildGateway } from './helpers/child-gateway.js';

/** What an operator meets first, on a real process: the start-up mistakes each get one line. */
let simulator: Simulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

async function stderrAndExit(env: Record<string, string>): Promise<{ lines: string[]; code: number | null }> {
  const child = spawnServer(env);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  return { lines: stderr.split('\n').filter(Boolean), code };
}

test('a port already in use is one line naming it, exit code 1, no stack trace', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = taken.address() as AddressInfo;
    const { lines, code } = await stderrAndExit({ GITLAB_URL: simulator.url, PORT: String(port) });
    expect(lines).toEqual([`agent-gateway: cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE); set PORT or HOST`]);
    expect(code).toBe(1);
  } finally {
    taken.close();
  }
});

test('GITLAB_URL given with /api/v4 reaches the same instance: queries get their data', async () => {
  const gateway = await startChildGateway({ GITLAB_URL: `${simulator.url}/api/v4` });
  try {
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.maintainer}` },
      body: JSON.stringify({ query: '{ project(id: "g/p") { fullPath } }' }),
    });
    expect(await res.json()).toEqual({ data: { project: { fullPath: 'g/p' } } });
  } finally {
    gateway.process.kill('SIGKILL');
  }
});

test('an unresolvable GitLab host: the answer names the host and the cause', async () => {
  const gateway = await startChildGateway({ GITLAB_URL: 'http://gitlab.invalid' });
  try {
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.maintainer}` },
      body: JSON.stringify({ query: '{ project(id: "g/p") { fullPath } }' }),
    });
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toMatchObject({ message: 'GitLab at gitlab.invalid could not be reached: DNS name not found (ENOTFOUND)', extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
  } finally {
    gateway.process.kill('SIGKILL');
  }
});
