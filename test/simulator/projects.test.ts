import { request } from 'undici';
import { describe, expect, test } from 'vitest';
import { PROJECTS, RENAMED_PATH, TOKENS, USERS, startSimulator, testSeed } from '../../simulator/src/index.js';
import { client, sharedSimulator } from './client.js';

const { sim, call } = sharedSimulator();

const PROJECT_NOT_FOUND = { message: '404 Project Not Found' };
const OLD = encodeURIComponent(RENAMED_PATH);

describe('the :id of a project', () => {
  test('a numeric id, or the URL-encoded full path in any letter case', async () => {
    expect((await call('GET', '/projects/21')).json.path_with_namespace).toBe(PROJECTS.nested.path);
    expect((await call('GET', '/projects/g%2Fsub%2Fdeep%2Fnested')).json.id).toBe(PROJECTS.nested.id);
    expect((await call('GET', '/projects/G%2FSub%2FDEEP%2Fnested')).json.id).toBe(PROJECTS.nested.id);
    expect((await call('GET', '/projects/020')).json.id).toBe(20);
  });

  test('a raw slash does not match the route: the catch-all answers, under `error`', async () => {
    expect(await call('GET', '/projects/g/p')).toMatchObject({ status: 404, json: { error: '404 Not Found' } });
    expect(await call('GET', '/projects/g/sub/deep/nested/cluster_agents')).toMatchObject({ status: 404, json: { error: '404 Not Found' } });
  });

  test('a bare slug, a negative id, an unknown path: 404 Project Not Found', async () => {
    for (const id of ['p', '-1', '999999', 'g%2Fnope']) expect(await call('GET', `/projects/${id}`)).toMatchObject({ status: 404, json: PROJECT_NOT_FOUND });
  });

  test('an unknown method or path below a project: the catch-all', async () => {
    expect((await call('PUT', '/projects/20')).json).toEqual({ error: '404 Not Found' });
    expect((await call('DELETE', '/projects/20/cluster_agents')).json).toEqual({ error: '404 Not Found' });
    expect((await call('GET', '/projects/20/cluster_agent')).json).toEqual({ error: '404 Not Found' });
  });

  test('the retired API v3 is 410', async () => {
    const res = await request(`${sim().url}/api/v3/projects/20`);
    expect([res.statusCode, await res.body.json()]).toEqual([410, { error: 'API V3 is no longer supported. Use API V4 instead.' }]);
  });
});

describe('a renamed project', () => {
  test('GET on the old path: 301 to the id URL, same sub-path and query, plain-text body', async () => {
    const moved = await call('GET', `/projects/${OLD}/cluster_agents?per_page=5&page=2`);
    const location = `${sim().url}/api/v4/projects/20/cluster_agents?per_page=5&page=2`;
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe(location);
    expect(moved.text).toBe(`This resource has been moved permanently to ${location}`);
    expect((await call('GET', `/projects/${OLD}`)).headers.location).toBe(`${sim().url}/api/v4/projects/20`);
  });

  test('following the redirect gives the project', async () => {
    const res = await fetch(`${sim().url}/api/v4/projects/${OLD}`, { headers: { 'private-token': TOKENS.developer } });
    expect([res.status, ((await res.json()) as any).id]).toEqual([200, 20]);
  });

  test('any other method on any route below the old path: 405', async () => {
    const agentId = sim().agentsOf(20)[0]!.id;
    const tokenId = sim().activeTokensOf(agentId)[0]!.id;
    const writes: [string, string, unknown][] = [
      ['POST', '/cluster_agents', { name: 'x' }],
      ['DELETE', `/cluster_agents/${agentId}`, undefined],
      ['POST', `/cluster_agents/${agentId}/tokens`, { name: 'x' }],
      ['DELETE', `/cluster_agents/${agentId}/tokens/${tokenId}`, undefined],
      ['POST', `/cluster_agents/${agentId}/url_configurations`, { url: 'grpc://x:1' }],
    ];
    for (const [method, rest, body] of writes) {
      expect(await call(method, `/projects/${OLD}${rest}`, { body })).toMatchObject({ status: 405, json: { message: 'Non GET methods are not allowed for moved projects' } });
    }
    expect(sim().activeTokensOf(agentId).some((t) => t.id === tokenId)).toBe(true);
    // Rack's `request.get?` is false for HEAD, although Grape routes HEAD as GET.
    const head = await request(`${sim().url}/api/v4/projects/${OLD}`, { method: 'HEAD', headers: { 'private-token': TOKENS.maintainer } });
    expect(head.statusCode).toBe(405);
  });

  test('the move is only revealed to callers who may read the project', async () => {
    expect(await call('GET', `/projects/${OLD}`, { token: TOKENS.outsider })).toMatchObject({ status: 404, json: PROJECT_NOT_FOUND });
  });

  test('Grape validates the params before the route body looks the project up', async () => {
    expect(await call('POST', `/projects/${OLD}/cluster_agents`, { body: {} })).toMatchObject({ status: 400, json: { error: 'name is missing' } });
  });
});

describe('the project body', () => {
  test('ProjectWithAccess fields, the namespace chain, and the caller’s access', async () => {
    const res = await call('GET', '/projects/g%2Fsub%2Fdeep%2Fnested', { token: TOKENS.developer });
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json).toMatchObject({
      id: 21,
      description: null,
      name: 'Nested',
      name_with_namespace: 'G / Sub / Deep / Nested',
      path: 'nested',
      path_with_namespace: 'g/sub/deep/nested',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      default_branch: 'main',
      web_url: `${sim().url}/g/sub/deep/nested`,
      visibility: 'private',
      namespace: { id: 102, name: 'Deep', path: 'deep', kind: 'group', full_path: 'g/sub/deep', parent_id: 101, web_url: `${sim().url}/groups/g/sub/deep` },
      permissions: { project_access: { access_level: 30, notification_level: 3 }, group_access: null },
    });
  });

  test('group members get group_access, and their level counts in every project below', async () => {
    const seed = testSeed();
    seed.groups.find((g) => g.path === 'g')!.members = { [USERS.outsider]: 40 };
    const withGroup = await startSimulator({ seed });
    try {
      const res = await client(withGroup)('GET', '/projects/21', { token: TOKENS.outsider });
      expect(res.json.permissions).toEqual({ project_access: null, group_access: { access_level: 40, notification_level: 3 } });
      expect((await client(withGroup)('POST', '/projects/21/cluster_agents', { token: TOKENS.outsider, body: { name: 'via-group' } })).status).toBe(201);
    } finally {
      await withGroup.close();
    }
  });

  test('HEAD is answered as GET, without a body', async () => {
    const res = await request(`${sim().url}/api/v4/projects/20`, { method: 'HEAD', headers: { 'private-token': TOKENS.developer } });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('');
  });

  test('every answer carries the security headers GitLab sets', async () => {
    for (const res of [await call('GET', '/projects/20'), await call('GET', '/projects/24'), await call('GET', '/nope')]) {
      expect(res.headers).toMatchObject({ 'x-frame-options': 'SAMEORIGIN', 'x-content-type-options': 'nosniff', 'content-type': 'application/json' });
    }
  });
});
