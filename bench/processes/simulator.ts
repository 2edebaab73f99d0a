/** Child process: the GitLab simulator (test seed), its counters answered over IPC. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSimulator, testSeed } from '../../simulator/src/index.js';
import { childArgs, cpuMs, serveParent } from '../lib/ipc.js';

const args = childArgs();
const sim = await startSimulator({ seed: testSeed(), latencyMs: Number(args.latencyMs ?? 0), tls: args.tls === 'true' });
/** With TLS, its certificate in a file, for the other children's NODE_EXTRA_CA_CERTS. */
const caFile = sim.ca === undefined ? undefined : join(mkdtempSync(join(tmpdir(), 'bench-simulator-')), 'ca.pem');
if (caFile) writeFileSync(caFile, sim.ca!);

/** Resets the counters once no call is in flight and none has arrived for `quietMs`: the previous run is over. */
async function settle(quietMs: number): Promise<{ waitedMs: number }> {
  const started = Date.now();
  for (;;) {
    sim.resetStats();
    // After a reset, maxInFlight() starts from what is still in flight.
    if (sim.maxInFlight() === 0) {
      await sleep(quietMs);
      if (sim.total() === 0 && sim.maxInFlight() === 0) break;
    } else {
      await sleep(20);
    }
    if (Date.now() - started > 15_000) throw new Error('the simulator did not go quiet within 15 s');
  }
  sim.resetStats();
  return { waitedMs: Date.now() - started };
}

serveParent(
  { url: sim.url, caFile },
  {
    setLatency: (latency) => {
      const { ms, jitterMs } = latency as { ms: number; jitterMs: number };
      sim.setLatency(ms, jitterMs);
    },
    settle: (quietMs) => settle(Number(quietMs)),
    stats: () => ({ total: sim.total(), counts: sim.counts() }),
    cpu: () => cpuMs(),
  },
  () => sim.close(),
);
