import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PROJECTS, TOKENS } from '../../simulator/src/index.js';
import { globalIdOf } from '../../src/global-id.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/** Apollo Client 4 and graphql-request, with their defaults, against a running gateway. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const PAGE = gql`
  query AgentPage($project: ID!, $first: Int!, $after: String) {
    project(id: $project) {
      id
      agents(first: $first, after: $after) {
        edges { cursor node { id name } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

function apollo(): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: `${stack.url}/graphql`, headers: { authorization: `Bearer ${TOKENS.maintainer}` } }),
    cache: new InMemoryCache({ typePolicies: { Project: { fields: { agents: relayStylePagination() } } } }),
  });
}

test('Apollo Client walks every agent of a 130-agent project window by window; relayStylePagination merges them, each once', async () => {
  const client = apollo();
  const variables = { project: PROJECTS.many.path, first: 50 };
  // relayStylePagination reads the merged list for any window, so a next window must go to the network.
  let page = await client.query({ query: PAGE, variables });
  // 130 agents, 50 a window: three windows; the bound keeps a pagination bug from looping.
  for (let window = 1; window < 5 && (page.data as any).project.agents.pageInfo.hasNextPage; window++) {
    page = await client.query({ query: PAGE, variables: { ...variables, after: (page.data as any).project.agents.pageInfo.endCursor }, fetchPolicy: 'network-only' });
  }
  const merged = await client.query({ query: PAGE, variables, fetchPolicy: 'cache-only' });
  expect((merged.data as any).project.agents.edges.map((e: any) => e.node.name)).toEqual(stack.simulator.agentsOf(PROJECTS.many.id).map((a) => a.name));
});

test('graphql-request: a query with variables and a mutation with its user errors', async () => {
  const client = new GraphQLClient(`${stack.url}/graphql`, { headers: { authorization: `Bearer ${TOKENS.maintainer}` } });
  const read = await client.request<{ project: { agents: { totalCount: number } } }>('query($p: ID!) { project(id: $p) { agents { totalCount } } }', { p: PROJECTS.main.path });
  expect(read.project.agents.totalCount).toBe(PROJECTS.main.agents);

  const agent = stack.simulator.agentsOf(PROJECTS.main.id)[0]!;
  const write = await client.request<{ createAgentToken: { token: unknown; errors: { code: string; field: string[] }[] } }>(
    'mutation($a: ID!) { createAgentToken(input: { agentId: $a, name: "third" }) { token { id } errors { code field } } }',
    { a: globalIdOf('Agent', { projectId: PROJECTS.main.id, agentId: agent.id }) },
  );
  expect(write.createAgentToken).toEqual({ token: null, errors: [{ code: 'TOKEN_LIMIT_REACHED', field: ['input', 'agentId'] }] });
});
