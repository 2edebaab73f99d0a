import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RestCallEvent } from '../datasources/gitlab-client.js';
import type { CompiledOutcome } from '../execution/compiled-execution.js';

/** Operation names become label values: bounded in shape and in number, so a caller cannot blow up the series count. */
const MAX_OPERATION_NAMES = 200;

/** Prometheus metrics of one gateway: GraphQL requests and the REST calls they made. */
export class Metrics {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
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
  private readonly restCalls = new Counter({
    name: 'gitlab_rest_calls_total',
    help: 'REST calls to GitLab (each attempt), by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly restSeconds = new Histogram({
    name: 'gitlab_rest_call_duration_seconds',
    help: 'REST call duration, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
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

  private operationLabel(name: string | undefined): string {
    if (!name) return 'anonymous';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'invalid';
    if (!this.operations.has(name) && this.operations.size >= MAX_OPERATION_NAMES) return 'other';
    this.operations.add(name);
    return name;
  }

  /** `outcome`: ok, the first error code, or aborted. */
  graphqlRequest(operationName: string | undefined, outcome: string, seconds: number): void {
    const operation = this.operationLabel(operationName);
    this.requests.inc({ operation, outcome });
    this.requestSeconds.observe({ operation }, seconds);
  }

  /** A request turned away before it was read (MAX_IN_FLIGHT_REQUESTS): counted, with no duration to skew the histogram. */
  turnedAway(): void {
    this.requests.inc({ operation: 'anonymous', outcome: 'OVERLOADED' });
  }

  compiledExecution(outcome: CompiledOutcome): void {
    (outcome === 'answered' ? this.compiledAnswered : this.compiledRerun).inc();
  }

  restCall(event: RestCallEvent): void {
    const labels = { method: event.method, route: event.route, status: String(event.status) };
    this.restCalls.inc(labels);
    this.restSeconds.observe(labels, event.durationMs / 1000);
  }
}
