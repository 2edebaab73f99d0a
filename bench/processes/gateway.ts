/**
 * Child process: the gateway, built exactly as src/server.ts builds it (its
 * configuration from the environment), so that its RSS is its own.
 */
import { createGateway } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { childArgs, countUndiciConnects, cpuMs, cpuProfiler, serveParent } from '../lib/ipc.js';

const connects = countUndiciConnects();
const profiler = cpuProfiler();

const args = childArgs();
const config = loadConfig({ ...process.env, GITLAB_URL: args.gitlabUrl, PORT: '0', HOST: '127.0.0.1' });
const gateway = createGateway(config);
const url = await gateway.listen(config.port, config.host);

/** The size of the gateway's connection pool to GitLab, so that the direct baseline uses the same. */
function poolConnections(): number | undefined {
  const client = gateway.client as unknown as { opts?: { connections?: unknown } };
  return typeof client.opts?.connections === 'number' ? client.opts.connections : undefined;
}

serveParent(
  { url, poolConnections: poolConnections(), maxConcurrentCallsPerRequest: config.maxConcurrentCallsPerRequest },
  {
    rss: () => process.memoryUsage().rss,
    cpu: () => cpuMs(),
    connects: () => connects(),
    memory: () => process.memoryUsage(),
    profileStart: () => profiler.start(),
    profileStop: (path) => profiler.stop(path),
  },
  () => gateway.close(1_000),
);
