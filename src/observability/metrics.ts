import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RestCallEvent } from '../datasources/gitlab-client.js';
import type { CompiledOutcome } from '../execution/compiled-execution.js';

/** Operation names become label values: bounded in shape and in number, so a caller cannot blow up the series count. */
const MAX_OPERATION_NAMES = 200;
/**
 * A name unseen for this long gives its place (and its series) to a new one
 * when the table is full: long past any scrape interval, so Prometheus has its
 * last value, and short enough that names a burst of junk took are free again.
 */
const OPERATION_IDLE_MS = 10 * 60_000;

const REST_SECONDS = 'gitlab_rest_call_duration_seconds';

/** Prometheus metrics of one gateway: GraphQL requests and the REST calls they made. */
export class Metrics {
  readonly registry = new Registry();
  /** Label-holding names, least recently seen first, each with the outcomes its series were created for. */
  private readonly operations = new Map<string, { seenMs: number; outcomes: Set<string> }>();
  private readonly requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL requests, by operation name and outcome (ok, the first error code, or aborted when the client went away first).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly requestSeconds = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL request duration, by operation name.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly restSeconds = new Histogram({
    name: REST_SECONDS,
    help: 'REST call duration, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  /**
   * The histogram's own counts, copied at each scrape: a second update on
   * every REST call hashed and checked the same labels again (~10 of
   * prom-client's ~50 µs a 21-call operation, docs/benchmarks.md).
   */
  private readonly restCalls = new Counter({
    name: 'gitlab_rest_calls_total',
    help: 'REST calls to GitLab (each attempt), by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
    collect: async () => {
      const { values } = await this.restSeconds.get();
      this.restCalls.reset();
      for (const { metricName, labels, value } of values) if (metricName === `${REST_SECONDS}_count`) this.restCalls.inc(labels, value);
    },
  });

  private readonly refusals = new Counter({
    name: 'graphql_refusals_total',
    help: "Requests the gateway's own limits turned away, by error code and the limit (setting) that refused them.",
    labelNames: ['code', 'limit'] as const,
    registers: [this.registry],
  });

  private readonly compiledExecutions = new Counter({
    name: 'graphql_compiled_executions_total',
    help: 'Executions by a graphql-jit plan: answered, or rerun by graphql-js because the result had an error.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly compiledAnswered = this.compiledExecutions.labels({ outcome: 'answered' });
  private readonly compiledRerun = this.compiledExecutions.labels({ outcome: 'rerun' });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * A name gets a label of its own only once an operation of that name passed
   * validation and ran: names of documents that do not parse or that the
   * schema does not have (or that no operation in the document carries) never
   * take one of the places, whatever their outcome later. A full
   * table evicts its least recently seen name if that one is idle, so a burst
   * of names holds places for OPERATION_IDLE_MS, not until restart.
   */
  private operationLabel(name: string | undefined, admissible: boolean, outcome: string): string {
    if (!name) return 'anonymous';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'invalid';
    const now = Date.now();
    let entry = this.operations.get(name);
    if (entry) this.operations.delete(name);
    else if (!admissible || !this.makeRoom(now)) return 'other';
    entry ??= { seenMs: now, outcomes: new Set() };
    entry.seenMs = now;
    entry.outcomes.add(outcome);
    this.operations.set(name, entry);
    return name;
  }

  private makeRoom(now: number): boolean {
    if (this.operations.size < MAX_OPERATION_NAMES) return true;
    const [oldest, entry] = this.operations.entries().next().value!;
    if (now - entry.seenMs < OPERATION_IDLE_MS) return false;
    this.operations.delete(oldest);
    for (const outcome of entry.outcomes) this.requests.remove({ operation: oldest, outcome });
    this.requestSeconds.remove({ operation: oldest });
    return true;
  }

  /** `outcome`: ok, the first error code, or aborted; `executed`: the operation passed validation and ran. */
  graphqlRequest(operationName: string | undefined, outcome: string, seconds: number, executed = false): void {
    const operation = this.operationLabel(operationName, executed, outcome);
    this.requests.inc({ operation, outcome });
    this.requestSeconds.observe({ operation }, seconds);
  }

  /** One of the gateway's limits said no: in a result's errors, or at the HTTP layer before GraphQL (`http`). */
  refusal(code: string, limit: string | undefined, http = false): void {
    this.refusals.inc({ code, limit: limit ?? 'none' });
    // Refused before it was read: still a request, with no duration to skew the histogram.
    if (http) this.requests.inc({ operation: 'anonymous', outcome: code });
  }

  /**
   * What the HTTP layer holds now, read at each scrape (nothing is counted on
   * the request's path): requests taking one of MAX_IN_FLIGHT_REQUESTS slots,
   * and bodies still arriving, which hold none (a slow or stalled client shows
   * here first).
   */
  observeAdmission(state: () => { inFlight: number; pendingBodies: number }): void {
    this.scrapedGauge('graphql_requests_in_flight', 'GraphQL requests being served, each holding one of MAX_IN_FLIGHT_REQUESTS slots.', () => state().inFlight);
    this.scrapedGauge('graphql_request_bodies_pending', 'Request bodies still arriving (within BODY_TIMEOUT_MS): they hold no in-flight slot yet.', () => state().pendingBodies);
  }

  /** A gauge whose value `read` gives at each scrape. */
  private scrapedGauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  compiledExecution(outcome: CompiledOutcome): void {
    (outcome === 'answered' ? this.compiledAnswered : this.compiledRerun).inc();
  }

  restCall(event: RestCallEvent): void {
    const labels = { method: event.method, route: event.route, status: String(event.status) };
    this.restSeconds.observe(labels, event.durationMs / 1000);
  }
}
