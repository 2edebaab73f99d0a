import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';

/**
 * Another team's subgraph, written for the supergraph test: it extends the
 * gateway's `Agent` by `id` with deployments, and points at `Project`s by
 * `fullPath` only, leaving the gateway to resolve them. `agent` and `project`
 * are nullable: whether the caller may see them is GitLab's answer, per
 * caller, and one the caller may not see must not hide the deployment.
 */
export const DEPLOYMENTS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type Deployment {
    id: ID!
    environment: String!
    agent: Agent
    project: Project
  }

  type Agent @key(fields: "id") {
    id: ID!
    deployments: [Deployment!]!
  }

  type Project @key(fields: "fullPath", resolvable: false) {
    fullPath: String!
  }

  type Query {
    recentDeployments: [Deployment!]!
  }
`;

interface Deployment {
  id: string;
  environment: string;
  agentId: string;
  projectPath: string;
}

export async function startDeploymentsSubgraph(deployments: Deployment[]): Promise<{ url: string; close(): Promise<void> }> {
  const toGraph = (d: Deployment) => ({ id: d.id, environment: d.environment, agent: { id: d.agentId }, project: { fullPath: d.projectPath } });
  const schema = buildSubgraphSchema({
    typeDefs: parse(DEPLOYMENTS_SDL),
    resolvers: {
      Query: { recentDeployments: () => deployments.map(toGraph) },
      Agent: {
        __resolveReference: (ref: { id: string }) => ref,
        deployments: (agent: { id: string }) => deployments.filter((d) => d.agentId === agent.id).map(toGraph),
      },
    } as never,
  });
  const server = createServer(createYoga({ schema, logging: false }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
