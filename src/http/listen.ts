import type { Server } from 'node:http';

/** Starts `server` listening; rejects with the listen error (EADDRINUSE and the like) instead of throwing it as an event. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** Closes `server` and every connection it holds now, a request in progress included. */
export function closeNow(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}
