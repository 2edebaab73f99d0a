import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECTS, TOKENS, testSeed } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/**
 * Real GitLab, in every language and at every edge:
 * classification that does not depend on English, limits only GitLab's
 * database enforces, `tls_host` as GitLab's parser reads it, and timestamps
 * in the instance's time zone.
 */
const CA_CERT = readFileSync(new URL('../fixtures/tls/ca.pem', import.meta.url), 'utf8');
const german = { token: TOKENS.maintainerDe };
const maintainer = { token: TOKENS.maintainer };

const REGISTER = 'mutation($p: ID!, $n: String!) { registerAgent(input: { projectId: $p, name: $n }) { agent { id } errors { message code field } } }';
const CREATE_TOKEN = 'mutation($a: ID!, $n: String!) { createAgentToken(input: { agentId: $a, name: $n }) { secret errors { message code field } } }';
const CREATE_CONFIG = `mutation($input: CreateUrlConfigurationInput!) {
  createUrlConfiguration(input: $input) { urlConfiguration { id tlsHost } errors { message code field } }
}`;

let stack: Stack;
let fresh = 0;
async function newAgent(): Promise<string> {
  const res = await stack.gql(REGISTER, { p: 'g/empty', n: `edge-${++fresh}` }, maintainer);
  return (res.data as any).registerAgent.agent.id;
}

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

describe('a German-speaking caller: GitLab answers in German, the gateway still knows what it means', () => {
  test('a third token is TOKEN_LIMIT_REACHED on input.agentId, in GitLab’s German', async () => {
    const agentId = await newAgent();
    for (const n of ['a', 'b']) expect((await stack.gql(CREATE_TOKEN, { a: agentId, n }, german)).data).toMatchObject({ createAgentToken: { errors: [] } });
    const third = await stack.gql(CREATE_TOKEN, { a: agentId, n: 'c' }, german);
    expect((third.data as any).createAgentToken).toEqual({
      secret: null,
      errors: [{ message: 'Ein Agent kann jeweils nur zwei aktive Token haben', code: 'TOKEN_LIMIT_REACHED', field: ['input', 'agentId'] }],
    });
  });

  test('a taken name is NAME_TAKEN on input.name', async () => {
    const taken = stack.simulator.agentsOf(PROJECTS.main.id)[0]!.name;
    const res = await stack.gql(REGISTER, { p: 'g/p', n: taken }, german);
    expect((res.data as any).registerAgent).toEqual({ agent: null, errors: [{ message: 'Name ist bereits vergeben', code: 'NAME_TAKEN', field: ['input', 'name'] }] });
  });

  test('a second URL configuration is URL_CONFIGURATION_EXISTS on input.agentId', async () => {
    const agentId = await newAgent();
    expect((await stack.gql(CREATE_CONFIG, { input: { agentId, url: 'grpc://a.example:1' } }, german)).data).toMatchObject({ createUrlConfiguration: { errors: [] } });
    const again = await stack.gql(CREATE_CONFIG, { input: { agentId, url: 'grpc://b.example:1' } }, german);
    expect((again.data as any).createUrlConfiguration.errors).toEqual([
      { message: 'Für diesen Agenten ist bereits eine URL-Konfiguration vorhanden', code: 'URL_CONFIGURATION_EXISTS', field: ['input', 'agentId'] },
    ]);
  });

  test('a model error on a token keeps GitLab’s German and lands on its field', async () => {
    const agentId = await newAgent();
    const res = await stack.gql(CREATE_TOKEN, { a: agentId, n: ' ' }, german);
    expect((res.data as any).createAgentToken.errors).toEqual([{ message: 'Name muss ausgefüllt werden', code: 'INVALID_INPUT', field: ['input', 'name'] }]);
  });
});

describe('URL configurations at the edges', () => {
  const over = (n: number) => 'x'.repeat(n);
  test.each([
    ['url', { url: `grpc://${over(2042)}` }],
    ['tlsHost', { url: 'grpc://a:1', tlsHost: over(2049) }],
    ['caCert', { url: 'grpc://a:1', caCert: `${CA_CERT}${over(16385 - CA_CERT.length)}` }],
    ['clientCert', { url: 'grpc://a:1', clientCert: `${CA_CERT}${over(16385 - CA_CERT.length)}`, clientKey: 'k' }],
    ['clientKey', { url: 'grpc://a:1', clientCert: CA_CERT, clientKey: over(16385) }],
  ])('%s above its database limit (where GitLab answers 500) is INVALID_INPUT on it, with no REST call', async (field, input) => {
    const agentId = await newAgent();
    stack.simulator.resetStats();
    const res = await stack.gql(CREATE_CONFIG, { input: { agentId, ...input } }, maintainer);
    const errors = (res.data as any).createUrlConfiguration.errors as { message: string; code: string; field: string[] }[];
    expect(errors).toContainEqual({ message: expect.stringMatching(/ is too long \(maximum is (2048|16384) characters\)$/), code: 'INVALID_INPUT', field: ['input', field] });
    expect(stack.simulator.total()).toBe(0);
  });

  test('limits are counted in characters: 2049 emoji are too long a tlsHost, 1100 (2200 UTF-16 units) are not', async () => {
    const agentId = await newAgent();
    stack.simulator.resetStats();
    const messages = async (tlsHost: string) =>
      ((await stack.gql(CREATE_CONFIG, { input: { agentId, url: 'grpc://a:1', tlsHost } }, maintainer)).data as any).createUrlConfiguration.errors.map((e: any) => e.message);
    expect(await messages('🚀'.repeat(2049))).toContain('Tls host is too long (maximum is 2048 characters)');
    expect(await messages('🚀'.repeat(1100))).toEqual(['Tls host must be a valid hostname!']);
    expect(stack.simulator.total()).toBe(0);
  });

  test.each(['my_host.internal', '[::1]', 'example.com.'])('tlsHost %s, which GitLab’s URI parser accepts, is accepted', async (tlsHost) => {
    const agentId = await newAgent();
    const res = await stack.gql(CREATE_CONFIG, { input: { agentId, url: 'grpcs://a.example:1', tlsHost } }, maintainer);
    expect((res.data as any).createUrlConfiguration).toMatchObject({ errors: [], urlConfiguration: { tlsHost } });
  });

  test('a clientKey of "" counts as given, as in GitLab: without clientCert it is refused, not dropped, and nothing is sent', async () => {
    const agentId = await newAgent();
    stack.simulator.resetStats();
    const res = await stack.gql(CREATE_CONFIG, { input: { agentId, url: 'grpc://a:1', clientKey: '' } }, maintainer);
    expect((res.data as any).createUrlConfiguration.errors).toEqual([
      { message: 'Client cert must be given with a client key (mTLS needs both)', code: 'INVALID_INPUT', field: ['input', 'clientCert'] },
    ]);
    expect(stack.simulator.total()).toBe(0);
  });

  test('a URL of another scheme keeps GitLab’s message and says which schemes are accepted', async () => {
    const agentId = await newAgent();
    const res = await stack.gql(CREATE_CONFIG, { input: { agentId, url: 'https://agent.example.com' } }, maintainer);
    expect((res.data as any).createUrlConfiguration.errors).toEqual([
      { message: 'Url is not a valid URL: only grpc:// and grpcs:// URLs are accepted', code: 'INVALID_INPUT', field: ['input', 'url'] },
    ]);
  });
});

test('an instance in another time zone: timestamps keep its offset and name the same instant', async () => {
  const berlin = await startStack({ simulator: { seed: { ...testSeed(), timeZone: 'Europe/Berlin' } } });
  try {
    const stored = berlin.simulator.agentsOf(PROJECTS.main.id)[0]!;
    const res = await berlin.gql('{ project(id: "g/p") { createdAt agents(first: 1) { nodes { name createdAt } } } }', undefined, maintainer);
    expect(res.errors).toBeUndefined();
    const agent = (res.data as any).project.agents.nodes[0];
    expect(agent.name).toBe(stored.name);
    expect(agent.createdAt).toMatch(/\+01:00$/);
    expect(Date.parse(agent.createdAt)).toBe(Date.parse(stored.created_at));
    expect((res.data as any).project.createdAt).toMatch(/\+01:00$/);
  } finally {
    await berlin.close();
  }
});
