/**
 * At most `max` of one GraphQL request's REST calls in flight; the others
 * start in the order they came as those end. p-limit did the same, but it
 * cost ~5 µs to create (once per GraphQL request: 1% of a one-call query's
 * CPU) and ~1.3 µs a call against ~0.1 for a bare call, through the promises
 * it makes to start every task in a later microtask (docs/benchmarks.md).
 * Here a task under the limit starts at once.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.max) return this.start(task);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => this.start(task).then(resolve, reject));
    });
  }

  private start<T>(task: () => Promise<T>): Promise<T> {
    this.active++;
    let running: Promise<T>;
    try {
      running = task();
    } catch (err) {
      running = Promise.reject(err);
    }
    running.then(this.release, this.release);
    return running;
  }

  private readonly release = (): void => {
    this.active--;
    this.waiting.shift()?.();
  };
}
