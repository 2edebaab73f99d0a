import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeNow, listen } from '../../src/http/listen.js';

/** A server on a port of its own (the direct baseline, the floor), closed with whatever it holds: a pool of sockets to GitLab. */
export interface HttpService {
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** `server` as an HttpService, its keep-alive beyond the load generator's, so that no measured socket is closed under it. */
export function httpService(server: Server, closeAlso: () => Promise<void> = async () => {}): HttpService {
  server.keepAliveTimeout = 65_000;
  return {
    async listen(port = 0, host = '127.0.0.1') {
      await listen(server, port, host);
      return `http://${host}:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      await closeNow(server);
      await closeAlso();
    },
  };
}
