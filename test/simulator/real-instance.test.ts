import { describe, expect, test } from 'vitest';
import { AGENTS, PROJECTS, TOKENS, startSimulator, testSeed } from '../../simulator/src/index.js';
import { client, sharedSimulator } from './client.js';

/**
 * What a real instance does that a simulator easily misses
 * (read in GitLab's CE+EE source): the caller's language, limits only the database
 * enforces, routable secrets, EE's `is_receptive`, the instance time zone.
 */
const { sim, call } = sharedSimulator();
const de = { token: TOKENS.maintainerDe };
const badRequest = (messages: string[]) => ({ message: `400 Bad request - [${messages.map((m) => JSON.stringify(m)).join(', ')}]` });
let fresh = 0;
const newAgent = async () => (await call('POST', `/projects/${PROJECTS.empty.id}/cluster_agents`, { body: { name: `real-${++fresh}` } })).json as { id: number };

describe('a German-speaking caller (preferred_language: de) gets GitLab’s German', () => {
  test('the two-token limit, a plain string', async () => {
    const agent = await newAgent();
    const tokens = `/projects/25/cluster_agents/${agent.id}/tokens`;
    for (const name of ['a', 'b']) expect((await call('POST', tokens, { body: { name }, ...de })).status).toBe(201);
    expect(await call('POST', tokens, { body: { name: 'c' }, ...de })).toMatchObject({
      status: 400,
      json: { message: '400 Bad request - Ein Agent kann jeweils nur zwei aktive Token haben' },
    });
  });

  test('model errors: translated messages after the untranslated attribute; the name format stays English', async () => {
    const taken = sim().agentsOf(PROJECTS.main.id)[0]!.name;
    expect((await call('POST', '/projects/20/cluster_agents', { body: { name: taken }, ...de })).json).toEqual(badRequest(['Name ist bereits vergeben']));
    expect((await call('POST', '/projects/20/cluster_agents', { body: { name: '' }, ...de })).json).toEqual(
      badRequest(['Name muss ausgefüllt werden', "Name can contain only lowercase letters, digits, and '-', but cannot start or end with '-'"]),
    );
    const agent = await newAgent();
    expect((await call('POST', `/projects/25/cluster_agents/${agent.id}/tokens`, { body: { name: 'n'.repeat(256) }, ...de })).json).toEqual(
      badRequest(['Name ist zu lang (mehr als 255 Zeichen)']),
    );
  });

  test('URL configurations: "already exists" plain, "not a valid URL" from validate_url’s German, the rest English', async () => {
    const agent = await newAgent();
    const base = `/projects/25/cluster_agents/${agent.id}/url_configurations`;
    expect((await call('POST', base, { body: { url: 'https://a.example', tls_host: 'a b' }, ...de })).json).toEqual(
      badRequest(['Url ist keine gültige URL', 'Tls host must be a valid hostname!']),
    );
    expect((await call('POST', base, { body: { url: 'grpc://a.example:1' }, ...de })).status).toBe(201);
    expect((await call('POST', base, { body: { url: 'grpc://b.example:1' }, ...de })).json).toEqual({
      message: '400 Bad request - Für diesen Agenten ist bereits eine URL-Konfiguration vorhanden',
    });
  });

  test('an English-speaking caller still gets English', async () => {
    const taken = sim().agentsOf(PROJECTS.main.id)[0]!.name;
    expect((await call('POST', '/projects/20/cluster_agents', { body: { name: taken } })).json).toEqual(badRequest(['Name has already been taken']));
  });
});

describe('lengths', () => {
  test('are counted in characters (code points), not UTF-16 units', async () => {
    const agent = await newAgent();
    const tokens = `/projects/25/cluster_agents/${agent.id}/tokens`;
    const emoji = '🚀'.repeat(255);
    expect(emoji.length).toBe(510);
    expect(await call('POST', tokens, { body: { name: emoji, description: '🚀'.repeat(1024) } })).toMatchObject({ status: 201, json: { name: emoji } });
    expect((await call('POST', tokens, { body: { name: `${emoji}🚀` } })).json).toEqual(badRequest(['Name is too long (maximum is 255 characters)']));
  });

  /** The seeded certificate, padded after its PEM block (which the PEM parser ignores) to `length` characters. */
  const paddedCert = (length: number) => {
    const cert = sim().state.urlConfigurations.find((c) => c.ca_cert !== null)!.ca_cert!;
    return `${cert}${'x'.repeat(length - cert.length)}`;
  };
  test.each([
    ['url', (n: number) => ({ url: `grpc://${'a'.repeat(n - 7)}` })],
    ['tls_host', (n: number) => ({ url: 'grpc://a:1', tls_host: 'a'.repeat(n) })],
    ['ca_cert', (n: number) => ({ url: 'grpc://a:1', ca_cert: paddedCert(n) })],
  ])('%s: stored at its database limit; above it a 500, and nothing is written', async (column, body) => {
    const agent = await newAgent();
    const base = `/projects/25/cluster_agents/${agent.id}/url_configurations`;
    const limit = column === 'ca_cert' ? 16384 : 2048;
    const stored = await call('POST', base, { body: body(limit) });
    expect([stored.status, [...stored.json[column]].length]).toEqual([201, limit]);
    await call('DELETE', `${base}/${stored.json.id}`);
    expect(await call('POST', base, { body: body(limit + 1) })).toMatchObject({ status: 500, json: { message: '500 Internal Server Error' } });
    expect(sim().state.urlConfigurationOf(agent.id)).toBeUndefined();
  });
});

test('tls_host is what URI.parse("http://#{v}").host gives back: brackets, underscores and a trailing dot pass', async () => {
  for (const tlsHost of ['[::1]', 'my_host.internal', 'example.com.']) {
    const agent = await newAgent();
    const res = await call('POST', `/projects/25/cluster_agents/${agent.id}/url_configurations`, { body: { url: 'grpcs://a.example:1', tls_host: tlsHost } });
    expect([res.status, res.json.tls_host]).toEqual([201, tlsHost]);
  }
});

test('EE agents carry is_receptive: true while a URL configuration exists', async () => {
  const nested = sim().agentsOf(PROJECTS.nested.id);
  const receptive = Object.fromEntries((await call('GET', '/projects/21/cluster_agents')).json.map((a: any) => [a.name, a.is_receptive]));
  expect(receptive).toEqual({ [AGENTS.withJwt]: true, [AGENTS.withMtls]: true, [AGENTS.withoutUrlConfiguration]: false });
  const edge = nested.find((a) => a.name === AGENTS.withoutUrlConfiguration)!;
  const created = await call('POST', `/projects/21/cluster_agents/${edge.id}/url_configurations`, { body: { url: 'grpc://edge:1' } });
  expect((await call('GET', `/projects/21/cluster_agents/${edge.id}`)).json.is_receptive).toBe(true);
  await call('DELETE', `/projects/21/cluster_agents/${edge.id}/url_configurations/${created.json.id}`);
  expect((await call('GET', `/projects/21/cluster_agents/${edge.id}`)).json.is_receptive).toBe(false);
});

test('with the seed’s timeZone, every timestamp carries the instance’s offset and names the same instant', async () => {
  const berlin = await startSimulator({ seed: { ...testSeed(), timeZone: 'Europe/Berlin' } });
  try {
    const get = client(berlin);
    const [stored] = berlin.agentsOf(PROJECTS.main.id);
    const agent = (await get('GET', `/projects/20/cluster_agents/${stored!.id}`)).json;
    expect(agent.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+01:00$/);
    expect(Date.parse(agent.created_at)).toBe(Date.parse(stored!.created_at));
    expect(agent.config_project.created_at).toMatch(/\+01:00$/);
    const used = berlin.activeTokensOf(stored!.id)[0]!;
    const token = (await get('GET', `/projects/20/cluster_agents/${stored!.id}/tokens/${used.id}`)).json;
    expect([token.created_at, token.last_used_at].map((t: string) => t.slice(-6))).toEqual(['+01:00', '+01:00']);
    expect(Date.parse(token.last_used_at)).toBe(Date.parse(used.last_used_at!));
    berlin.state.agents.find((a) => a.id === stored!.id)!.created_at = '2024-07-01T12:00:00.000Z';
    expect((await get('GET', `/projects/20/cluster_agents/${stored!.id}`)).json.created_at).toBe('2024-07-01T14:00:00.000+02:00');
  } finally {
    await berlin.close();
  }
});
