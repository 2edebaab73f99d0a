/**
 * The floor: what this machine allows when nothing but the waiting is done.
 * A "GitLab" that answers every request with `[]` once the added latency has
 * passed, held as the simulator holds its answers, and a client that makes an
 * operation's fewest REST calls against it (its call tree), each as soon as
 * the call it needs has answered, through the gateway's undici settings, and
 * does nothing with the answers. The load generator drives the client as it
 * drives the gateway, so a floor p50 has the same hops; what the gateway or
 * the direct baseline take above it is their own work and the simulator's.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Latency, until } from '../simulator/src/latency.js';
import { requestText } from '../src/datasources/request-text.js';
import { poolLikeTheGateway } from '../test/helpers/direct-baseline.js';
import { httpService } from '../test/helpers/http-service.js';
import type { HttpService } from '../test/helpers/http-service.js';
import type { CallTree } from '../test/helpers/benchmark-operations.js';

export interface FloorGitLab extends HttpService {
  latency: Latency;
  /** Requests answered since the last reset. */
  answered(): number;
  resetCount(): void;
}

/** Every request answered `[]`, after the latency counted from its arrival. */
export function createFloorGitLab(latencyMs = 0): FloorGitLab {
  const latency = new Latency(latencyMs);
  let answered = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const due = performance.now() + latency.next();
    req.resume();
    req.once('end', async () => {
      await until(due);
      answered++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
      res.end('[]');
    });
  });
  return { ...httpService(server), latency, answered: () => answered, resetCount: () => void (answered = 0) };
}

/** Serves POST with a call tree as its body: makes those calls against `gitlabUrl`, answers `{}` once all have answered. */
export function createFloorClient(options: { gitlabUrl: string; connections: number }): HttpService {
  const pool = poolLikeTheGateway(options.gitlabUrl, options.connections);
  const call = async (then: CallTree): Promise<void> => {
    await requestText(pool, { method: 'GET', path: '/api/v4/floor', headers: { accept: 'application/json' } });
    await walk(then);
  };
  const walk = async (tree: CallTree): Promise<void> => {
    await Promise.all(tree.map(call));
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      walk(JSON.parse(Buffer.concat(chunks).toString('utf8')) as CallTree).then(
        () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 }).end('{}'),
        () => res.writeHead(502).end(),
      );
    });
  });
  return httpService(server, () => pool.close());
}
