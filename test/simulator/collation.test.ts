import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECTS, TOKENS, testSeed } from '../../simulator/src/index.js';
import type { Seed } from '../../simulator/src/index.js';
import { startStack } from '../helpers/harness.js';
import type { Stack } from '../helpers/harness.js';

/**
 * GitLab orders agents by name under the database collation, which follows
 * the OS locale (app/finders/clusters/agents_finder.rb orders by name). Under glibc's en_US.UTF-8 '-' is
 * ignored until a tie, so `a-z` sorts after `aa099`, where code-point order
 * (JavaScript's, and `C`'s) puts it first.
 */
const NAMES = [...Array.from({ length: 100 }, (_, i) => `aa${String(i).padStart(3, '0')}`), 'a-z'];

function glibcSeed(): Seed {
  const seed = testSeed();
  const agents = NAMES.map((name, i) => ({ id: 5000 + i, project_id: PROJECTS.empty.id, name, created_at: '2024-02-01T09:00:00.000Z', created_by_user_id: null }));
  return { ...seed, agents: [...seed.agents, ...agents], collation: 'en_US.UTF-8' };
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ simulator: { seed: glibcSeed() } });
});
afterAll(() => stack.close());

describe('a database whose collation ignores hyphens', () => {
  test('the simulator lists in that order: a-z last, on the second page of 100', () => {
    const names = stack.simulator.agentsOf(PROJECTS.empty.id).map((a) => a.name);
    expect(names.at(-1)).toBe('a-z');
    expect(names.indexOf('a-z')).toBe(100);
    expect('a-z' < 'aa099').toBe(true);
  });

  test('Project.agent(name:) still finds the agent past the first page, which JavaScript order would have ruled out', async () => {
    const res = await stack.gql('{ project(id: "g/empty") { agent(name: "a-z") { databaseId name } } }', undefined, { token: TOKENS.maintainer });
    expect(res.errors).toBeUndefined();
    expect((res.data as any).project.agent).toEqual({ databaseId: 5100, name: 'a-z' });
  });

  test('a name before the first page’s last under every collation settles on that page: one list call', async () => {
    stack.simulator.resetStats();
    const res = await stack.gql('{ project(id: "g/empty") { agent(name: "aa0") { name } } }', undefined, { token: TOKENS.maintainer });
    expect((res.data as any).project.agent).toBeNull();
    expect(stack.simulator.count('GET /projects/:id/cluster_agents')).toBe(1);
  });
});
