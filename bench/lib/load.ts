/**
 * Real load over HTTP with autocannon (as a library), counted per operation:
 * an operation of several requests (the walk) is timed from the send of its
 * first request to the end of its last, each connection doing one operation
 * after another.
 */
import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';
import type { Request as CannonRequest } from 'autocannon';

export interface Target {
  /** Origin, e.g. http://127.0.0.1:1234 */
  url: string;
  /** The requests of one operation, in order, sent on one connection. */
  requests: CannonRequest[];
  /** Whether an answer is a success (a 200 can still carry GraphQL errors). */
  verifyBody?: (body: string | Buffer | undefined) => boolean;
}

export interface LoadResult {
  connections: number;
  /** Completed operations. */
  ops: number;
  elapsedMs: number;
  opsPerSec: number;
  /** Per-operation latency, ms. */
  latency: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** Requests that failed: transport errors, timeouts, non-2xx, or bodies that failed verifyBody. */
  failures: { errors: number; timeouts: number; non2xx: number; mismatches: number };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

interface Options {
  connections: number;
  /** Run for this long (ms), then drop what is in flight: for warm-ups. */
  durationMs?: number;
  /** Run exactly this many operations, every one of them to its end: for measurements. */
  operations?: number;
}

/**
 * Drives `target` with `connections` concurrent connections. With
 * `operations`, every connection does the same number of whole operations
 * and nothing is left in flight when it resolves, so that counters read
 * afterwards (REST calls at the simulator) divide exactly.
 */
export function drive(target: Target, options: Options): Promise<LoadResult> {
  const perOp = target.requests.length;
  const { connections } = options;
  const opsPerConnection = options.operations === undefined ? undefined : Math.max(1, Math.ceil(options.operations / connections));
  const amount = opsPerConnection === undefined ? undefined : opsPerConnection * connections * perOp;

  return new Promise<LoadResult>((resolve, reject) => {
    const latencies: number[] = [];
    const partial = new Map<object, { n: number; ms: number }>();
    let responses = 0;
    let lastResponseAt = 0;
    let settled = false;
    const started = performance.now();

    const instance = autocannon(
      {
        url: target.url,
        connections,
        pipelining: 1,
        // Checked every 100 ms instead of every second, so that a run stops when it is over.
        sampleInt: 100,
        timeout: 30,
        requests: target.requests,
        ...(target.verifyBody ? { verifyBody: target.verifyBody } : {}),
        ...(amount === undefined ? { duration: (options.durationMs ?? 1_000) / 1_000 } : { amount }),
      },
      (err: Error | null) => finish(err ?? undefined),
    );

    // Counted here rather than taken from autocannon's result, which a run ended on our own count does not wait for.
    const counted = { errors: 0, timeouts: 0, non2xx: 0, mismatches: 0 };
    const events = instance as EventEmitter;
    events.on('reqError', (err: Error) => {
      counted.errors++;
      if (/timed out/.test(err.message)) counted.timeouts++;
    });
    events.on('reqMismatch', () => counted.mismatches++);
    events.on('response', (_client: object, status: number) => {
      if (status < 200 || status > 299) counted.non2xx++;
    });

    instance.on('response', (client: object, _status: number, _bytes: number, responseTime: number) => {
      responses++;
      lastResponseAt = performance.now();
      if (perOp === 1) {
        latencies.push(responseTime);
      } else {
        const acc = partial.get(client) ?? { n: 0, ms: 0 };
        acc.n++;
        acc.ms += responseTime;
        if (acc.n === perOp) {
          latencies.push(acc.ms);
          acc.n = 0;
          acc.ms = 0;
        }
        partial.set(client, acc);
      }
      // Every operation is in: no need to wait for autocannon's next tick.
      // (On the next turn, so that autocannon has checked this last body too.)
      if (amount !== undefined && responses === amount) setImmediate(() => finish());
    });

    function finish(err?: Error) {
      if (settled) return;
      settled = true;
      if (err) return reject(err);
      instance.stop();
      const elapsedMs = (amount !== undefined ? lastResponseAt : performance.now()) - started;
      const sorted = Float64Array.from(latencies).sort();
      const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length);
      resolve({
        connections,
        ops: sorted.length,
        elapsedMs,
        opsPerSec: (sorted.length / elapsedMs) * 1_000,
        latency: { mean, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN },
        failures: counted,
      });
    }

  });
}
