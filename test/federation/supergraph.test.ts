import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { fetch } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { globalIdOf } from '../../src/global-id.js';
import { authHeaders, startStack } from '../helpers/harness.js';
import type { Caller, GraphQLResponse, Stack } from '../helpers/harness.js';
import { DEPLOYMENTS_SDL, startDeploymentsSubgraph } from './deployments-subgraph.js';

/**
 * The gateway composed with another team's subgraph by a real composition
 * library and served by a real federation gateway (Hive Gateway), over HTTP
 * to both subgraphs.
 */
let stack: Stack;
let deployments: Awaited<ReturnType<typeof startDeploymentsSubgraph>>;
let supergraph: Server;
let supergraphUrl: string;
let agents: { id: string; name: string }[];

beforeAll(async () => {
  stack = await startStack();
  const listed = await stack.gql<{ project: { agents: { nodes: { id: string; name: string }[] } } }>(
    '{ project(id: "g/p") { agents(first: 3) { nodes { id name } } } }',
    undefined,
    { token: TOKENS.maintainer },
  );
  agents = listed.data!.project.agents.nodes;
  const privateAgentId = globalIdOf('Agent', { projectId: 24, agentId: stack.simulator.agentsOf(24)[0]!.id });
  deployments = await startDeploymentsSubgraph([
    { id: 'd1', environment: 'production', agentId: agents[0]!.id, projectPath: 'g/p' },
    { id: 'd2', environment: 'staging', agentId: agents[1]!.id, projectPath: 'g/sub/deep/nested' },
    // Only TOKENS.other may see other/private.
    { id: 'd3', environment: 'review', agentId: privateAgentId, projectPath: 'other/private' },
  ]);

  const sdl = (await stack.gql<{ _service: { sdl: string } }>('{ _service { sdl } }')).data!._service.sdl;
  const composed = composeServices([
    { name: 'gitlab', typeDefs: parse(sdl), url: `${stack.url}/graphql` },
    { name: 'deployments', typeDefs: parse(DEPLOYMENTS_SDL), url: deployments.url },
  ]);
  expect(composed.errors ?? []).toEqual([]);

  const runtime = createGatewayRuntime({
    supergraph: composed.supergraphSdl!,
    logging: false,
    maskedErrors: false,
    propagateHeaders: {
      // The gateway holds no GitLab credentials: the caller's own token must reach GitLab, in either header GitLab takes.
      fromClientToSubgraphs: ({ request }) => ({
        authorization: request.headers.get('authorization'),
        'private-token': request.headers.get('private-token'),
      }),
    },
  });
  supergraph = createServer(runtime);
  await new Promise<void>((resolve) => supergraph.listen(0, '127.0.0.1', resolve));
  supergraphUrl = `http://127.0.0.1:${(supergraph.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await new Promise((resolve) => supergraph?.close(resolve));
  supergraph?.closeAllConnections();
  await deployments?.close();
  await stack?.close();
});

async function query(text: string, caller: Caller = {}): Promise<GraphQLResponse<any>> {
  const res = await fetch(supergraphUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders(caller) },
    body: JSON.stringify({ query: text }),
  });
  return (await res.json()) as GraphQLResponse<any>;
}

/** Hive Gateway puts an entity's error on the first field it was asked for, e.g. `recentDeployments.2.agent.name`. */
const errorCodes = (res: GraphQLResponse<unknown>) => res.errors?.map((e) => [e.path?.join('.'), e.extensions?.code]);
const tokensThatReachedGitLab = () => new Set(stack.simulator.requests.map((r) => r.token));

test('a query that starts in the gateway crosses into the deployments subgraph', async () => {
  const res = await query('{ project(id: "g/p") { agents(first: 3) { nodes { name deployments { environment } } } } }', { token: TOKENS.maintainer });
  expect(res.errors).toBeUndefined();
  expect(res.data.project.agents.nodes).toEqual([
    { name: agents[0]!.name, deployments: [{ environment: 'production' }] },
    { name: agents[1]!.name, deployments: [{ environment: 'staging' }] },
    { name: agents[2]!.name, deployments: [] },
  ]);
});

test("a query that starts in deployments resolves agents and projects in the gateway with the caller's token; what GitLab hides is null with NOT_FOUND", async () => {
  stack.simulator.resetStats();
  const res = await query('{ recentDeployments { environment agent { name project { fullPath } } project { name agents { totalCount } } } }', {
    token: TOKENS.maintainer,
  });
  expect(res.data.recentDeployments).toEqual([
    { environment: 'production', agent: { name: agents[0]!.name, project: { fullPath: 'g/p' } }, project: { name: 'P', agents: { totalCount: 20 } } },
    { environment: 'staging', agent: { name: agents[1]!.name, project: { fullPath: 'g/p' } }, project: { name: 'Nested', agents: { totalCount: 3 } } },
    { environment: 'review', agent: null, project: null },
  ]);
  expect(errorCodes(res)).toEqual([
    ['recentDeployments.2.agent.name', 'NOT_FOUND'],
    ['recentDeployments.2.project.name', 'NOT_FOUND'],
  ]);
  expect(stack.simulator.total()).toBeGreaterThan(0);
  expect(tokensThatReachedGitLab()).toEqual(new Set([TOKENS.maintainer]));
});

test('another caller, with PRIVATE-TOKEN, gets what GitLab shows them', async () => {
  stack.simulator.resetStats();
  // `name`, not `fullPath`: the deployments subgraph holds the key itself, so the planner would not ask the gateway for it.
  const res = await query('{ recentDeployments { environment project { name } } }', { token: TOKENS.other, privateToken: true });
  expect(res.data.recentDeployments).toEqual([
    { environment: 'production', project: null },
    { environment: 'staging', project: null },
    { environment: 'review', project: { name: 'Private' } },
  ]);
  expect(errorCodes(res)).toEqual([
    ['recentDeployments.0.project.name', 'NOT_FOUND'],
    ['recentDeployments.1.project.name', 'NOT_FOUND'],
  ]);
  expect(tokensThatReachedGitLab()).toEqual(new Set([TOKENS.other]));
});

test('without a token the GitLab-backed fields fail with UNAUTHENTICATED; the rest still answers', async () => {
  const res = await query('{ recentDeployments { environment agent { name } } project(id: "g/p") { name } }');
  expect(res.data).toEqual({
    recentDeployments: [
      { environment: 'production', agent: null },
      { environment: 'staging', agent: null },
      { environment: 'review', agent: null },
    ],
    project: null,
  });
  expect(errorCodes(res)).toEqual([
    ['project.name', 'UNAUTHENTICATED'],
    ['recentDeployments.0.agent.name', 'UNAUTHENTICATED'],
    ['recentDeployments.1.agent.name', 'UNAUTHENTICATED'],
    ['recentDeployments.2.agent.name', 'UNAUTHENTICATED'],
  ]);
});
