import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { cursorFor } from '../../src/offset-pagination.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';
import { gitlabGet } from '../helpers/gitlab-rest.js';

let stack: Stack;
const maintainer = { token: TOKENS.maintainer };
let gitlabOrder: string[];

beforeAll(async () => {
  stack = await startStack();
  const pages = await Promise.all([1, 2].map((page) => gitlabGet<{ name: string }[]>(stack.simulator, `/projects/22/cluster_agents?per_page=100&page=${page}`, TOKENS.maintainer)));
  gitlabOrder = pages.flat().map((a) => a.name);
});
afterAll(() => stack.close());

interface Window {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  nodes: { name: string }[];
}

async function agents(args: string): Promise<Window> {
  const res = await stack.gql(
    `{ project(id: "big/many") { agents${args ? `(${args})` : ''} { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { name } } } }`,
    undefined,
    maintainer,
  );
  expect(res.errors).toBeUndefined();
  return (res.data as any).project.agents;
}

describe('Relay windows over GitLab offset pagination', () => {
  test('walking 130 agents with first: 50 / after returns each once, in GitLab order', async () => {
    expect(gitlabOrder).toHaveLength(130);
    const seen: string[] = [];
    const hasNext: boolean[] = [];
    let after: string | null = null;
    do {
      const window: Window = await agents(`first: 50${after ? `, after: "${after}"` : ''}`);
      expect(window.totalCount).toBe(130);
      expect(window.pageInfo.hasPreviousPage).toBe(seen.length > 0);
      seen.push(...window.nodes.map((n) => n.name));
      hasNext.push(window.pageInfo.hasNextPage);
      after = window.pageInfo.hasNextPage ? window.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(gitlabOrder);
    expect(hasNext).toEqual([true, true, false]);
  });

  test('walking backwards with last: 50 / before returns the same agents', async () => {
    const seen: string[] = [];
    let before: string | null = null;
    const hasPrevious: boolean[] = [];
    do {
      const window: Window = await agents(`last: 50${before ? `, before: "${before}"` : ''}`);
      seen.unshift(...window.nodes.map((n) => n.name));
      hasPrevious.push(window.pageInfo.hasPreviousPage);
      before = window.pageInfo.hasPreviousPage ? window.pageInfo.startCursor : null;
    } while (before);
    expect(seen).toEqual(gitlabOrder);
    expect(hasPrevious).toEqual([true, true, false]);
  });

  test('a window that straddles GitLab pages costs one call with a per_page that covers it', async () => {
    const first = await agents('first: 15');
    stack.simulator.resetStats();
    const window = await agents(`first: 20, after: "${first.pageInfo.endCursor}"`);
    expect(window.nodes.map((n) => n.name)).toEqual(gitlabOrder.slice(15, 35));
    expect(stack.simulator.count('GET /projects/:id/cluster_agents')).toBe(1);
    expect(stack.simulator.requests.at(-1)!.path).toMatch(/per_page=(3[5-9]|[4-9]\d|100)\b/);
  });

  test("each edge's cursor resumes right after its node; the first and last are the page's start and end cursors", async () => {
    const res = await stack.gql<any>(
      '{ project(id: "big/many") { agents(first: 5, after: "b2Zmc2V0OjI0") { pageInfo { startCursor endCursor } edges { cursor node { name } } } } }',
      undefined,
      maintainer,
    );
    expect(res.errors).toBeUndefined();
    const { edges, pageInfo } = res.data.project.agents;
    // "b2Zmc2V0OjI0" is offset 24: the window is agents 25 to 29.
    expect(edges.map((e: any) => e.node.name)).toEqual(gitlabOrder.slice(25, 30));
    expect([pageInfo.startCursor, pageInfo.endCursor]).toEqual([edges[0].cursor, edges[4].cursor]);
    const next = await agents(`first: 2, after: "${edges[2].cursor}"`);
    expect(next.nodes.map((n) => n.name)).toEqual(gitlabOrder.slice(28, 30));
  });

  test('a window no single page can hold costs two pages, fetched together and joined in order', async () => {
    stack.simulator.resetStats();
    stack.simulator.setLatency(100);
    try {
      const window = await agents(`first: 100, after: "${cursorFor(29)}"`);
      expect(window.nodes.map((n) => n.name)).toEqual(gitlabOrder.slice(30, 130));
      expect(stack.simulator.count('GET /projects/:id/cluster_agents')).toBe(2);
      expect(stack.simulator.maxInFlight('GET /projects/:id/cluster_agents')).toBe(2);
    } finally {
      stack.simulator.setLatency(0);
    }
  });

  test('without first or last a window is 20, like GitLab; past the end it is empty', async () => {
    const window = await agents('');
    expect(window.nodes).toHaveLength(20);
    const last = await agents(`last: 1`);
    const beyond = await agents(`first: 5, after: "${last.pageInfo.endCursor}"`);
    expect(beyond.nodes).toEqual([]);
    expect(beyond.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
  });

  test('first over 100, a negative last and a forged cursor are BAD_USER_INPUT, with no REST call', async () => {
    stack.simulator.resetStats();
    for (const args of ['first: 101', 'last: -1', 'after: "bm90LWEtY3Vyc29y"']) {
      const res = await stack.gql(`{ project(id: "big/many") { agents${args ? `(${args})` : ''} { nodes { name } } } }`, undefined, maintainer);
      expect(res.errors?.[0]?.extensions?.code, args).toBe('BAD_USER_INPUT');
    }
    expect(stack.simulator.total()).toBe(0);
  });

  test('totalCount alone costs one one-row call', async () => {
    stack.simulator.resetStats();
    const res = await stack.gql('{ project(id: "big/huge") { agents { totalCount } } }', undefined, maintainer);
    expect(res.data).toEqual({ project: { agents: { totalCount: 250 } } });
    expect(stack.simulator.total()).toBe(1);
    expect(stack.simulator.requests.at(-1)!.path).toMatch(/per_page=1\b/);
  });

  test('an empty project has an empty connection with totalCount 0', async () => {
    const res = await stack.gql('{ project(id: "g/empty") { agents { totalCount nodes { name } pageInfo { hasNextPage startCursor } } } }', undefined, maintainer);
    expect(res.data).toEqual({ project: { agents: { totalCount: 0, nodes: [], pageInfo: { hasNextPage: false, startCursor: null } } } });
  });
});
