/** Child process: the direct baseline (bench/direct-baseline.ts) on its own port. */
import { createDirectBaseline } from '../direct-baseline.js';
import { childArgs, countUndiciConnects, cpuMs, cpuProfiler, serveParent } from '../lib/ipc.js';

const connects = countUndiciConnects();
const profiler = cpuProfiler();

const args = childArgs();
const baseline = createDirectBaseline({ gitlabUrl: args.gitlabUrl!, connections: Number(args.connections) });
const url = await baseline.listen(0, '127.0.0.1');

serveParent({ url }, { rss: () => process.memoryUsage().rss, cpu: () => cpuMs(), connects: () => connects(), profileStart: () => profiler.start(), profileStop: (path) => profiler.stop(path) }, () => baseline.close());
