/**
 * OpenTelemetry tracing, configured by the standard OTEL_* variables. This
 * module holds only the settings and the shapes the gateway calls: the SDK
 * (tracing-sdk.ts) is imported when tracing is on, so a gateway without it
 * loads none of it and pays nothing per request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ConfigError } from '../config.js';
import type { RestCallEvent, RestRequest } from '../datasources/gitlab-client.js';

type TracesProtocol = 'http/protobuf' | 'http/json';

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
type SamplerName = (typeof SAMPLERS)[number];

export interface TracingSettings {
  protocol: TracesProtocol;
  /** The OTLP/HTTP URL spans are posted to. */
  endpoint: string;
  sampler: SamplerName;
  /** The ratio of the `traceidratio` samplers. */
  samplerRatio: number;
}

type Env = Record<string, string | undefined>;

const value = (env: Env, name: string) => env[name]?.trim() || undefined;

function otlpUrl(name: string, raw: string): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ConfigError(`${name} must be an http(s) URL such as http://otel-collector:4318, got "${raw}"`);
  }
  return parsed;
}

/**
 * Tracing's settings, or undefined when it is off. It is on when
 * OTEL_TRACES_EXPORTER is `otlp`, or when it is unset and an OTLP endpoint is
 * set: the SDK's own default (`otlp` to localhost) would have every gateway
 * without a collector post spans into the void. OTEL_SDK_DISABLED=true and
 * OTEL_TRACES_EXPORTER=none turn it off whatever else is set.
 */
export function tracingSettings(env: Env): TracingSettings | undefined {
  if (value(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return undefined;
  const tracesEndpoint = value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const exporters = value(env, 'OTEL_TRACES_EXPORTER')
    ?.toLowerCase()
    .split(',')
    .map((s) => s.trim());
  if (exporters?.includes('none')) return undefined;
  for (const exporter of exporters ?? []) {
    if (exporter !== 'otlp') throw new ConfigError(`OTEL_TRACES_EXPORTER must be otlp or none, got "${env.OTEL_TRACES_EXPORTER}"`);
  }
  if (!exporters && tracesEndpoint === undefined && endpoint === undefined) return undefined;

  const protocolName = value(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = value(env, protocolName) ?? 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new ConfigError(`${protocolName} must be http/protobuf or http/json (OTLP over HTTP, a collector's port 4318; grpc is not supported), got "${protocol}"`);
  }

  // As the specification says: the signal's own endpoint is the whole URL, the general one a base below which /v1/traces goes.
  const url = tracesEndpoint
    ? otlpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesEndpoint).href
    : endpoint
      ? `${otlpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', endpoint).href.replace(/\/+$/, '')}/v1/traces`
      : 'http://localhost:4318/v1/traces';

  const sampler = (value(env, 'OTEL_TRACES_SAMPLER')?.toLowerCase() ?? 'parentbased_always_on') as SamplerName;
  if (!SAMPLERS.includes(sampler)) throw new ConfigError(`OTEL_TRACES_SAMPLER must be one of ${SAMPLERS.join(', ')}, got "${env.OTEL_TRACES_SAMPLER}"`);
  const arg = value(env, 'OTEL_TRACES_SAMPLER_ARG');
  const samplerRatio = arg === undefined || !sampler.endsWith('traceidratio') ? 1 : Number(arg);
  if (!(samplerRatio >= 0 && samplerRatio <= 1)) throw new ConfigError(`OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1, got "${arg}"`);
  return { protocol, endpoint: url, sampler, samplerRatio };
}

/** One attempt of a REST call: the traceparent to send GitLab, naming this attempt's span. */
export interface AttemptSpan {
  readonly traceparent: string;
  end(event: RestCallEvent): void;
}

/** What a REST call needs of its GraphQL request's span: a child span per attempt. */
export interface CallTracer {
  startAttempt(req: RestRequest, attempt: number): AttemptSpan;
}

/** How a GraphQL request ended, for its span. */
export interface RequestOutcome {
  httpStatus: number;
  /** The client went away before the response was sent. */
  aborted: boolean;
  operationName: string | undefined;
  operationType: string | undefined;
  errorCodes: readonly string[];
}

/** The span of one GraphQL request. */
export interface RequestSpan extends CallTracer {
  end(outcome: RequestOutcome): void;
}

export interface GatewayTracer {
  /** A request's span, parented on the caller's `traceparent` when it sent a valid one. */
  startRequest(method: string, headers: IncomingHttpHeaders): RequestSpan;
}

export interface Tracing {
  tracer: GatewayTracer;
  /** Exports what is still buffered, then stops. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Whose REST calls the client spans name (`server.address`, `server.port`). */
  gitlabUrl: string;
  /** The SDK's own warnings and errors, such as a collector that cannot be reached. */
  warn: (message: string) => void;
}

export async function startTracing(settings: TracingSettings, options: TracingOptions): Promise<Tracing> {
  const { createTracing } = await import('./tracing-sdk.js');
  return createTracing(settings, options);
}
