import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fetch } from 'undici';
import { createFloorClient, createFloorGitLab } from '../../bench/floor.js';
import type { FloorGitLab } from '../../bench/floor.js';
import { OPERATIONS, SEED } from '../helpers/benchmark-operations.js';
import type { HttpService } from '../helpers/http-service.js';

const LATENCY_MS = 20;

// The floor is the benchmark's "what this machine allows": it must make an operation's fewest calls, in its
// dependency order, and never answer sooner than that order's round trips allow.
describe('the benchmark floor', () => {
  let gitlab: FloorGitLab;
  let client: HttpService;
  let clientUrl: string;

  beforeAll(async () => {
    gitlab = createFloorGitLab(LATENCY_MS);
    client = createFloorClient({ gitlabUrl: await gitlab.listen(), connections: 128 });
    clientUrl = await client.listen();
  });

  afterAll(async () => {
    await client.close();
    await gitlab.close();
  });

  test.each(OPERATIONS.map((op) => [op.id, op] as const))('(%s): the minimum calls, no sooner than the critical path', async (_id, op) => {
    gitlab.resetCount();
    const started = performance.now();
    for (let i = 0; i < op.requests; i++) {
      const res = await fetch(clientUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(op.calls) });
      expect(await res.text()).toBe('{}');
    }
    const elapsedMs = performance.now() - started;
    expect(gitlab.answered()).toBe(op.minimumCalls);
    expect(elapsedMs).toBeGreaterThanOrEqual(op.criticalPath * LATENCY_MS);
  });

  test('the call trees give the minima the issue states', () => {
    const byId = Object.fromEntries(OPERATIONS.map((op) => [op.id, [op.minimumCalls, op.criticalPath]]));
    expect(byId.a).toEqual([1, 1]);
    expect(byId.b).toEqual([21, 2]);
    expect(byId.c).toEqual([21 + SEED.tokens, 3]);
    expect(byId.d).toEqual([3, 3]);
    expect(byId.e).toEqual([1, 1]);
    expect(byId.f).toEqual([1, 1]);
  });
});
