import { expect, test } from 'vitest';
import { ConfigError, DEFAULTS, loadConfig } from '../src/config.js';
import { tracingSettings } from '../src/observability/tracing.js';

test('GITLAB_URL given as the API URL (…/api/v4) names the same instance; a relative-URL install keeps its path', () => {
  expect(loadConfig({ GITLAB_URL: 'https://gitlab.example.com/api/v4' }).gitlabUrl).toBe('https://gitlab.example.com');
  expect(loadConfig({ GITLAB_URL: 'https://gitlab.example.com/api/v4/' }).gitlabUrl).toBe('https://gitlab.example.com');
  expect(loadConfig({ GITLAB_URL: 'https://example.com/gitlab/api/v4' }).gitlabUrl).toBe('https://example.com/gitlab');
  expect(loadConfig({ GITLAB_URL: 'https://example.com/gitlab/' }).gitlabUrl).toBe('https://example.com/gitlab');
});

test('GITLAB_URL with a query string, credentials or another scheme is refused with one line naming the variable', () => {
  for (const value of ['https://gitlab.example.com/?private_token=x', 'https://user:pw@gitlab.example.com', 'ftp://gitlab.example.com']) {
    expect(() => loadConfig({ GITLAB_URL: value })).toThrow(ConfigError);
    expect(() => loadConfig({ GITLAB_URL: value })).toThrow(/^GITLAB_URL /);
  }
});

test("the hostile-input limits have their documented defaults, and each refuses a value outside its range", () => {
  expect(DEFAULTS).toMatchObject({
    graphqlTimeoutMs: 30_000,
    gitlabMaxResponseBytes: 8_000_000,
    gitlabMaxRedirects: 3,
    maxRestCallsPerRequest: 1_000,
    maxNodeIds: 100,
    maxResponseBytes: 10_000_000,
    headersTimeoutMs: 10_000,
    bodyTimeoutMs: 10_000,
  });
  expect(loadConfig({ MAX_NODE_IDS: '5' }).maxNodeIds).toBe(5);
  for (const name of ['GRAPHQL_TIMEOUT_MS', 'GITLAB_MAX_RESPONSE_BYTES', 'MAX_REST_CALLS_PER_REQUEST', 'MAX_NODE_IDS', 'MAX_RESPONSE_BYTES', 'HEADERS_TIMEOUT_MS', 'BODY_TIMEOUT_MS']) {
    expect(() => loadConfig({ [name]: '0' })).toThrow(new RegExp(`^${name} must be`));
  }
});

test('GITLAB_CONNECTIONS sizes the pool and GITLAB_HTTP2 is auto or off; anything else is refused naming the variable', () => {
  expect(DEFAULTS).toMatchObject({ gitlabConnections: 128, gitlabHttp2: 'off' });
  expect(loadConfig({ GITLAB_CONNECTIONS: '512', GITLAB_HTTP2: 'AUTO' })).toMatchObject({ gitlabConnections: 512, gitlabHttp2: 'auto' });
  for (const value of ['0', '-1', '10001', 'many', '1.5']) expect(() => loadConfig({ GITLAB_CONNECTIONS: value })).toThrow(/^GITLAB_CONNECTIONS must be a count \(1-10000\)/);
  // "on" would promise HTTP/2 where GitLab may not speak it: auto already takes it whenever GitLab offers it.
  for (const value of ['on', 'true', 'h2c']) expect(() => loadConfig({ GITLAB_HTTP2: value })).toThrow(/^GITLAB_HTTP2 must be one of auto, off/);
});

test('METRICS_PORT is unset by default (/metrics stays on PORT), a port when set, and never PORT itself', () => {
  expect(DEFAULTS.metricsPort).toBeUndefined();
  expect(loadConfig({ METRICS_PORT: ' ' }).metricsPort).toBeUndefined();
  expect(loadConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
  expect(loadConfig({ PORT: '0', METRICS_PORT: '0' }).metricsPort).toBe(0);
  for (const value of ['-1', '65536', 'metrics', '80.5']) expect(() => loadConfig({ METRICS_PORT: value })).toThrow(/^METRICS_PORT must be a port number \(0-65535\)/);
  expect(() => loadConfig({ METRICS_PORT: '4000' })).toThrow(/^METRICS_PORT must differ from PORT \(4000\)/);
  expect(() => loadConfig({ PORT: '8080', METRICS_PORT: '8080' })).toThrow(ConfigError);
});

test('tracing is off unless an OTLP endpoint or OTEL_TRACES_EXPORTER=otlp says otherwise; OTEL_SDK_DISABLED and "none" win', () => {
  const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' };
  expect(tracingSettings({})).toBeUndefined();
  expect(tracingSettings({ OTEL_TRACES_SAMPLER: 'always_on', OTEL_SERVICE_NAME: 'x' })).toBeUndefined();
  expect(tracingSettings(endpoint)).toEqual({ protocol: 'http/protobuf', endpoint: 'http://collector:4318/v1/traces', sampler: 'parentbased_always_on', samplerRatio: 1 });
  expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp' })?.endpoint).toBe('http://localhost:4318/v1/traces');
  expect(tracingSettings({ ...endpoint, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp' })?.endpoint).toBe('https://traces.example.com/otlp');
  expect(tracingSettings({ ...endpoint, OTEL_SDK_DISABLED: 'TRUE' })).toBeUndefined();
  expect(tracingSettings({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  expect(tracingSettings({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toMatchObject({
    protocol: 'http/json',
    sampler: 'parentbased_traceidratio',
    samplerRatio: 0.25,
  });
  expect(tracingSettings({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' })?.protocol).toBe('http/json');
});

test('an OTEL_* value the gateway cannot honour stops start-up with one line naming the variable', () => {
  const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
  const refusals: [Record<string, string>, RegExp][] = [
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, /^OTEL_TRACES_EXPORTER must be otlp or none/],
    [{ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /^OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json/],
    [{ ...endpoint, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'json' }, /^OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /^OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }, /^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http\(s\) URL/],
    [{ ...endpoint, OTEL_TRACES_SAMPLER: 'jaeger_remote' }, /^OTEL_TRACES_SAMPLER must be one of/],
    [{ ...endpoint, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }, /^OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1/],
    [{ ...endpoint, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' }, /^OTEL_TRACES_SAMPLER_ARG must be a ratio/],
  ];
  for (const [env, message] of refusals) {
    expect(() => tracingSettings(env)).toThrow(ConfigError);
    expect(() => tracingSettings(env)).toThrow(message);
  }
});
