/**
 * A typed frontend's data layer, as docs/federation.md describes it:
 * graphql-codegen's client preset turns each graphql() document below into
 * a TypedDocumentNode (src/gql/, generated from schema.graphql), and urql
 * types `data` and `variables` from it. `npm test` type-checks this file
 * against the current schema and runs it against the simulator.
 */
import { Client, fetchExchange } from '@urql/core';
import { graphql } from './gql/index.js';

export const ProjectAgentsQuery = graphql(`
  query FrontendProjectAgents($project: ID!, $first: Int) {
    project(id: $project) {
      fullPath
      agents(first: $first) {
        totalCount
        nodes {
          id
          name
          tokens {
            nodes {
              name
              status
            }
          }
        }
      }
    }
  }
`);

export const CreateTokenMutation = graphql(`
  mutation FrontendCreateToken($agentId: ID!, $name: String!) {
    createAgentToken(input: { agentId: $agentId, name: $name }) {
      token {
        id
        name
      }
      secret
      errors {
        code
        field
        message
      }
    }
  }
`);

/** The caller's own GitLab token goes in Authorization: the gateway forwards it. */
export function gatewayClient(url: string, gitlabToken: string): Client {
  return new Client({ url, exchanges: [fetchExchange], fetchOptions: { headers: { authorization: `Bearer ${gitlabToken}` } } });
}

/** Agent names with their active token counts: what a cluster overview page shows. */
export async function agentOverview(client: Client, project: string): Promise<{ name: string; activeTokens: number }[]> {
  const { data, error } = await client.query(ProjectAgentsQuery, { project, first: 20 }).toPromise();
  if (error) throw error;
  // agents is null when that list alone failed: the page shows the project without it.
  return (data?.project?.agents?.nodes ?? []).map((agent) => ({
    name: agent.name,
    activeTokens: (agent.tokens?.nodes ?? []).filter((token) => token.status === 'ACTIVE').length,
  }));
}

/** A new token's secret, shown once; or the user errors GitLab gave. */
export async function createToken(client: Client, agentId: string, name: string): Promise<{ secret: string } | { errors: string[] }> {
  const { data, error } = await client.mutation(CreateTokenMutation, { agentId, name }).toPromise();
  if (error) throw error;
  const payload = data!.createAgentToken;
  return payload.secret ? { secret: payload.secret } : { errors: payload.errors.map((e) => e.code) };
}
