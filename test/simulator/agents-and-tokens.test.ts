import { request } from 'undici';
import { describe, expect, test } from 'vitest';
import { PROJECTS, TOKENS, USERS } from '../../simulator/src/index.js';
import { sharedSimulator } from './client.js';

const { sim, call } = sharedSimulator();

const FORMAT = "Name can contain only lowercase letters, digits, and '-', but cannot start or end with '-'";
const badRequest = (messages: string[]) => ({ message: `400 Bad request - [${messages.map((m) => JSON.stringify(m)).join(', ')}]` });
/** Stands for a name already taken in g/p (the table is built before the simulator starts). */
const TAKEN = '<taken>';
let fresh = 0;
/** A new agent in g/empty, with nothing else attached. */
const newAgent = async () => (await call('POST', `/projects/${PROJECTS.empty.id}/cluster_agents`, { body: { name: `fresh-${++fresh}` } })).json as { id: number; name: string };

describe('registering an agent', () => {
  test('201 with the Agent entity: config_project is the project identity, created_by_user_id the caller', async () => {
    const res = await call('POST', '/projects/g%2Fsub%2Fdeep%2Fnested/cluster_agents', { body: { name: 'new-cluster' } });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      id: expect.any(Number),
      name: 'new-cluster',
      config_project: {
        id: 21,
        description: null,
        name: 'Nested',
        name_with_namespace: 'G / Sub / Deep / Nested',
        path: 'nested',
        path_with_namespace: 'g/sub/deep/nested',
        created_at: expect.stringMatching(/\.\d{3}Z$/),
      },
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      created_by_user_id: USERS.maintainer,
      is_receptive: false,
    });
    expect(sim().agentsOf(21).map((a) => a.name)).toContain('new-cluster');
  });

  test.each([
    ['a taken name', TAKEN, ['Name has already been taken']],
    ['""', '', ["Name can't be blank", FORMAT]],
    ['null', null, ["Name can't be blank", FORMAT]],
    ['blanks', '   ', ["Name can't be blank", FORMAT]],
    ['64 characters', 'a'.repeat(64), ['Name is too long (maximum is 63 characters)']],
    ['capitals', 'Prod', [FORMAT]],
    ['a trailing dash', 'prod-', [FORMAT]],
    ['too long and malformed', `-${'a'.repeat(63)}`, ['Name is too long (maximum is 63 characters)', FORMAT]],
  ])('%s: the model errors as a Ruby-inspected array, in declaration order', async (_, name, messages) => {
    const res = await call('POST', '/projects/20/cluster_agents', { body: { name: name === TAKEN ? sim().agentsOf(20)[0]!.name : name } });
    expect(res).toMatchObject({ status: 400, json: badRequest(messages as string[]) });
  });

  test('63 characters and a number are fine (Grape makes the number a string)', async () => {
    expect((await call('POST', '/projects/25/cluster_agents', { body: { name: 'a'.repeat(63) } })).status).toBe(201);
    expect((await call('POST', '/projects/25/cluster_agents', { body: { name: 42 } })).json.name).toBe('42');
  });

  test('names are unique per project only', async () => {
    const taken = sim().agentsOf(20)[0]!.name;
    expect((await call('POST', '/projects/26/cluster_agents', { body: { name: taken } })).status).toBe(201);
  });

  test('a missing or structured name is a Grape error under `error`', async () => {
    expect(await call('POST', '/projects/20/cluster_agents', { body: {} })).toMatchObject({ status: 400, json: { error: 'name is missing' } });
    expect(await call('POST', '/projects/20/cluster_agents', { body: { name: ['a'] } })).toMatchObject({ status: 400, json: { error: 'name is invalid' } });
  });

  test('form-encoded bodies, query params and untyped JSON work as with curl; JSON that does not parse is Grape’s 400, another type 415', async () => {
    expect((await call('POST', '/projects/25/cluster_agents', { form: { name: 'from-form' } })).json.name).toBe('from-form');
    expect((await call('POST', '/projects/25/cluster_agents?name=from-query')).json.name).toBe('from-query');
    const untyped = await request(`${sim().url}/api/v4/projects/25/cluster_agents`, { method: 'POST', headers: { 'private-token': TOKENS.maintainer }, body: '{"name":"untyped"}' });
    expect([untyped.statusCode, ((await untyped.body.json()) as any).name]).toEqual([201, 'untyped']);
    const invalid = await request(`${sim().url}/api/v4/projects/25/cluster_agents`, {
      method: 'POST',
      headers: { 'private-token': TOKENS.maintainer, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect([invalid.statusCode, ((await invalid.body.json()) as any).error]).toEqual([
      400,
      "\nProblem:\n  message body does not match declared format\nResolution:\n  when specifying application/json as content-type, you must pass valid application/json in the request's 'body' ",
    ]);
    const plain = await request(`${sim().url}/api/v4/projects/25/cluster_agents`, { method: 'POST', headers: { 'private-token': TOKENS.maintainer, 'content-type': 'text/plain' }, body: 'name=x' });
    expect([plain.statusCode, await plain.body.json()]).toEqual([415, { error: "The provided content-type 'text/plain' is not supported." }]);
  });
});

describe('deleting an agent', () => {
  test('204 with an empty body; its tokens and URL configuration go with it', async () => {
    const agent = await newAgent();
    await call('POST', `/projects/25/cluster_agents/${agent.id}/tokens`, { body: { name: 't' } });
    await call('POST', `/projects/25/cluster_agents/${agent.id}/url_configurations`, { body: { url: 'grpc://a.example:1' } });
    const gone = await call('DELETE', `/projects/25/cluster_agents/${agent.id}`);
    expect([gone.status, gone.text, gone.headers['content-type']]).toEqual([204, '', undefined]);
    expect(sim().state.tokens.some((t) => t.agent_id === agent.id)).toBe(false);
    expect(sim().state.urlConfigurations.some((c) => c.agent_id === agent.id)).toBe(false);
    for (const path of ['', '/tokens', '/url_configurations']) expect((await call('GET', `/projects/25/cluster_agents/${agent.id}${path}`)).json).toEqual({ message: '404 Not found' });
    expect((await call('DELETE', `/projects/25/cluster_agents/${agent.id}`)).json).toEqual({ message: '404 Not found' });
  });

  test('an agent of another project is not found through this one', async () => {
    const elsewhere = sim().agentsOf(22)[0]!;
    expect((await call('DELETE', `/projects/20/cluster_agents/${elsewhere.id}`)).json).toEqual({ message: '404 Not found' });
    expect((await call('GET', `/projects/20/cluster_agents/${elsewhere.id}`)).json).toEqual({ message: '404 Not found' });
  });

  test('If-Unmodified-Since before the last update is 412, compared at full precision', async () => {
    const agent = sim().state.agents.find((a) => a.project_id === 22)!;
    const createdAt = new Date(agent.created_at);
    expect(createdAt.getUTCMilliseconds()).toBeGreaterThan(0);
    const sameSecond = new Date(Math.floor(createdAt.getTime() / 1000) * 1000).toUTCString();
    for (const since of ['Mon, 01 Jan 2001 00:00:00 GMT', sameSecond]) {
      expect(await call('DELETE', `/projects/22/cluster_agents/${agent.id}`, { headers: { 'if-unmodified-since': since } })).toMatchObject({ status: 412, json: { message: '412 Precondition Failed' } });
    }
    expect(sim().state.agents.some((a) => a.id === agent.id)).toBe(true);
    const later = new Date(createdAt.getTime() + 1000).toUTCString();
    expect((await call('DELETE', `/projects/22/cluster_agents/${agent.id}`, { headers: { 'if-unmodified-since': later } })).status).toBe(204);
    expect((await call('DELETE', `/projects/22/cluster_agents/${sim().agentsOf(22)[0]!.id}`, { headers: { 'if-unmodified-since': 'not a date' } })).status).toBe(204);
  });
});

describe('agent tokens', () => {
  test('create: 201, the secret only here, last_used_at null, the caller as creator', async () => {
    const agent = await newAgent();
    const res = await call('POST', `/projects/25/cluster_agents/${agent.id}/tokens`, { body: { name: 'deploy', description: 'CI' } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.json)).toEqual(['id', 'name', 'description', 'agent_id', 'status', 'created_at', 'created_by_user_id', 'last_used_at', 'token']);
    expect(res.json).toMatchObject({ name: 'deploy', description: 'CI', agent_id: agent.id, status: 'active', created_by_user_id: USERS.maintainer, last_used_at: null });
    // A routable token (agent_token.rb `routable_token:`): base64url payload, `.01.`, length and CRC in base 36.
    expect(res.json.token).toMatch(/^glagent-[A-Za-z0-9_-]{20,}\.01\.[0-9a-z]{9}$/);
    const single = await call('GET', `/projects/25/cluster_agents/${agent.id}/tokens/${res.json.id}`, { token: TOKENS.developer });
    expect(Object.keys(single.json)).toEqual(['id', 'name', 'description', 'agent_id', 'status', 'created_at', 'created_by_user_id', 'last_used_at']);
    const secrets = new Set([res.json.token, (await call('POST', `/projects/25/cluster_agents/${agent.id}/tokens`, { body: { name: 'again' } })).json.token]);
    expect(secrets.size).toBe(2);
  });

  test('the single GET shows last_used_at; the list never does', async () => {
    const agent = sim().agentsOf(20)[0]!;
    const used = sim().activeTokensOf(agent.id).find((t) => t.last_used_at !== null)!;
    expect((await call('GET', `/projects/20/cluster_agents/${agent.id}/tokens/${used.id}`)).json.last_used_at).toBe(used.last_used_at);
  });

  test('two active tokens at most: checked before validation, with the plain message; revoking frees a slot', async () => {
    const agent = await newAgent();
    const base = `/projects/25/cluster_agents/${agent.id}/tokens`;
    const first = (await call('POST', base, { body: { name: 'one' } })).json;
    await call('POST', base, { body: { name: 'two' } });
    const limit = { message: '400 Bad request - An agent can have only two active tokens at a time' };
    expect(await call('POST', base, { body: { name: 'three' } })).toMatchObject({ status: 400, json: limit });
    expect((await call('POST', base, { body: { name: '' } })).json).toEqual(limit);
    expect((await call('DELETE', `${base}/${first.id}`)).status).toBe(204);
    expect((await call('POST', base, { body: { name: 'three' } })).status).toBe(201);
  });

  test('token validations: description first, then name; no uniqueness', async () => {
    const agent = await newAgent();
    const base = `/projects/25/cluster_agents/${agent.id}/tokens`;
    expect((await call('POST', base, { body: { name: '', description: 'd'.repeat(1025) } })).json).toEqual(
      badRequest(['Description is too long (maximum is 1024 characters)', "Name can't be blank"]),
    );
    expect((await call('POST', base, { body: { name: 'n'.repeat(256) } })).json).toEqual(badRequest(['Name is too long (maximum is 255 characters)']));
    expect((await call('POST', base, {})).json).toEqual({ error: 'name is missing' });
    expect((await call('POST', `/projects/25/cluster_agents/x/tokens`, {})).json).toEqual({ error: 'agent_id is invalid, name is missing' });
    expect((await call('POST', base, { body: { name: 'same', description: 'd'.repeat(1024) } })).status).toBe(201);
    expect((await call('POST', base, { body: { name: 'same' } })).status).toBe(201);
  });

  test('revoke: 204, the row stays revoked, the single GET is 404, revoking again is 204 too', async () => {
    const agent = sim().agentsOf(20)[1]!;
    const token = sim().activeTokensOf(agent.id)[0]!;
    const path = `/projects/20/cluster_agents/${agent.id}/tokens/${token.id}`;
    const revoked = await call('DELETE', path);
    expect([revoked.status, revoked.text]).toEqual([204, '']);
    expect(sim().state.tokens.find((t) => t.id === token.id)?.status).toBe('revoked');
    expect(await call('GET', path)).toMatchObject({ status: 404, json: { message: '404 Not found' } });
    expect((await call('GET', `/projects/20/cluster_agents/${agent.id}/tokens`)).json.map((t: any) => t.id)).not.toContain(token.id);
    expect((await call('DELETE', path)).status).toBe(204);
    // Revocation ignores If-Unmodified-Since.
    expect((await call('DELETE', path, { headers: { 'if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' } })).status).toBe(204);
  });

  test('seeded revoked tokens are invisible to reads, and a token is only found through its own agent', async () => {
    const [a, b] = sim().agentsOf(20).slice(5, 7);
    const revoked = sim().state.tokens.find((t) => t.agent_id === a!.id && t.status === 'revoked')!;
    expect((await call('GET', `/projects/20/cluster_agents/${a!.id}/tokens/${revoked.id}`)).json).toEqual({ message: '404 Not found' });
    const active = sim().activeTokensOf(a!.id)[0]!;
    expect((await call('GET', `/projects/20/cluster_agents/${b!.id}/tokens/${active.id}`)).json).toEqual({ message: '404 Not found' });
    expect((await call('DELETE', `/projects/20/cluster_agents/${b!.id}/tokens/${active.id}`)).json).toEqual({ message: '404 Not found' });
    expect((await call('DELETE', `/projects/20/cluster_agents/${a!.id}/tokens/999999`)).json).toEqual({ message: '404 Not found' });
    expect((await call('GET', `/projects/20/cluster_agents/${a!.id}/tokens/abc`)).json).toEqual({ error: 'token_id is invalid' });
  });
});
