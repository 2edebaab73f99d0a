import { createServer } from 'node:http';
import type { Server, ServerOptions, ServerResponse } from 'node:http';
import { closeNow, listen } from './listen.js';
import { sendText } from './probes.js';

export interface MetricsListener {
  server: Server;
  listen(port: number, host: string): Promise<void>;
  /** Scraped until the drain is over; a scrape still open then is cut. */
  close(): Promise<void>;
}

/**
 * /metrics on a port of its own (METRICS_PORT), taken out of the main port's
 * routes: Node's version, memory and the routes served stay off the port an
 * ingress exposes.
 */
export function separateMetrics(routes: Map<string, (res: ServerResponse) => void>, options: ServerOptions): MetricsListener {
  const route = routes.get('/metrics')!;
  routes.delete('/metrics');
  const server = createServer(options, (req, res) => ((req.url ?? '/').split('?')[0] === '/metrics' ? route(res) : sendText(res, 404, 'not found\n')));
  return {
    server,
    listen: (port, host) => listen(server, port, host),
    close: async () => {
      if (server.listening) await closeNow(server);
    },
  };
}
