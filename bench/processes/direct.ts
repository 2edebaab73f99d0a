/** Child process: the direct baseline (test/helpers/direct-baseline.ts) on its own port. */
import { createDirectBaseline } from '../../test/helpers/direct-baseline.js';
import { childArgs, countUndiciConnects, cpuMs, profiler as createProfiler, serveParent } from '../lib/ipc.js';

const connects = countUndiciConnects();
const profiler = createProfiler();

const args = childArgs();
const baseline = createDirectBaseline({ gitlabUrl: args.gitlabUrl!, connections: Number(args.connections) });
const url = await baseline.listen(0, '127.0.0.1');

serveParent({ url }, { cpu: () => cpuMs(), connects: () => connects(), profileStart: (kind) => profiler.start(kind), profileStop: (path) => profiler.stop(path) }, () => baseline.close());
