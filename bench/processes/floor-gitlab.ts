/** Child process: the floor's GitLab (bench/floor.ts), which answers `[]` after the latency and does nothing else. */
import { setTimeout as sleep } from 'node:timers/promises';
import { createFloorGitLab } from '../floor.js';
import { childArgs, cpuMs, serveParent } from '../lib/ipc.js';

const args = childArgs();
const gitlab = createFloorGitLab(Number(args.latencyMs ?? 0));
const url = await gitlab.listen(0, '127.0.0.1');

// The simulator's IPC calls that a measured cell makes, so that the floor is measured as the rest are.
serveParent(
  { url },
  {
    setLatency: (latency) => {
      const { ms, jitterMs } = latency as { ms: number; jitterMs: number };
      gitlab.latency.set(ms, jitterMs);
    },
    settle: async (quietMs) => {
      await sleep(Number(quietMs));
      gitlab.resetCount();
    },
    stats: () => ({ total: gitlab.answered(), counts: {} }),
    cpu: () => cpuMs(),
  },
  () => gitlab.close(),
);
