import { afterAll, beforeAll, expect, test } from 'vitest';
import { GitLabClient, GitLabError } from '../../src/datasources/gitlab-client.js';
import { PROJECTS, TOKENS, startSimulator, testSeed } from '../../simulator/src/index.js';
import type { Simulator } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: testSeed() });
});
afterAll(() => sim.close());

const agents = { method: 'GET' as const, path: `/projects/${PROJECTS.main.id}/cluster_agents`, route: 'GET /projects/:id/cluster_agents' };
const call = { auth: { authorization: `Bearer ${TOKENS.maintainer}` } };

test("the wait for a socket counts in the call's deadline: a call queued behind a hung one ends on time, unsent", async () => {
  const client = new GitLabClient({ baseUrl: sim.url, connections: 1, requestTimeoutMs: 1_000, maxAttempts: 1 });
  sim.resetStats();
  sim.failNext(1, 'hang');
  const hung = client.request(agents, call).catch((err: unknown) => err);
  // The hung call holds the only socket once the simulator has it.
  await expect.poll(() => sim.maxInFlight()).toBe(1);
  const started = performance.now();
  // Its GraphQL request's deadline, 150 ms away: the same end as GITLAB_TIMEOUT_MS gives every call, only nearer.
  const queued = await client.request(agents, { ...call, deadline: started + 150 }).catch((err: unknown) => err);
  const waitedMs = performance.now() - started;
  expect(queued).toBeInstanceOf(GitLabError);
  expect(queued).toMatchObject({ code: 'UPSTREAM_TIMEOUT', extensions: { limit: 'graphqlTimeoutMs' } });
  // Ended by its own deadline, not by the hung call's end 1 s after it began.
  expect(waitedMs).toBeLessThan(600);
  expect(sim.total()).toBe(1);
  expect(await hung).toMatchObject({ code: 'UPSTREAM_TIMEOUT', extensions: { limit: 'requestTimeoutMs' } });
  expect(sim.total()).toBe(1);
  await client.close();
});

test('GITLAB_CONNECTIONS caps the REST calls in flight at once over HTTP/1.1: 20 token lists through 2 sockets', async () => {
  const stack = await startStack({ gateway: { gitlabConnections: 2 }, simulator: { latencyMs: 10 } });
  try {
    stack.simulator.resetStats();
    const res = await stack.gql(`{ project(id: "${PROJECTS.main.path}") { agents(first: 20) { nodes { tokens { nodes { name } } } } } }`, undefined, { token: TOKENS.maintainer });
    expect(res.errors).toBeUndefined();
    expect(stack.simulator.total()).toBe(21);
    expect(stack.simulator.maxInFlight()).toBe(2);
  } finally {
    await stack.close();
  }
});
