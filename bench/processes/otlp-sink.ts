/** Child process: an OTLP/HTTP receiver that reads each export and throws it away, for the bench's `--tracing` runs. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpuMs, serveParent } from '../lib/ipc.js';

let exports = 0;
let bytes = 0;
const server = createServer((req, res) => {
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    exports++;
    // An empty body is a full success in both encodings.
    res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' }).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

serveParent(
  { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
  { cpu: () => cpuMs(), stats: () => ({ exports, bytes }) },
  () => {
    // What the gateway exported over the run, in the bench's output: spans did go out.
    process.stderr.write(`otlp sink: ${exports} exports, ${(bytes / 1e6).toFixed(1)} MB\n`);
    return new Promise<void>((resolve) => server.close(() => resolve()));
  },
);
