import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

const pem = (name: string) => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), 'utf8');
const CLIENT_CERT = pem('client.pem');
const CLIENT_KEY = pem('client-key.pem');
const CA_CERT = pem('ca.pem');

let stack: Stack;
const maintainer = { token: TOKENS.maintainer };

const CREATE = `mutation($input: CreateUrlConfigurationInput!) {
  createUrlConfiguration(input: $input) {
    urlConfiguration { id databaseId url authMethod publicKey clientCert caCert tlsHost agent { name } }
    errors { message code field }
  }
}`;
const DELETE = 'mutation($id: ID!) { deleteUrlConfiguration(input: { id: $id }) { deletedUrlConfigurationId errors { code } } }';

async function newAgent(name: string): Promise<{ id: string; databaseId: number }> {
  const res = await stack.gql(`mutation { registerAgent(input: { projectId: "g/empty", name: "${name}" }) { agent { id databaseId } } }`, undefined, maintainer);
  return (res.data as any).registerAgent.agent;
}

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

describe('createUrlConfiguration and deleteUrlConfiguration', () => {
  test('without a client certificate GitLab generates a key pair: JWT, with the public key', async () => {
    const agent = await newAgent('jwt-agent');
    const res = await stack.gql(CREATE, { input: { agentId: agent.id, url: 'grpcs://agent.example.com:4242' } }, maintainer);
    const payload = (res.data as any).createUrlConfiguration;
    expect(payload.errors).toEqual([]);
    expect(payload.urlConfiguration).toMatchObject({ url: 'grpcs://agent.example.com:4242', authMethod: 'JWT', clientCert: null, agent: { name: 'jwt-agent' } });
    expect(payload.urlConfiguration.publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(stack.simulator.state.urlConfigurations.some((c) => c.agent_id === agent.databaseId)).toBe(true);
  });

  test('with certificate and key: MTLS, PEM passed through both ways; the key is never returned', async () => {
    const agent = await newAgent('mtls-agent');
    const input = { agentId: agent.id, url: 'grpc://10.0.0.1:8080', clientCert: CLIENT_CERT, clientKey: CLIENT_KEY, caCert: CA_CERT, tlsHost: 'agent.internal' };
    const res = await stack.gql(CREATE, { input }, maintainer);
    const payload = (res.data as any).createUrlConfiguration;
    expect(payload.errors).toEqual([]);
    expect(payload.urlConfiguration).toMatchObject({ authMethod: 'MTLS', publicKey: null, clientCert: CLIENT_CERT, caCert: CA_CERT, tlsHost: 'agent.internal' });
    expect(JSON.stringify(res)).not.toContain('PRIVATE KEY');

    const again = await stack.gql(CREATE, { input: { agentId: agent.id, url: 'grpc://other:1' } }, maintainer);
    expect((again.data as any).createUrlConfiguration.errors).toEqual([
      { message: 'URL configuration already exists for this agent', code: 'URL_CONFIGURATION_EXISTS', field: ['input', 'agentId'] },
    ]);

    const id = payload.urlConfiguration.id;
    const deleted = await stack.gql(DELETE, { id }, maintainer);
    expect((deleted.data as any).deleteUrlConfiguration).toEqual({ deletedUrlConfigurationId: id, errors: [] });
    expect(stack.simulator.state.urlConfigurations.some((c) => c.agent_id === agent.databaseId)).toBe(false);
    const recreated = await stack.gql(CREATE, { input: { agentId: agent.id, url: 'grpc://other:1' } }, maintainer);
    expect((recreated.data as any).createUrlConfiguration.errors).toEqual([]);
  });

  test('input GitLab would refuse, or that GitLab would silently misread, costs no REST call', async () => {
    const agent = await newAgent('picky-agent');
    stack.simulator.resetStats();
    const cases: [Record<string, string>, string[]][] = [
      [{ url: 'https://agent.example.com' }, ['input', 'url']],
      [{ url: 'grpc://a:1', clientCert: CLIENT_CERT }, ['input', 'clientKey']],
      [{ url: 'grpc://a:1', clientKey: CLIENT_KEY }, ['input', 'clientCert']],
      [{ url: 'grpc://a:1', caCert: 'not a certificate' }, ['input', 'caCert']],
      [{ url: 'grpc://a:1', clientCert: Buffer.from(CLIENT_CERT).toString('base64'), clientKey: CLIENT_KEY }, ['input', 'clientCert']],
      [{ url: 'grpc://a:1', tlsHost: 'https://exmple.com/path' }, ['input', 'tlsHost']],
    ];
    for (const [input, field] of cases) {
      const res = await stack.gql(CREATE, { input: { agentId: agent.id, ...input } }, maintainer);
      const payload = (res.data as any).createUrlConfiguration;
      expect(payload.urlConfiguration, JSON.stringify(input)).toBeNull();
      expect(payload.errors.map((e: any) => e.field), JSON.stringify(input)).toContainEqual(field);
      expect(payload.errors.every((e: any) => e.code === 'INVALID_INPUT')).toBe(true);
    }
    expect(stack.simulator.total()).toBe(0);
  });
});
