/**
 * Child process: the gateway, built exactly as src/server.ts builds it (its
 * configuration from the environment), so that its RSS is its own.
 */
import '../../src/production-mode.js';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createGateway } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { startTracing, tracingSettings } from '../../src/observability/tracing.js';
import { childArgs, countUndiciConnects, cpuMs, profiler as createProfiler, serveParent } from '../lib/ipc.js';

const connects = countUndiciConnects();
const profiler = createProfiler();

const args = childArgs();
const config = loadConfig({ ...process.env, GITLAB_URL: args.gitlabUrl, PORT: '0', HOST: '127.0.0.1' });
// As src/server.ts starts it: from OTEL_* (set by the bench's --tracing).
const traces = tracingSettings(process.env);
const tracing = traces ? await startTracing(traces, { gitlabUrl: config.gitlabUrl, warn: (detail) => process.stderr.write(`gateway tracing: ${detail}\n`) }) : undefined;
const gateway = createGateway({ ...config, tracer: tracing?.tracer });
const url = await gateway.listen(config.port, config.host);

/** A full GC on the parent's word, for the live heap (a leak shows there; RSS also holds what V8 keeps for later). */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
function liveHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

serveParent(
  { url, maxConcurrentCallsPerRequest: config.maxConcurrentCallsPerRequest, gitlabConnections: config.gitlabConnections },
  {
    cpu: () => cpuMs(),
    connects: () => connects(),
    memory: () => process.memoryUsage(),
    liveHeap: () => liveHeap(),
    profileStart: (kind) => profiler.start(kind),
    profileStop: (path) => profiler.stop(path),
  },
  () => gateway.close(1_000).then(() => tracing?.shutdown()),
);
