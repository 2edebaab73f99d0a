import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { fetch } from 'undici';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
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
  const listed = await stack.gql('{ project(id: "g/p") { agents(first: 3) { nodes { id name } } } }', undefined, { token: TOKENS.maintainer });
  agents = (listed.data as any).project.agents.nodes;
  deployments = await startDeploymentsSubgraph([
    { id: 'd1', environment: 'production', agentId: agents[0]!.id, projectPath: 'g/p' },
    { id: 'd2', environment: 'staging', agentId: agents[1]!.id, projectPath: 'g/sub/deep/nested' },
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
      // The caller's own GitLab token must reach GitLab through the gateway subgraph.
      fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }),
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

test('a query that starts in the gateway crosses into the deployments subgraph', async () => {
  const res = await query('{ project(id: "g/p") { agents(first: 3) { nodes { name deployments { environment } } } } }', { token: TOKENS.maintainer });
  expect(res.errors).toBeUndefined();
  expect(res.data.project.agents.nodes).toEqual([
    { name: agents[0]!.name, deployments: [{ environment: 'production' }] },
    { name: agents[1]!.name, deployments: [{ environment: 'staging' }] },
    { name: agents[2]!.name, deployments: [] },
  ]);
});

test('a query that starts in deployments resolves agents and projects in the gateway, with the caller\'s token reaching GitLab', async () => {
  stack.simulator.resetStats();
  const res = await query('{ recentDeployments { environment agent { name project { fullPath } } project { name agents { totalCount } } } }', {
    token: TOKENS.maintainer,
  });
  expect(res.errors).toBeUndefined();
  expect(res.data.recentDeployments).toEqual([
    { environment: 'production', agent: { name: agents[0]!.name, project: { fullPath: 'g/p' } }, project: { name: 'P', agents: { totalCount: 20 } } },
    { environment: 'staging', agent: { name: agents[1]!.name, project: { fullPath: 'g/p' } }, project: { name: 'Nested', agents: { totalCount: 3 } } },
  ]);
  expect(stack.simulator.total()).toBeGreaterThan(0);
  expect(new Set(stack.simulator.requests.map((r) => r.token))).toEqual(new Set([TOKENS.maintainer]));
});

test('without a token the GitLab-backed fields fail with UNAUTHENTICATED; the rest still answers', async () => {
  const res = await query('{ recentDeployments { environment } project(id: "g/p") { name } }');
  expect(res.data).toEqual({ recentDeployments: [{ environment: 'production' }, { environment: 'staging' }], project: null });
  expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
});
