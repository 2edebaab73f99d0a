import { prng } from './prng.js';

/** A jitter above `ms` is cut to it: no answer is held for less than nothing. */
export function cappedJitter(ms: number, jitterMs: number): number {
  return Math.min(jitterMs, ms);
}

/**
 * What the simulator adds to each answer: `ms`, or with `jitterMs` a draw
 * uniform in [ms - jitter, ms + jitter], from a seeded PRNG so that a run can
 * be repeated. GitLab's answers do not all take the same time, and a client
 * that waits for the slowest of a batch before going on is only seen to lose
 * time when they do not.
 */
export class Latency {
  private ms = 0;
  private jitterMs = 0;
  private random = prng(1);

  constructor(ms = 0, jitterMs = 0) {
    this.set(ms, jitterMs);
  }

  set(ms: number, jitterMs = 0): void {
    this.ms = ms;
    this.jitterMs = cappedJitter(ms, jitterMs);
    this.random = prng(1);
  }

  next(): number {
    return this.jitterMs > 0 ? this.ms - this.jitterMs + 2 * this.jitterMs * this.random() : this.ms;
  }
}

/** Resolves at `due` (a `performance.now()` time), at once if it has passed: never before it. */
export function until(due: number): Promise<void> | undefined {
  const wait = Math.ceil(due - performance.now());
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : undefined;
}
