import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';
import { gitlabGet } from '../helpers/gitlab-rest.js';

let stack: Stack;
const maintainer = { token: TOKENS.maintainer };
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

interface RestProject {
  id: number;
  name: string;
  path: string;
  path_with_namespace: string;
  name_with_namespace: string;
  description: string | null;
  created_at: string;
  web_url: string;
}

const PROJECT_FIELDS = 'id databaseId name path fullPath nameWithNamespace description createdAt webUrl';

describe('Query.project', () => {
  test('by numeric id, by nested full path and by global ID, each field exactly as GitLab has it', async () => {
    const rest = await gitlabGet<RestProject>(stack.simulator, '/projects/21', TOKENS.maintainer);
    const byId = await stack.gql(`{ project(id: "21") { ${PROJECT_FIELDS} } }`, undefined, maintainer);
    expect(byId.errors).toBeUndefined();
    const project = (byId.data as { project: Record<string, unknown> }).project;
    expect(project).toMatchObject({
      databaseId: rest.id,
      name: rest.name,
      path: rest.path,
      fullPath: 'g/sub/deep/nested',
      nameWithNamespace: rest.name_with_namespace,
      description: rest.description,
      createdAt: rest.created_at,
      webUrl: rest.web_url,
    });
    const byPath = await stack.gql(`{ project(id: "g/sub/deep/nested") { ${PROJECT_FIELDS} } }`, undefined, maintainer);
    const byGlobalId = await stack.gql(`query($id: ID!) { project(id: $id) { ${PROJECT_FIELDS} } }`, { id: project.id }, maintainer);
    expect(byPath.data).toEqual(byId.data);
    expect(byGlobalId.data).toEqual(byId.data);
  });

  test('a full path matches case-insensitively, as in GitLab', async () => {
    const res = await stack.gql('{ project(id: "G/P") { databaseId fullPath } }', undefined, maintainer);
    expect(res.data).toEqual({ project: { databaseId: 20, fullPath: 'g/p' } });
  });

  test('a malformed id is BAD_USER_INPUT with no REST call', async () => {
    stack.simulator.resetStats();
    const res = await stack.gql('{ a: project(id: "not-a-path") { name } b: project(id: "g//p") { name } }', undefined, maintainer);
    expect(res.data).toEqual({ a: null, b: null });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(stack.simulator.total()).toBe(0);
  });
});

interface RestAgent {
  id: number;
  name: string;
  created_at: string;
  created_by_user_id: number | null;
  config_project: { id: number; path_with_namespace: string };
}
interface RestToken {
  id: number;
  name: string;
  description: string | null;
  status: string;
  created_at: string;
  created_by_user_id: number | null;
  last_used_at: string | null;
}

describe('Agent and AgentToken', () => {
  test('agents in GitLab order with every field; tokens with lastUsedAt from the single GET', async () => {
    const restAgents = await gitlabGet<RestAgent[]>(stack.simulator, '/projects/20/cluster_agents?per_page=100', TOKENS.maintainer);
    const res = await stack.gql(
      `{ project(id: "g/p") { agents(first: 20) { totalCount nodes {
          id databaseId name createdAt createdByUserId project { databaseId fullPath }
          tokens { totalCount nodes { id databaseId name description status createdAt createdByUserId lastUsedAt agent { databaseId } } }
      } } } }`,
      undefined,
      maintainer,
    );
    expect(res.errors).toBeUndefined();
    const agents = (res.data as any).project.agents;
    expect(agents.totalCount).toBe(restAgents.length);
    expect(agents.nodes.map((a: any) => a.name)).toEqual(restAgents.map((a) => a.name));
    for (const [i, agent] of agents.nodes.entries()) {
      const rest = restAgents[i]!;
      expect(agent).toMatchObject({
        databaseId: rest.id,
        createdAt: rest.created_at,
        createdByUserId: rest.created_by_user_id,
        project: { databaseId: 20, fullPath: 'g/p' },
      });
      const restTokens = await gitlabGet<RestToken[]>(stack.simulator, `/projects/20/cluster_agents/${rest.id}/tokens`, TOKENS.maintainer);
      expect(agent.tokens.totalCount).toBe(restTokens.length);
      for (const [j, token] of agent.tokens.nodes.entries()) {
        const single = await gitlabGet<RestToken>(stack.simulator, `/projects/20/cluster_agents/${rest.id}/tokens/${restTokens[j]!.id}`, TOKENS.maintainer);
        expect(token).toMatchObject({
          databaseId: single.id,
          name: single.name,
          description: single.description,
          status: single.status.toUpperCase(),
          createdAt: single.created_at,
          createdByUserId: single.created_by_user_id,
          lastUsedAt: single.last_used_at,
          agent: { databaseId: rest.id },
        });
      }
    }
    expect(agents.nodes.flatMap((a: any) => a.tokens.nodes).some((t: any) => t.lastUsedAt !== null)).toBe(true);
  });

  test('Project.agent by databaseId and by name; null when absent', async () => {
    const restAgents = await gitlabGet<RestAgent[]>(stack.simulator, '/projects/22/cluster_agents?per_page=100&page=2', TOKENS.maintainer);
    const far = restAgents[restAgents.length - 1]!;
    const res = await stack.gql(
      `query($id: Int!, $name: String!) { project(id: "big/many") {
         byId: agent(databaseId: $id) { name } byName: agent(name: $name) { databaseId }
         noId: agent(databaseId: 999999) { name } noName: agent(name: "zzz-none") { name } } }`,
      { id: far.id, name: far.name },
      maintainer,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ project: { byId: { name: far.name }, byName: { databaseId: far.id }, noId: null, noName: null } });
  });

  test('Agent.token by databaseId; null for a revoked token, which GitLab answers 404', async () => {
    const agent = (await gitlabGet<RestAgent[]>(stack.simulator, '/projects/20/cluster_agents', TOKENS.maintainer))[0]!;
    const revoked = stack.simulator.state.tokens.find((t) => t.agent_id === agent.id && t.status === 'revoked')!;
    const active = stack.simulator.state.tokens.find((t) => t.agent_id === agent.id && t.status === 'active')!;
    const res = await stack.gql(
      `query($a: Int!, $r: Int!, $t: Int!) { project(id: "20") { agent(databaseId: $a) { active: token(databaseId: $t) { name status } revoked: token(databaseId: $r) { name } } } }`,
      { a: agent.id, r: revoked.id, t: active.id },
      maintainer,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ project: { agent: { active: { name: active.name, status: 'ACTIVE' }, revoked: null } } });
  });
});

describe('UrlConfiguration', () => {
  test('JWT and mTLS configurations exactly as GitLab has them, null where there is none', async () => {
    const res = await stack.gql(
      `{ project(id: "g/sub/deep/nested") { agents { nodes { databaseId urlConfiguration {
          id databaseId url authMethod publicKey clientCert caCert tlsHost agent { databaseId } } } } } }`,
      undefined,
      maintainer,
    );
    expect(res.errors).toBeUndefined();
    const nodes = (res.data as any).project.agents.nodes as any[];
    const configs = nodes.map((n) => n.urlConfiguration).filter(Boolean);
    expect(configs.map((c) => c.authMethod).sort()).toEqual(['JWT', 'MTLS']);
    expect(nodes.filter((n) => n.urlConfiguration === null)).toHaveLength(1);
    for (const node of nodes.filter((n) => n.urlConfiguration)) {
      const [rest] = await gitlabGet<any[]>(stack.simulator, `/projects/21/cluster_agents/${node.databaseId}/url_configurations`, TOKENS.maintainer);
      expect(node.urlConfiguration).toMatchObject({
        databaseId: rest.id,
        url: rest.url,
        publicKey: rest.public_key,
        clientCert: rest.client_cert,
        caCert: rest.ca_cert,
        tlsHost: rest.tls_host,
        agent: { databaseId: node.databaseId },
      });
    }
    const jwt = configs.find((c) => c.authMethod === 'JWT');
    expect(jwt.publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(configs.find((c) => c.authMethod === 'MTLS').clientCert).toContain('-----BEGIN CERTIFICATE-----');
  });

  test('null without an error when receptive agents are switched off on the instance', async () => {
    stack.simulator.setReceptiveAgentsEnabled(false);
    try {
      const res = await stack.gql('{ project(id: "21") { agents { nodes { urlConfiguration { url } } } } }', undefined, maintainer);
      expect(res.errors).toBeUndefined();
      expect((res.data as any).project.agents.nodes.map((n: any) => n.urlConfiguration)).toEqual([null, null, null]);
    } finally {
      stack.simulator.setReceptiveAgentsEnabled(true);
    }
  });

  test('a Developer gets null and FORBIDDEN: GitLab lets only Maintainers read it', async () => {
    const res = await stack.gql('{ project(id: "21") { agents(first: 1) { nodes { name urlConfiguration { url } } } } }', undefined, {
      token: TOKENS.developer,
    });
    expect((res.data as any).project.agents.nodes[0]).toMatchObject({ urlConfiguration: null });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.errors?.[0]?.path).toEqual(['project', 'agents', 'nodes', 0, 'urlConfiguration']);
  });
});

describe('Query.node and Query.nodes', () => {
  test('every type resolves from its global ID, with one REST call each', async () => {
    const ids = await stack.gql(
      `{ project(id: "21") { id agents { nodes { id name tokens(first: 1) { nodes { id name } } urlConfiguration { id url } } } } }`,
      undefined,
      maintainer,
    );
    const project = (ids.data as any).project;
    const agent = project.agents.nodes.find((a: any) => a.urlConfiguration);
    const token = agent.tokens.nodes[0];
    stack.simulator.resetStats();
    const res = await stack.gql(
      `query($p: ID!, $a: ID!, $t: ID!, $u: ID!) {
        p: node(id: $p) { __typename id ... on Project { fullPath } }
        a: node(id: $a) { __typename id ... on Agent { name } }
        t: node(id: $t) { __typename id ... on AgentToken { name } }
        u: node(id: $u) { __typename id ... on UrlConfiguration { url } }
      }`,
      { p: project.id, a: agent.id, t: token.id, u: agent.urlConfiguration.id },
      maintainer,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      p: { __typename: 'Project', id: project.id, fullPath: 'g/sub/deep/nested' },
      a: { __typename: 'Agent', id: agent.id, name: agent.name },
      t: { __typename: 'AgentToken', id: token.id, name: token.name },
      u: { __typename: 'UrlConfiguration', id: agent.urlConfiguration.id, url: agent.urlConfiguration.url },
    });
    expect(stack.simulator.total()).toBe(4);
  });

  test('nodes keeps order; a malformed ID is a BAD_USER_INPUT null entry, costing no call', async () => {
    const agents = await stack.gql('{ project(id: "20") { agents(first: 2) { nodes { id name } } } }', undefined, maintainer);
    const [a, b] = (agents.data as any).project.agents.nodes;
    stack.simulator.resetStats();
    const res = await stack.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Agent { name } } }', { ids: [b.id, 'garbage', a.id] }, maintainer);
    expect(res.data).toEqual({ nodes: [{ id: b.id, name: b.name }, null, { id: a.id, name: a.name }] });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({ path: ['nodes', 1], extensions: { code: 'BAD_USER_INPUT' } });
    expect(stack.simulator.total()).toBe(2);
  });
});
