import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TOKENS, startSimulator, testSeed } from '../../simulator/src/index.js';
import type { Simulator } from '../../simulator/src/index.js';
import { OPERATIONS, SEED, requestBody } from '../helpers/benchmark-operations.js';
import { startChildGateway } from '../helpers/child-gateway.js';

/**
 * The real server process, tracing configured by OTEL_* variables, exporting
 * to an OTLP/HTTP receiver of the test's own; with tracing off, a loader hook
 * tells which modules the process loaded.
 */
const NESTED = OPERATIONS.find((op) => op.id === 'b')!;
const LIST_AGENTS = 'GET /projects/:id/cluster_agents';
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  arrayValue?: { values: OtlpValue[] };
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: OtlpAttribute[];
  status?: { code?: number };
}
interface Export {
  contentType: string;
  body: Buffer;
}

/** A collector's OTLP/HTTP traces endpoint that keeps what it is sent. */
async function startReceiver(): Promise<{ server: Server; url: string; exports: Export[] }> {
  const exports: Export[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const contentType = req.headers['content-type'] ?? '';
      exports.push({ contentType, body: Buffer.concat(chunks) });
      if (contentType.includes('json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exports };
}

/** A module hook in the child that writes every module URL it resolves to a file. */
function moduleRecorder(): { env: Record<string, string>; loaded: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-modules-'));
  const log = join(dir, 'modules.txt');
  writeFileSync(log, '');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}
`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
  return {
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(join(dir, 'register.mjs')).href}`.trim() },
    loaded: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}

let simulator: Simulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  simulator = await startSimulator({ seed: testSeed() });
  receiver = await startReceiver();
});
afterAll(async () => {
  await new Promise((resolve) => receiver?.server.close(resolve));
  await simulator?.close();
});

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** Not a GraphQL name, as a token pasted into the wrong field is not: the span must not carry it. */
const PASTED_TOKEN = 'glpat-pasted-into-operationName-0123';
const CALLER_TRACESTATE = 'congo=t61rcWkgMzE, rojo=00f067aa0ba902b7';

/** The nested query through a fresh server process, once per traceparent (with the maintainer's token unless told); the process is stopped (and flushes) before this returns. */
async function runNested(env: Record<string, string>, requests: { traceparent: string; tracestate?: string; token?: string | null; operationName?: string }[]) {
  const gateway = await startChildGateway({ GITLAB_URL: simulator.url, ...env });
  const runs = [];
  for (const { traceparent, tracestate, token = TOKENS.maintainer, operationName } of requests) {
    simulator.resetStats();
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }), traceparent, ...(tracestate ? { tracestate } : {}) },
      body: operationName === undefined ? requestBody(NESTED) : JSON.stringify({ ...JSON.parse(requestBody(NESTED)), operationName }),
    });
    const answer = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    runs.push({ answer, calls: [...simulator.requests] });
  }
  gateway.process.kill('SIGTERM');
  expect(await gateway.exited).toBe(0);
  return runs;
}

function spansOf(exports: Export[]): { spans: OtlpSpan[]; resource: OtlpAttribute[] } {
  const spans: OtlpSpan[] = [];
  const resource: OtlpAttribute[] = [];
  for (const { body } of exports) {
    for (const rs of (JSON.parse(body.toString()) as { resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans) {
      resource.push(...rs.resource.attributes);
      for (const ss of rs.scopeSpans) spans.push(...ss.spans);
    }
  }
  return { spans, resource };
}

const attribute = (span: OtlpSpan, key: string) => span.attributes.find((a) => a.key === key)?.value;
const traceparentSpanId = (traceparent: string | undefined) => traceparent?.split('-')[2];

describe('tracing on (OTLP/HTTP, sampled at 100%)', () => {
  test('http/json: one SERVER span under the caller, one CLIENT span per REST call under it, and GitLab told each call its own span', async () => {
    receiver.exports.length = 0;
    const traceId = hex(16);
    const callerSpanId = hex(8);
    // Then the same query again, served (from its third time) by the direct path rather than yoga, once without a token,
    // and once naming as its operation a token pasted by mistake.
    const repeats = [hex(16), hex(16), hex(16)];
    const unauthenticated = hex(16);
    const pasted = hex(16);
    const [first, ...others] = await runNested(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_TRACES_SAMPLER: 'always_on',
        OTEL_SERVICE_NAME: 'gateway-under-test',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
      },
      [
        { traceparent: `00-${traceId}-${callerSpanId}-01`, tracestate: CALLER_TRACESTATE },
        ...repeats.map((id) => ({ traceparent: `00-${id}-${hex(8)}-01` })),
        { traceparent: `00-${unauthenticated}-${hex(8)}-01`, token: null },
        { traceparent: `00-${pasted}-${hex(8)}-01`, operationName: PASTED_TOKEN },
      ],
    );
    const { answer, calls } = first!;
    const all = spansOf(receiver.exports);
    for (const [i, id] of repeats.entries()) {
      expect(others[i]!.answer.errors).toBeUndefined();
      const trace = all.spans.filter((s) => s.traceId === id);
      expect(trace.filter((s) => s.kind === SPAN_KIND_SERVER).map((s) => s.name)).toEqual([`query ${NESTED.operationName}`]);
      expect(trace.filter((s) => s.kind === SPAN_KIND_CLIENT)).toHaveLength(21);
    }
    const refused = all.spans.filter((s) => s.traceId === unauthenticated && s.kind === SPAN_KIND_SERVER);
    expect(others.at(-2)!.answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.status?.code).toBe(2);
    expect(attribute(refused[0]!, 'graphql.error.codes')?.arrayValue?.values.map((v) => v.stringValue)).toEqual(['UNAUTHENTICATED']);
    expect(attribute(refused[0]!, 'error.type')?.stringValue).toBe('UNAUTHENTICATED');
    const misnamed = all.spans.filter((s) => s.traceId === pasted);
    expect(misnamed).toHaveLength(1);
    expect(attribute(misnamed[0]!, 'graphql.operation.name')?.stringValue).toBe(`[not a GraphQL name, ${PASTED_TOKEN.length} chars]`);
    expect(answer.errors).toBeUndefined();
    expect(SEED.agents).toBe(20);
    expect(calls).toHaveLength(21);
    expect(receiver.exports.every((e) => e.contentType.startsWith('application/json'))).toBe(true);

    const spans = all.spans.filter((s) => s.traceId === traceId);
    const { resource } = all;
    const servers = spans.filter((s) => s.kind === SPAN_KIND_SERVER);
    const clients = spans.filter((s) => s.kind === SPAN_KIND_CLIENT);
    expect(servers).toHaveLength(1);
    expect(clients).toHaveLength(21);
    expect(spans).toHaveLength(22);
    const server = servers[0]!;
    // Nothing else was traced: a SERVER span per request, a CLIENT span per call.
    expect(all.spans).toHaveLength(6 + calls.length + others.reduce((sum, run) => sum + run.calls.length, 0));
    expect(server.parentSpanId).toBe(callerSpanId);
    expect(clients.every((c) => c.parentSpanId === server.spanId)).toBe(true);

    expect(server.name).toBe(`query ${NESTED.operationName}`);
    expect(attribute(server, 'graphql.operation.name')?.stringValue).toBe(NESTED.operationName);
    expect(attribute(server, 'graphql.operation.type')?.stringValue).toBe('query');
    expect(Number(attribute(server, 'http.response.status_code')?.intValue)).toBe(200);
    expect(server.status?.code ?? 0).toBe(0);

    // GitLab got, on each call, a traceparent naming that call's span, and no other, with the caller's tracestate as it came.
    expect(calls.map((c) => c.tracestate)).toEqual(Array(21).fill(CALLER_TRACESTATE));
    expect(others[0]!.calls.every((c) => c.tracestate === undefined)).toBe(true);
    expect(calls.every((c) => c.traceparent?.startsWith(`00-${traceId}-`) && c.traceparent.endsWith('-01'))).toBe(true);
    expect(new Set(calls.map((c) => traceparentSpanId(c.traceparent)))).toEqual(new Set(clients.map((c) => c.spanId)));

    const routes = clients.map((c) => `${attribute(c, 'http.request.method')?.stringValue} ${attribute(c, 'url.template')?.stringValue}`);
    expect(routes.sort()).toEqual(calls.map((c) => c.route).sort());
    expect(clients.map((c) => c.name).sort()).toEqual(routes);
    for (const client of clients) {
      expect(Number(attribute(client, 'http.response.status_code')?.intValue)).toBe(200);
      expect(attribute(client, 'http.request.resend_count')).toBeUndefined();
      expect(attribute(client, 'server.address')?.stringValue).toBe('127.0.0.1');
    }
    expect(resource.find((a) => a.key === 'service.name')?.value.stringValue).toBe('gateway-under-test');
    expect(resource.find((a) => a.key === 'deployment.environment.name')?.value.stringValue).toBe('test');

    // Neither the token nor a real path (ids, the project's path) nor a query string: anywhere in what was exported.
    const exported = receiver.exports.map((e) => e.body.toString()).join('\n');
    expect(exported).not.toContain(TOKENS.maintainer);
    expect(exported).not.toContain('glpat-');
    expect(exported).not.toContain('Bearer');
    expect(exported).not.toContain('per_page');
    expect(exported).not.toContain(String(NESTED.variables.project));
  });

  test('http/protobuf: a retried call is two CLIENT spans, the second with its resend count, and GitLab is told each', async () => {
    receiver.exports.length = 0;
    const traceId = hex(16);
    simulator.failNext(1, '503', { route: LIST_AGENTS });
    const [run] = await runNested(
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_TRACES_SAMPLER: 'always_on' },
      [{ traceparent: `00-${traceId}-${hex(8)}-01` }],
    );
    const { answer, calls } = run!;
    expect(answer.errors).toBeUndefined();
    expect(calls).toHaveLength(22);
    expect(calls[0]!.status).toBe(503);
    expect(receiver.exports.length).toBeGreaterThan(0);
    expect(receiver.exports.every((e) => e.contentType.startsWith('application/x-protobuf'))).toBe(true);
    // Protobuf carries span ids as raw bytes: each one GitLab was sent must be in the export.
    const exported = Buffer.concat(receiver.exports.map((e) => e.body));
    const spanIds = new Set(calls.map((c) => traceparentSpanId(c.traceparent)!));
    expect(spanIds.size).toBe(22);
    for (const id of spanIds) expect(exported.includes(Buffer.from(id, 'hex')), id).toBe(true);
    expect(exported.includes(Buffer.from(traceId, 'hex'))).toBe(true);
    expect(exported.includes(Buffer.from('http.request.resend_count'))).toBe(true);
    expect(exported.includes(Buffer.from(TOKENS.maintainer))).toBe(false);
  });

  test('a request refused before GraphQL (a body over MAX_BODY_BYTES) still has its SERVER span, with the code, and no REST call', async () => {
    receiver.exports.length = 0;
    simulator.resetStats();
    const [traceId, callerSpanId] = [hex(16), hex(8)];
    const gateway = await startChildGateway({
      GITLAB_URL: simulator.url,
      MAX_BODY_BYTES: '1000',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'always_on',
    });
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.maintainer}`, traceparent: `00-${traceId}-${callerSpanId}-01` },
      body: JSON.stringify({ query: `{ __typename } # ${'x'.repeat(2000)}` }),
    });
    expect(res.status).toBe(413);
    await res.arrayBuffer();
    gateway.process.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);

    const { spans } = spansOf(receiver.exports);
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect([span!.traceId, span!.parentSpanId, span!.kind, span!.status?.code]).toEqual([traceId, callerSpanId, SPAN_KIND_SERVER, 2]);
    expect(Number(attribute(span!, 'http.response.status_code')?.intValue)).toBe(413);
    expect(attribute(span!, 'error.type')?.stringValue).toBe('QUERY_TOO_COMPLEX');
    expect(simulator.total()).toBe(0);
  });
});

describe('tracing off', () => {
  test('no OpenTelemetry module is loaded, and GitLab gets the caller’s traceparent as it came', async () => {
    receiver.exports.length = 0;
    const modules = moduleRecorder();
    const traceparent = `00-${hex(16)}-${hex(8)}-01`;
    const [run] = await runNested({ ...modules.env, OTEL_TRACES_SAMPLER: 'always_on' }, [{ traceparent }]);
    const { answer, calls } = run!;
    expect(answer.errors).toBeUndefined();
    expect(calls.every((c) => c.traceparent === traceparent)).toBe(true);
    const loaded = modules.loaded();
    // The hook saw the server's own modules, so it saw everything.
    expect(loaded.some((url) => url.endsWith('/src/app.ts'))).toBe(true);
    expect(loaded.filter((url) => url.includes('@opentelemetry'))).toEqual([]);
    expect(receiver.exports).toHaveLength(0);
  });

  test('the same hook sees the SDK once tracing is on', async () => {
    const modules = moduleRecorder();
    await runNested({ ...modules.env, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, [{ traceparent: `00-${hex(16)}-${hex(8)}-01` }]);
    const loaded = modules.loaded();
    expect(loaded.some((url) => url.includes('@opentelemetry/sdk-trace-base'))).toBe(true);
    expect(loaded.some((url) => url.includes('@opentelemetry/exporter-trace-otlp-http'))).toBe(true);
    expect(loaded.some((url) => url.includes('@opentelemetry/exporter-trace-otlp-proto'))).toBe(false);
  });
});
