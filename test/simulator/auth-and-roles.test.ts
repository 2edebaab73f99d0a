import { request } from 'undici';
import { describe, expect, test } from 'vitest';
import { AGENTS, PROJECTS, TOKENS, USERS } from '../../simulator/src/index.js';
import { sharedSimulator } from './client.js';

const { sim, call } = sharedSimulator();

const UNAUTHORIZED = { message: '401 Unauthorized' };
const FORBIDDEN = { message: '403 Forbidden' };
const PROJECT_NOT_FOUND = { message: '404 Project Not Found' };
const firstAgent = (projectId: number) => sim().agentsOf(projectId)[0]!.id;

describe('authentication comes first', () => {
  test('no token or an unknown one: 401, before parameter validation and on public projects too', async () => {
    expect(await call('GET', '/projects/20/cluster_agents?per_page=0', { token: null })).toMatchObject({ status: 401, json: UNAUTHORIZED });
    expect(await call('POST', '/projects/20/cluster_agents', { token: 'glpat-nobody', body: {} })).toMatchObject({ status: 401, json: UNAUTHORIZED });
    expect(await call('GET', `/projects/${PROJECTS.public.id}`, { token: null })).toMatchObject({ status: 401, json: UNAUTHORIZED });
    expect(await call('GET', '/projects/999999/cluster_agents/abc', { token: null })).toMatchObject({ status: 401 });
  });

  test('...but the catch-all route answers 404 without asking who is calling', async () => {
    expect(await call('GET', '/projects/g/p/cluster_agents', { token: null })).toMatchObject({ status: 404, json: { error: '404 Not Found' } });
    expect(await call('GET', '/user', { token: 'glpat-nobody' })).toMatchObject({ status: 404, json: { error: '404 Not Found' } });
  });

  test('a token is taken from PRIVATE-TOKEN, private_token, Bearer, access_token, or Basic', async () => {
    const url = `${sim().url}/api/v4/projects/20`;
    const basic = Buffer.from(`dev:${TOKENS.developer}`).toString('base64');
    const ways = [
      request(url, { headers: { 'private-token': TOKENS.developer } }),
      request(`${url}?private_token=${TOKENS.developer}`),
      request(url, { headers: { authorization: `Bearer ${TOKENS.developer}` } }),
      request(`${url}?access_token=${TOKENS.developer}`),
      request(url, { headers: { authorization: `Basic ${basic}` } }),
    ];
    const answers = await Promise.all(ways);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const bodies = await Promise.all(answers.map((a) => a.body.json() as Promise<any>));
    expect(bodies.map((b) => b.permissions.project_access.access_level)).toEqual([30, 30, 30, 30, 30]);
  });

  test('a job token alone does not authenticate on these routes', async () => {
    expect((await call('GET', '/projects/20', { token: null, headers: { 'job-token': TOKENS.maintainer } })).status).toBe(401);
  });
});

test('five different 404s, each where GitLab gives it', async () => {
  const jwt = sim().agentsOf(21).find((a) => a.name === AGENTS.withJwt)!;
  expect((await call('GET', '/projects/24')).json).toEqual(PROJECT_NOT_FOUND);
  expect((await call('GET', '/projects/20/cluster_agents', { token: TOKENS.reporter })).json).toEqual({ message: '404 ClusterAgents Not Found' });
  expect((await call('GET', '/projects/20/cluster_agents/999999')).json).toEqual({ message: '404 Not found' });
  expect((await call('GET', `/projects/21/cluster_agents/${jwt.id}/url_configurations/999999`)).json).toEqual({ message: '404 Not Found' });
  expect((await call('GET', '/projects/20/cluster_agents/1/nothing')).json).toEqual({ error: '404 Not Found' });
});

describe('reads by role', () => {
  test('list agents: Developer and up see them; Reporter gets 404 ClusterAgents; a non-member of a private project 404 Project', async () => {
    const status = async (token: string) => {
      const res = await call('GET', '/projects/20/cluster_agents', { token });
      return [res.status, res.json];
    };
    expect((await status(TOKENS.developer))[0]).toBe(200);
    expect((await status(TOKENS.admin))[0]).toBe(200);
    expect(await status(TOKENS.reporter)).toEqual([404, { message: '404 ClusterAgents Not Found' }]);
    expect(await status(TOKENS.outsider)).toEqual([404, PROJECT_NOT_FOUND]);
    expect(await status(TOKENS.other)).toEqual([404, PROJECT_NOT_FOUND]);
  });

  test('get agent and its tokens below Developer: the finder finds nothing, `404 Not found`', async () => {
    const agentId = firstAgent(20);
    expect(await call('GET', `/projects/20/cluster_agents/${agentId}`, { token: TOKENS.reporter })).toMatchObject({ status: 404, json: { message: '404 Not found' } });
    expect(await call('GET', `/projects/20/cluster_agents/${agentId}/tokens`, { token: TOKENS.reporter })).toMatchObject({ status: 404, json: { message: '404 Not found' } });
    expect((await call('GET', `/projects/20/cluster_agents/${agentId}`, { token: TOKENS.developer })).status).toBe(200);
  });

  test('a public project: anyone signed in reads the project, but its agents still need Developer', async () => {
    const project = await call('GET', '/projects/pub%2Flic', { token: TOKENS.outsider });
    expect(project.status).toBe(200);
    expect(project.json.permissions).toEqual({ project_access: null, group_access: null });
    expect((await call('GET', '/projects/pub%2Flic/cluster_agents', { token: TOKENS.outsider })).json).toEqual({ message: '404 ClusterAgents Not Found' });
    expect((await call('GET', `/projects/26/cluster_agents/${firstAgent(26)}`, { token: TOKENS.outsider })).json).toEqual({ message: '404 Not found' });
    expect((await call('POST', '/projects/26/cluster_agents', { token: TOKENS.outsider, body: { name: 'mine' } })).json).toEqual(FORBIDDEN);
  });

  test('a maintainer of one project only: that project is visible, the others are not', async () => {
    expect((await call('GET', '/projects/other%2Fprivate/cluster_agents', { token: TOKENS.other })).json.map((a: any) => a.name)).toEqual(
      sim().agentsOf(24).map((a) => a.name),
    );
    expect((await call('GET', '/projects/24/cluster_agents', { token: TOKENS.maintainer })).json).toEqual(PROJECT_NOT_FOUND);
  });

  test('an admin sees everything, yet has no project_access of their own', async () => {
    const project = await call('GET', '/projects/24', { token: TOKENS.admin });
    expect(project.json.permissions).toEqual({ project_access: null, group_access: null });
    expect((await call('GET', '/projects/24/cluster_agents', { token: TOKENS.admin })).json).toHaveLength(PROJECTS.otherPrivate.agents);
  });
});

describe('writes below Maintainer: 403 before the agent is looked up', () => {
  const missing = 999_999;
  test.each([
    ['DELETE', `/projects/20/cluster_agents/${missing}`, undefined],
    ['POST', `/projects/20/cluster_agents/${missing}/tokens`, { name: 'nope' }],
    ['DELETE', `/projects/20/cluster_agents/${missing}/tokens/1`, undefined],
    ['GET', `/projects/21/cluster_agents/${missing}/url_configurations`, undefined],
    ['GET', `/projects/21/cluster_agents/${missing}/url_configurations/1`, undefined],
    ['POST', `/projects/21/cluster_agents/${missing}/url_configurations`, { url: 'grpc://x:1' }],
    ['DELETE', `/projects/21/cluster_agents/${missing}/url_configurations/1`, undefined],
  ])('%s %s', async (method, path, body) => {
    for (const token of [TOKENS.developer, TOKENS.reporter]) {
      expect(await call(method, path, { token, body })).toMatchObject({ status: 403, json: FORBIDDEN });
    }
    // A Maintainer gets past the 403 and finds no agent.
    expect((await call(method, path, { body })).json).toEqual({ message: '404 Not found' });
  });

  test('nothing changed behind the refusals', async () => {
    const agentId = firstAgent(20);
    const before = sim().activeTokensOf(agentId).length;
    await call('POST', `/projects/20/cluster_agents/${agentId}/tokens`, { token: TOKENS.developer, body: { name: 'x' } });
    await call('DELETE', `/projects/20/cluster_agents/${agentId}`, { token: TOKENS.developer });
    expect(sim().activeTokensOf(agentId)).toHaveLength(before);
    expect(sim().state.agents.some((a) => a.id === agentId)).toBe(true);
  });

  test('a Maintainer writes, and is recorded as the creator', async () => {
    const created = await call('POST', '/projects/20/cluster_agents', { body: { name: 'by-maria' } });
    expect(created.status).toBe(201);
    expect(created.json.created_by_user_id).toBe(USERS.maintainer);
    const byAdmin = await call('POST', '/projects/24/cluster_agents', { token: TOKENS.admin, body: { name: 'by-root' } });
    expect(byAdmin.json.created_by_user_id).toBe(USERS.admin);
  });

  test('URL configurations: even reading needs Maintainer (the docs say Developer)', async () => {
    const jwt = sim().agentsOf(21).find((a) => a.name === AGENTS.withJwt)!;
    expect((await call('GET', `/projects/21/cluster_agents/${jwt.id}/url_configurations`, { token: TOKENS.developer })).json).toEqual(FORBIDDEN);
    expect((await call('GET', `/projects/21/cluster_agents/${jwt.id}/url_configurations`)).json).toHaveLength(1);
  });
});
