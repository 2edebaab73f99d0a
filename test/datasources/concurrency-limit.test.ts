import { expect, test } from 'vitest';
import { ConcurrencyLimit } from '../../src/datasources/concurrency-limit.js';

/** Acquires a slot for each id and records when each got it. */
function acquireAll(limit: ConcurrencyLimit, ids: number[], granted: number[]): void {
  for (const id of ids) {
    const wait = limit.acquire();
    if (wait) void wait.then(() => granted.push(id));
    else granted.push(id);
  }
}

test('at most max slots at once: under the limit one is granted at once, the others in the order they were asked for, as slots are released', async () => {
  const limit = new ConcurrencyLimit(2);
  const granted: number[] = [];
  acquireAll(limit, [1, 2, 3, 4], granted);
  // Granted synchronously: a call under the limit starts in the same tick.
  expect(granted).toEqual([1, 2]);
  limit.release();
  await Promise.resolve();
  expect(granted).toEqual([1, 2, 3]);
  limit.release();
  await Promise.resolve();
  expect(granted).toEqual([1, 2, 3, 4]);
});

test('a released slot with no one waiting is free again, and the count never exceeds max', async () => {
  const limit = new ConcurrencyLimit(1);
  const granted: number[] = [];
  acquireAll(limit, [1, 2], granted);
  limit.release();
  await Promise.resolve();
  expect(granted).toEqual([1, 2]);
  // Slot 2 still held: a third waits.
  acquireAll(limit, [3], granted);
  await Promise.resolve();
  expect(granted).toEqual([1, 2]);
  limit.release();
  await Promise.resolve();
  expect(granted).toEqual([1, 2, 3]);
  limit.release();
  // Nothing held now: granted at once.
  expect(limit.acquire()).toBeUndefined();
  expect(limit.acquire()).toBeInstanceOf(Promise);
});
