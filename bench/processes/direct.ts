/** Child process: the direct baseline (bench/direct-baseline.ts) on its own port. */
import { createDirectBaseline } from '../direct-baseline.js';
import { childArgs, serveParent } from '../lib/ipc.js';

const args = childArgs();
const baseline = createDirectBaseline({ gitlabUrl: args.gitlabUrl!, connections: Number(args.connections) });
const url = await baseline.listen(0, '127.0.0.1');

serveParent({ url }, { rss: () => process.memoryUsage().rss }, () => baseline.close());
