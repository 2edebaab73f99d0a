import { expect, test } from 'vitest';
import { ConcurrencyLimit } from '../../src/datasources/concurrency-limit.js';

/** A task that ends when told to, and says when it started. */
function deferredTask(started: number[], id: number) {
  let end!: (outcome: 'ok' | 'fail') => void;
  const task = () => {
    started.push(id);
    return new Promise<number>((resolve, reject) => {
      end = (outcome) => (outcome === 'ok' ? resolve(id) : reject(new Error(`task ${id} failed`)));
    });
  };
  return { task, end: (outcome: 'ok' | 'fail' = 'ok') => end(outcome) };
}

test('at most max tasks run at once; the others start in the order they came, as slots free', async () => {
  const limit = new ConcurrencyLimit(2);
  const started: number[] = [];
  const tasks = [1, 2, 3, 4].map((id) => deferredTask(started, id));
  const results = tasks.map(({ task }) => limit.run(task));
  // Under the limit a task starts at once, not in a later microtask.
  expect(started).toEqual([1, 2]);
  tasks[1]!.end();
  await results[1];
  await Promise.resolve();
  expect(started).toEqual([1, 2, 3]);
  tasks[0]!.end();
  await results[0];
  await Promise.resolve();
  expect(started).toEqual([1, 2, 3, 4]);
  tasks[2]!.end();
  tasks[3]!.end();
  expect(await Promise.all(results)).toEqual([1, 2, 3, 4]);
});

test('a failed task frees its slot and its caller gets the failure', async () => {
  const limit = new ConcurrencyLimit(1);
  const started: number[] = [];
  const first = deferredTask(started, 1);
  const second = deferredTask(started, 2);
  const failing = limit.run(first.task);
  const next = limit.run(second.task);
  expect(started).toEqual([1]);
  first.end('fail');
  await expect(failing).rejects.toThrow('task 1 failed');
  await Promise.resolve();
  expect(started).toEqual([1, 2]);
  second.end();
  expect(await next).toBe(2);
});

test('a task that throws before returning a promise rejects and frees its slot', async () => {
  const limit = new ConcurrencyLimit(1);
  await expect(
    limit.run(() => {
      throw new Error('thrown at once');
    }),
  ).rejects.toThrow('thrown at once');
  expect(await limit.run(async () => 'after')).toBe('after');
});
