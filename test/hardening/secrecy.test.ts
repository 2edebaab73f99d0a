import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { GraphQLResponse, Stack } from '../helpers/harness.js';
import { LogCapture } from '../helpers/log-capture.js';

/**
 * No token, agent secret or client key may reach a log line, an error
 * message or an error extension: every line the gateway logs during a run
 * of mutations (succeeding and failing) and failing reads is captured and
 * searched.
 */
const CLIENT_KEY = readFileSync(new URL('../fixtures/tls/client-key.pem', import.meta.url), 'utf8');
const CLIENT_CERT = readFileSync(new URL('../fixtures/tls/client.pem', import.meta.url), 'utf8');
const KEY_BODY = CLIENT_KEY.split('\n')[1]!;

let stack: Stack;
const logs = new LogCapture();
const responses: GraphQLResponse[] = [];
const secrets: string[] = [];

// The run is the fixture both tests read, so that either passes or fails alone (`vitest -t`), in any order.
beforeAll(async () => {
  stack = await startStack({ gateway: { logLevel: 'debug', logDestination: logs, requestTimeoutMs: 300 } });
  await runMutationsAndFailingReads();
});
afterAll(() => stack.close());

async function send(query: string, variables: Record<string, unknown>, token?: string, privateToken = false) {
  const res = await stack.gql(query, variables, { token, privateToken });
  responses.push(res);
  return res;
}

async function runMutationsAndFailingReads(): Promise<void> {
  const m = TOKENS.maintainer;
  const agent = (await send('mutation { registerAgent(input: { projectId: "g/empty", name: "secretive" }) { agent { id } } }', {}, m)).data as any;
  const agentId = agent.registerAgent.agent.id;
  const created = await send('mutation($a: ID!) { createAgentToken(input: { agentId: $a, name: "t" }) { secret token { id } } }', { a: agentId }, m);
  secrets.push((created.data as any).createAgentToken.secret);
  await send('mutation($a: ID!) { createAgentToken(input: { agentId: $a, name: "t2" }) { secret } }', { a: agentId }, m, true).then((r) => secrets.push((r.data as any).createAgentToken.secret));
  await send('mutation($a: ID!) { createAgentToken(input: { agentId: $a, name: "t3" }) { secret errors { code } } }', { a: agentId }, m);
  const mtls = { agentId, url: 'grpc://agent:1', clientCert: CLIENT_CERT, clientKey: CLIENT_KEY };
  await send('mutation($i: CreateUrlConfigurationInput!) { createUrlConfiguration(input: $i) { urlConfiguration { id } errors { code } } }', { i: mtls }, m);
  await send('mutation($i: CreateUrlConfigurationInput!) { createUrlConfiguration(input: $i) { urlConfiguration { id } errors { code } } }', { i: mtls }, m);
  await send('mutation($i: CreateUrlConfigurationInput!) { createUrlConfiguration(input: $i) { errors { code } } }', { i: { ...mtls, clientKey: `${CLIENT_KEY}broken` } }, m);
  await send('mutation($i: CreateUrlConfigurationInput!) { createUrlConfiguration(input: $i) { errors { code } } }', { i: mtls }, TOKENS.developer);
  stack.simulator.failNext(1, 'hang', { method: 'POST' });
  await send('mutation($a: ID!) { createAgentToken(input: { agentId: $a, name: "lost" }) { secret } }', { a: agentId }, m);
  await send('{ project(id: "g/p") { name } }', {}, 'glpat-not-a-real-token-1234');
  await send('{ project(id: "other/private") { name } }', {}, TOKENS.developer, true);
  await send('mutation { deleteAgent(input: { id: "garbage" }) { errors { code } } }', {}, m);
  // An agent secret mistaken for a GitLab token: it travels in the Authorization header, GitLab answers 401.
  await send('{ project(id: "g/p") { name } }', {}, secrets[0]);
}

test('a run of mutations and failing reads leaves no secret in logs or errors', () => {
  // Current GitLab's routable form (`glagent-<base64url>.01.<crc>`), which a scrubber stopping at '.' would leave half in place.
  expect(secrets.every((s) => /^glagent-[A-Za-z0-9_-]+\.01\.[0-9a-z]+$/.test(s))).toBe(true);
  expect(logs.lines.length).toBeGreaterThan(20);
  const searched = [logs.text(), JSON.stringify(responses.map((r) => r.errors ?? []))];
  const secretParts = secrets.flatMap((s) => s.slice('glagent-'.length).split('.').filter((part) => part.length > 2));
  const forbidden = [...Object.values(TOKENS), 'glpat-not-a-real-token-1234', ...secrets, ...secretParts, KEY_BODY, 'PRIVATE KEY'];
  for (const text of searched) for (const value of forbidden) expect(text, value).not.toContain(value);
});

test('each request and each REST call has one structured line, tied by the request id', () => {
  const entries = logs.entries();
  const requests = entries.filter((e) => e.msg === 'graphql request');
  const calls = entries.filter((e) => e.msg === 'gitlab call');
  expect(requests.length).toBe(responses.length);
  expect(calls.length).toBeGreaterThan(5);
  for (const call of calls) {
    expect(call).toMatchObject({ method: expect.any(String), route: expect.stringMatching(/^(GET|POST|DELETE) \/projects\/:id/), durationMs: expect.any(Number) });
    expect(requests.some((r) => r.requestId === call.requestId)).toBe(true);
  }
  expect(requests.some((r) => (r.errorCodes as string[]).includes('UPSTREAM_TIMEOUT'))).toBe(true);
});
