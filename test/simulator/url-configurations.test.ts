import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { AGENTS, PROJECTS, TOKENS } from '../../simulator/src/index.js';
import { sharedSimulator } from './client.js';

const { sim, call } = sharedSimulator();

const tls = (file: string) => readFileSync(new URL(`../fixtures/tls/${file}`, import.meta.url), 'utf8');
const CLIENT_CERT = tls('client.pem');
const CLIENT_KEY = tls('client-key.pem');
const CA_CERT = tls('ca.pem');
const KEYS = ['id', 'agent_id', 'url', 'public_key', 'client_cert', 'ca_cert', 'tls_host'];
const badRequest = (messages: string[]) => ({ message: `400 Bad request - [${messages.map((m) => JSON.stringify(m)).join(', ')}]` });
const nested = (name: string) => sim().agentsOf(PROJECTS.nested.id).find((a) => a.name === name)!;
let fresh = 0;
/** A new agent in g/empty and the path of its URL configurations. */
const newAgent = async () => {
  const agent = (await call('POST', '/projects/25/cluster_agents', { body: { name: `receptive-${++fresh}` } })).json as { id: number };
  return { agent, base: `/projects/25/cluster_agents/${agent.id}/url_configurations` };
};

describe('the receptive-agents gate', () => {
  test('switched off: 404 Not Found, after 401 and after the project lookup, before parameter checks', async () => {
    const jwt = nested(AGENTS.withJwt);
    sim().setReceptiveAgentsEnabled(false);
    try {
      const base = `/projects/21/cluster_agents/${jwt.id}/url_configurations`;
      expect(await call('GET', base)).toMatchObject({ status: 404, json: { message: '404 Not Found' } });
      expect((await call('POST', '/projects/21/cluster_agents/abc/url_configurations', { body: {} })).json).toEqual({ message: '404 Not Found' });
      expect((await call('GET', `${base}/1`, { token: TOKENS.developer })).json).toEqual({ message: '404 Not Found' });
      expect((await call('GET', base, { token: null })).json).toEqual({ message: '401 Unauthorized' });
      expect((await call('GET', `/projects/24/cluster_agents/1/url_configurations`)).json).toEqual({ message: '404 Project Not Found' });
      expect(sim().state.receptiveAgentsEnabled).toBe(false);
    } finally {
      sim().setReceptiveAgentsEnabled(true);
    }
    expect((await call('GET', `/projects/21/cluster_agents/${jwt.id}/url_configurations`)).status).toBe(200);
  });

  test('switched on, the project is still looked up before the params are checked', async () => {
    expect((await call('POST', '/projects/999999/cluster_agents/abc/url_configurations', { body: {} })).json).toEqual({ message: '404 Project Not Found' });
    expect((await call('POST', '/projects/21/cluster_agents/abc/url_configurations', { body: {} })).json).toEqual({ error: 'agent_id is invalid, url is missing' });
  });
});

describe('reading', () => {
  test('the seeded JWT and mTLS configurations: all seven keys, raw PEM, no key material', async () => {
    const jwt = (await call('GET', `/projects/21/cluster_agents/${nested(AGENTS.withJwt).id}/url_configurations`)).json;
    expect(Object.keys(jwt[0])).toEqual(KEYS);
    expect(jwt[0]).toMatchObject({ agent_id: nested(AGENTS.withJwt).id, client_cert: null, ca_cert: null, tls_host: null, public_key: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) });
    const mtls = (await call('GET', `/projects/21/cluster_agents/${nested(AGENTS.withMtls).id}/url_configurations`)).json[0];
    expect(mtls).toMatchObject({ public_key: null, client_cert: expect.stringMatching(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/), tls_host: 'seed-agent.example.com' });
    expect(JSON.stringify(mtls)).not.toContain('PRIVATE KEY');
    expect((await call('GET', `/projects/21/cluster_agents/${nested(AGENTS.withoutUrlConfiguration).id}/url_configurations`)).json).toEqual([]);
  });

  test('a single one by id; any other id, even another agent’s, is `404 Not Found` with a capital F', async () => {
    const jwtAgent = nested(AGENTS.withJwt);
    const own = sim().state.urlConfigurations.find((c) => c.agent_id === jwtAgent.id)!;
    const other = sim().state.urlConfigurations.find((c) => c.agent_id === nested(AGENTS.withMtls).id)!;
    const base = `/projects/21/cluster_agents/${jwtAgent.id}/url_configurations`;
    expect((await call('GET', `${base}/${own.id}`)).json.id).toBe(own.id);
    expect(await call('GET', `${base}/${other.id}`)).toMatchObject({ status: 404, json: { message: '404 Not Found' } });
    expect((await call('DELETE', `${base}/${other.id}`)).json).toEqual({ message: '404 Not Found' });
    expect((await call('GET', `/projects/21/cluster_agents/${nested(AGENTS.withoutUrlConfiguration).id}/url_configurations/${own.id}`)).json).toEqual({ message: '404 Not Found' });
  });
});

describe('creating', () => {
  test('JWT mode: a real Ed25519 key pair is generated; public_key is base64 of its 32 raw bytes', async () => {
    const { agent, base } = await newAgent();
    const res = await call('POST', base, { body: { url: 'grpcs://agent.example.com:4242' } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.json)).toEqual(KEYS);
    expect(res.json).toMatchObject({ agent_id: agent.id, url: 'grpcs://agent.example.com:4242', client_cert: null, ca_cert: null, tls_host: null });
    const raw = Buffer.from(res.json.public_key, 'base64');
    expect([res.json.public_key.length, raw.length]).toEqual([44, 32]);
    // It is a valid Ed25519 point: Node accepts it as a public key.
    const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');
    expect(createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: 'der', type: 'spki' }).asymmetricKeyType).toBe('ed25519');
    expect((await call('GET', base)).json).toEqual([res.json]);
  });

  test('certificate mode when client_key is given: certs returned as sent, public_key null, the key stored but never shown', async () => {
    const { agent, base } = await newAgent();
    const res = await call('POST', base, { body: { url: 'grpc://10.0.0.5:8080', client_cert: CLIENT_CERT, client_key: CLIENT_KEY, ca_cert: CA_CERT, tls_host: 'agent.internal' } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ public_key: null, client_cert: CLIENT_CERT, ca_cert: CA_CERT, tls_host: 'agent.internal' });
    expect(res.text).not.toContain('PRIVATE KEY');
    expect(sim().state.urlConfigurationOf(agent.id)?.client_key).toBe(CLIENT_KEY);
  });

  test('a client_cert without a client_key is silently dropped: JWT mode; blank optional strings become null', async () => {
    const { base } = await newAgent();
    const res = await call('POST', base, { body: { url: 'grpc://a.example:1', client_cert: CLIENT_CERT, ca_cert: '', tls_host: '' } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ client_cert: null, ca_cert: null, tls_host: null, public_key: expect.any(String) });
  });

  test('a blank client_key still counts as given (`if params[:client_key]`): certificate mode, then the model refuses the nil key', async () => {
    const { agent, base } = await newAgent();
    expect(await call('POST', base, { body: { url: 'grpc://a.example:1', client_cert: CLIENT_CERT, client_key: '  ' } })).toMatchObject({
      status: 400,
      json: badRequest(['Client key must be a valid PEM private key']),
    });
    expect(sim().state.urlConfigurationOf(agent.id)).toBeUndefined();
  });

  test.each([
    ['a client_key without a client_cert', { client_key: CLIENT_KEY }],
    ['a blank client_key without a client_cert', { client_key: '' }],
  ])('%s: 500, the TypeError in the certificate validator; nothing is written', async (_, body) => {
    const { agent, base } = await newAgent();
    expect(await call('POST', base, { body: { url: 'grpc://a:1', ...body } })).toMatchObject({ status: 500, json: { message: '500 Internal Server Error' } });
    expect(sim().state.urlConfigurationOf(agent.id)).toBeUndefined();
  });

  test('one per agent; after deleting it, another may be created', async () => {
    const { agent, base } = await newAgent();
    const first = (await call('POST', base, { body: { url: 'grpc://a.example:1' } })).json;
    expect(await call('POST', base, { body: { url: 'grpc://b.example:1' } })).toMatchObject({
      status: 400,
      json: { message: '400 Bad request - URL configuration already exists for this agent' },
    });
    const deleted = await call('DELETE', `${base}/${first.id}`);
    expect([deleted.status, deleted.text]).toEqual([204, '']);
    expect(sim().state.urlConfigurationOf(agent.id)).toBeUndefined();
    expect((await call('GET', base)).json).toEqual([]);
    expect((await call('POST', base, { body: { url: 'grpc://b.example:1' } })).status).toBe(201);
  });

  test.each([
    ['an https url', { url: 'https://agent.example.com' }, ['Url is not a valid URL']],
    ['a url without host', { url: 'grpc://' }, ['Url is not a valid URL']],
    ['a null url', { url: null }, ['Url is not a valid URL']],
    ['a ca_cert that is no certificate', { url: 'grpc://a:1', ca_cert: 'invalid' }, ['Ca cert must be a valid PEM certificate']],
    ['a key as ca_cert', { url: 'grpc://a:1', ca_cert: CLIENT_KEY }, ['Ca cert must be a valid PEM certificate']],
    ['a tls_host with a scheme and path', { url: 'grpc://a:1', tls_host: 'https://exmple.com/path' }, ['Tls host must be a valid hostname!']],
    ['a tls_host with a port', { url: 'grpc://a:1', tls_host: 'agent.example.com:443' }, ['Tls host must be a valid hostname!']],
    ['a broken client_key', { url: 'grpc://a:1', client_cert: CLIENT_CERT, client_key: CLIENT_KEY.replace('KEY-----\n', 'KEY-----\nAAAA') }, ['Client key must be a valid PEM private key']],
    ['a public key as client_key', { url: 'grpc://a:1', client_cert: CLIENT_CERT, client_key: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) }, ['Client key must be a valid PEM private key']],
    [
      'everything wrong',
      { url: 'http://a', ca_cert: 'x', tls_host: 'a b', client_cert: 'y', client_key: 'z' },
      ['Url is not a valid URL', 'Ca cert must be a valid PEM certificate', 'Tls host must be a valid hostname!', 'Client cert must be a valid PEM certificate', 'Client key must be a valid PEM private key'],
    ],
  ])('%s: 400 with the model errors in order', async (_, body, messages) => {
    const { agent, base } = await newAgent();
    expect(await call('POST', base, { body })).toMatchObject({ status: 400, json: badRequest(messages) });
    expect(sim().state.urlConfigurationOf(agent.id)).toBeUndefined();
  });

  test('a missing url is a Grape error; IPs, IPv6 and plain names are valid tls_hosts', async () => {
    const { base } = await newAgent();
    expect(await call('POST', base, { body: {} })).toMatchObject({ status: 400, json: { error: 'url is missing' } });
    for (const tlsHost of ['10.1.2.3', '[::1]', 'Agent_1.example']) {
      const { base: another } = await newAgent();
      expect((await call('POST', another, { body: { url: 'grpcs://a.example:1', tls_host: tlsHost } })).json.tls_host).toBe(tlsHost);
    }
  });
});

describe('deleting', () => {
  test('If-Unmodified-Since older than the configuration is 412; the seeded one survives it', async () => {
    const agent = nested(AGENTS.withMtls);
    const config = sim().state.urlConfigurationOf(agent.id)!;
    const path = `/projects/21/cluster_agents/${agent.id}/url_configurations/${config.id}`;
    expect(await call('DELETE', path, { headers: { 'if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' } })).toMatchObject({
      status: 412,
      json: { message: '412 Precondition Failed' },
    });
    expect(sim().state.urlConfigurationOf(agent.id)).toBe(config);
    expect((await call('DELETE', path, { headers: { 'if-unmodified-since': new Date().toUTCString() } })).status).toBe(204);
    expect(sim().state.urlConfigurationOf(agent.id)).toBeUndefined();
  });

  test('creating a configuration touches its agent: an If-Unmodified-Since from before then fails on the agent', async () => {
    const { agent, base } = await newAgent();
    const stored = sim().state.agents.find((a) => a.id === agent.id)!;
    stored.created_at = stored.updated_at = '2024-06-01T00:00:00.000Z';
    const since = 'Wed, 01 Jan 2025 00:00:00 GMT';
    await call('POST', base, { body: { url: 'grpc://a.example:1' } });
    expect((await call('DELETE', `/projects/25/cluster_agents/${agent.id}`, { headers: { 'if-unmodified-since': since } })).status).toBe(412);
    expect((await call('DELETE', `/projects/25/cluster_agents/${agent.id}`, { headers: { 'if-unmodified-since': new Date(Date.now() + 2_000).toUTCString() } })).status).toBe(204);
  });
});
