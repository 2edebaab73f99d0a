/**
 * At most `max` of one GraphQL request's REST calls in flight; the others
 * start in the order they came as those end. p-limit did the same, but it
 * cost ~5 µs to create (once per GraphQL request: 1% of a one-call query's
 * CPU) and ~1.3 µs a call against ~0.1 for a bare call, through the promises
 * it makes to start every task in a later microtask (docs/benchmarks.md).
 * Here a call under the limit starts at once, with no promise of the limit's:
 * `acquire` gives one only to a call that must wait.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  /** A slot: undefined when one is free now, else a promise of one. Each slot taken is given back by `release`. */
  acquire(): Promise<void> | undefined {
    if (this.active < this.max) {
      this.active++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    // The slot passes to the next call as it is: `active` stays.
    if (next) next();
    else this.active--;
  }
}
