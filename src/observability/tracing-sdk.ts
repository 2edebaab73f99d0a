/**
 * The OpenTelemetry SDK behind tracing.ts: imported only when tracing is on.
 * Spans get their parent explicitly (no global context manager), so nothing
 * outside the gateway's own two hooks is traced, and no global is registered
 * but the SDK's diagnostic logger.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { DiagLogLevel, ROOT_CONTEXT, SpanKind, SpanStatusCode, diag, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span, TextMapGetter, Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { RestCallEvent, RestRequest } from '../datasources/gitlab-client.js';
import { loggedOperationName } from '../http/access-log.js';
import type { AttemptSpan, GatewayTracer, RequestOutcome, RequestSpan, Tracing, TracingOptions, TracingSettings } from './tracing.js';

// Semantic conventions still in development: copied, as the package advises, rather than imported from its unstable entry point.
const ATTR_URL_TEMPLATE = 'url.template';
const ATTR_GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
const ATTR_GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';
/** The gateway's own: every distinct `extensions.code` of the response's errors. */
const ATTR_GRAPHQL_ERROR_CODES = 'graphql.error.codes';

const propagator = new W3CTraceContextPropagator();
const headersGetter: TextMapGetter<IncomingHttpHeaders> = {
  get: (headers, key) => headers[key],
  keys: (headers) => Object.keys(headers),
};

function sampler(settings: TracingSettings): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(settings.samplerRatio);
  switch (settings.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
  }
}

async function exporter(settings: TracingSettings): Promise<SpanExporter> {
  // Only the protocol in use is loaded. Headers, timeout and compression are the exporter's to read from OTEL_EXPORTER_OTLP_*.
  const { OTLPTraceExporter } =
    settings.protocol === 'http/json' ? await import('@opentelemetry/exporter-trace-otlp-http') : await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter({ url: settings.endpoint });
}

function traceparentOf(span: Span): string {
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, { set: (c, key, v) => (c[key] = v) });
  return carrier.traceparent!;
}

class Attempt implements AttemptSpan {
  readonly traceparent: string;
  constructor(private readonly span: Span) {
    this.traceparent = traceparentOf(span);
  }

  end(event: RestCallEvent): void {
    if (typeof event.status === 'number') this.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, event.status);
    if (event.errorCode !== undefined) {
      // The code, never the message: a message can quote GitLab's error body.
      this.span.setAttribute(ATTR_ERROR_TYPE, event.errorCode);
      this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.span.end();
  }
}

class Request implements RequestSpan {
  private readonly span: Span;
  private readonly context: Context;

  constructor(
    private readonly tracer: Tracer,
    private readonly gitlab: Attributes,
    method: string,
    headers: IncomingHttpHeaders,
  ) {
    const parent = propagator.extract(ROOT_CONTEXT, headers, headersGetter);
    this.span = tracer.startSpan('GraphQL request', { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: '/graphql' } }, parent);
    this.context = trace.setSpan(ROOT_CONTEXT, this.span);
  }

  startAttempt(req: RestRequest, attempt: number): AttemptSpan {
    const attributes: Attributes = {
      ...this.gitlab,
      [ATTR_HTTP_REQUEST_METHOD]: req.method,
      // The template, never the path: a path holds ids and full paths of the caller's projects.
      [ATTR_URL_TEMPLATE]: req.route.slice(req.method.length + 1),
    };
    if (attempt > 1) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = attempt - 1;
    return new Attempt(this.tracer.startSpan(req.route, { kind: SpanKind.CLIENT, attributes }, this.context));
  }

  end(outcome: RequestOutcome): void {
    const { span } = this;
    // The caller's text, as the log line shows it: a name that is no GraphQL name (a pasted token) is described, not copied.
    const name = loggedOperationName(outcome.operationName);
    if (outcome.operationType) {
      span.updateName(name ? `${outcome.operationType} ${name}` : outcome.operationType);
      span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, outcome.operationType);
    }
    if (name) span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, name);
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.httpStatus);
    if (outcome.errorCodes.length > 0) {
      span.setAttribute(ATTR_GRAPHQL_ERROR_CODES, [...new Set(outcome.errorCodes)]);
      span.setAttribute(ATTR_ERROR_TYPE, outcome.errorCodes[0]!);
      span.setStatus({ code: SpanStatusCode.ERROR });
    } else if (outcome.aborted) {
      span.setAttribute(ATTR_ERROR_TYPE, 'aborted');
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }
}

export async function createTracing(settings: TracingSettings, options: TracingOptions): Promise<Tracing> {
  const report = (message: string, ...args: unknown[]) => options.warn([message, ...args.map((a) => (a instanceof Error ? a.message : String(a)))].join(' '));
  const quiet = () => {};
  diag.setLogger({ error: report, warn: report, info: quiet, debug: quiet, verbose: quiet }, DiagLogLevel.WARN);

  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (read by the env detector) override the gateway's own name.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'agent-gateway' }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({ resource, sampler: sampler(settings), spanProcessors: [new BatchSpanProcessor(await exporter(settings))] });
  const tracer = provider.getTracer('agent-gateway');
  const gitlab = new URL(options.gitlabUrl);
  const gitlabAttributes: Attributes = {
    [ATTR_SERVER_ADDRESS]: gitlab.hostname,
    [ATTR_SERVER_PORT]: Number(gitlab.port) || (gitlab.protocol === 'https:' ? 443 : 80),
  };
  const gatewayTracer: GatewayTracer = {
    startRequest: (method, headers) => new Request(tracer, gitlabAttributes, method, headers),
  };
  return { tracer: gatewayTracer, shutdown: () => provider.shutdown() };
}
