import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const codes = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.map((e) => e.extensions?.code);

describe("GitLab's refusals become typed errors, the rest of the response intact", () => {
  test('no token: UNAUTHENTICATED, and the field is null', async () => {
    const res = await stack.gql('{ project(id: "g/p") { name } }');
    expect(res.data).toEqual({ project: null });
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
  });

  test('an unknown token: UNAUTHENTICATED, whether sent as Bearer or PRIVATE-TOKEN', async () => {
    for (const privateToken of [false, true]) {
      const res = await stack.gql('{ project(id: "g/p") { name } }', undefined, { token: 'glpat-nobody', privateToken });
      expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    }
  });

  test('PRIVATE-TOKEN is forwarded as received', async () => {
    const res = await stack.gql('{ project(id: "g/p") { name } }', undefined, { token: TOKENS.maintainer, privateToken: true });
    expect(res.errors).toBeUndefined();
    expect(stack.simulator.requests.at(-1)!.token).toBe(TOKENS.maintainer);
  });

  test('a project the caller cannot see: NOT_FOUND and null, beside data that succeeded', async () => {
    const res = await stack.gql('{ mine: project(id: "g/p") { fullPath } theirs: project(id: "other/private") { fullPath } }', undefined, {
      token: TOKENS.maintainer,
    });
    expect(res.data).toEqual({ mine: { fullPath: 'g/p' }, theirs: null });
    expect(codes(res)).toEqual(['NOT_FOUND']);
    expect(res.errors![0]!.path).toEqual(['theirs', 'fullPath']);
  });

  test('a Reporter may see the project but not its agents: NOT_FOUND on the agents, as GitLab answers, and the project stays', async () => {
    const res = await stack.gql('{ project(id: "g/p") { fullPath agents { totalCount } } }', undefined, { token: TOKENS.reporter });
    expect(res.data).toEqual({ project: { fullPath: 'g/p', agents: null } });
    expect(res.errors![0]!.path).toEqual(['project', 'agents']);
    expect(codes(res)).toEqual(['NOT_FOUND']);
    expect(res.errors![0]!.message).toContain('ClusterAgents');
  });

  test("GitLab's 403 on a read is FORBIDDEN", async () => {
    const res = await stack.gql('{ project(id: "g/p") { agents(first: 1) { nodes { urlConfiguration { url } } } } }', undefined, { token: TOKENS.developer });
    expect(codes(res)).toEqual(['FORBIDDEN']);
  });

  test('a rate-limited caller gets RATE_LIMITED with retryAfter once retries are used up', async () => {
    stack.simulator.failNext(10, '429');
    try {
      const res = await stack.gql('{ project(id: "g/p") { name } }', undefined, { token: TOKENS.maintainer });
      expect(codes(res)).toEqual(['RATE_LIMITED']);
      expect(typeof res.errors![0]!.extensions!.retryAfter).toBe('number');
    } finally {
      stack.simulator.setFaults(null);
      stack.simulator.failNext(0, '429');
    }
  });

  test('no error message or extension carries the token or a stack trace', async () => {
    const res = await stack.gql('{ a: project(id: "other/private") { name } b: project(id: "g/p") { agents { nodes { urlConfiguration { url } } } } }', undefined, {
      token: TOKENS.developer,
    });
    const text = JSON.stringify(res.errors);
    expect(res.errors!.length).toBeGreaterThan(0);
    expect(text).not.toContain(TOKENS.developer);
    expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});
