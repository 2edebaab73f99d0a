import { afterAll, beforeAll, expect, test } from 'vitest';
import { TOKENS } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ simulator: { latencyMs: 2 } });
});
afterAll(() => stack.close());

test('200 concurrent requests from two callers: each sees only what its own token may see', async () => {
  const query = '{ a: project(id: "g/p") { fullPath agents(first: 3) { nodes { name } } } b: project(id: "other/private") { fullPath agents(first: 3) { nodes { name } } } }';
  const callers = [TOKENS.maintainer, TOKENS.other];
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) => {
      const token = callers[i % 2]!;
      return stack.gql(query, undefined, { token }).then((res) => ({ token, res }));
    }),
  );
  for (const { token, res } of results) {
    const data = res.data as any;
    if (token === TOKENS.maintainer) {
      expect(data.a.fullPath).toBe('g/p');
      expect(data.a.agents.nodes).toHaveLength(3);
      expect(data.b).toBeNull();
    } else {
      expect(data.b.fullPath).toBe('other/private');
      expect(data.a).toBeNull();
    }
    // The hidden project's fullPath and agent list each fail (which arrives first decides whether both are reported).
    const hidden = token === TOKENS.maintainer ? 'b' : 'a';
    expect(res.errors?.length).toBeGreaterThan(0);
    for (const error of res.errors!) expect({ code: error.extensions?.code, alias: error.path?.[0] }).toEqual({ code: 'NOT_FOUND', alias: hidden });
  }
  const tokensSeen = new Set(stack.simulator.requests.map((r) => r.token));
  expect(tokensSeen).toEqual(new Set(callers));
});
