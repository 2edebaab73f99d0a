/** Child process: the floor's client (bench/floor.ts), which makes an operation's fewest REST calls and nothing else. */
import { createFloorClient } from '../floor.js';
import { childArgs, countUndiciConnects, cpuMs, serveParent } from '../lib/ipc.js';

const connects = countUndiciConnects();

const args = childArgs();
const client = createFloorClient({ gitlabUrl: args.gitlabUrl!, connections: Number(args.connections) });
const url = await client.listen(0, '127.0.0.1');

serveParent({ url }, { cpu: () => cpuMs(), connects: () => connects() }, () => client.close());
