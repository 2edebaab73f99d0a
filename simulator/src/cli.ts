/**
 * A standalone simulator, e.g. for poking at it with curl or running the
 * gateway against it by hand:
 *   tsx simulator/src/cli.ts --port 8080 --seed simulator/seeds/demo.json --latency 20
 * Without --seed it serves the test fixture (tokens `glpat-maintainer`, ...).
 * With --tls it serves HTTPS (HTTP/2 or HTTP/1.1, as the client offers) and
 * writes its self-signed certificate to a file for NODE_EXTRA_CA_CERTS.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator } from './index.js';
import type { Seed } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string' },
    latency: { type: 'string', default: '0' },
    jitter: { type: 'string', default: '0' },
    'public-url': { type: 'string' },
    tls: { type: 'boolean', default: false },
  },
});

const seed = values.seed === undefined ? undefined : (JSON.parse(readFileSync(values.seed, 'utf8')) as Seed);
const simulator = await startSimulator({
  seed,
  port: Number(values.port),
  host: values.host,
  latencyMs: Number(values.latency),
  latencyJitterMs: Number(values.jitter),
  publicUrl: values['public-url'],
  tls: values.tls,
});
process.stdout.write(`GitLab simulator listening on ${simulator.url} (API: ${simulator.url}/api/v4)\n`);
if (simulator.ca !== undefined) {
  const caFile = join(mkdtempSync(join(tmpdir(), 'gitlab-simulator-')), 'ca.pem');
  writeFileSync(caFile, simulator.ca);
  process.stdout.write(`Its certificate: ${caFile} (run the gateway with NODE_EXTRA_CA_CERTS=${caFile})\n`);
}
const stop = () => void simulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
