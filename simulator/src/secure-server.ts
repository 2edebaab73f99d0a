import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSecureServer } from 'node:http2';
import type { Http2SecureServer } from 'node:http2';
import type { Socket } from 'node:net';
import { simulatorListener } from './server.js';
import type { ServerControls } from './server.js';
import type { SelfSignedCertificate } from './tls.js';

interface SecureSimulatorServer {
  server: Http2SecureServer;
  /** Ends every connection at once, HTTP/2 sessions and HTTP/1.1 sockets alike (an HTTP/2 server has no closeAllConnections). */
  closeAllConnections(): void;
}

/**
 * The simulator over TLS, answering HTTP/2 to a client that offers it in
 * ALPN and HTTP/1.1 to one that does not, as GitLab behind its nginx does.
 * The listener is node:http's: the http2 compatibility API gives it the same
 * request and response calls (its socket's `destroy` and `once('close')` are
 * the stream's, so a `reset` fault resets one stream, not the session).
 */
export function createSecureSimulatorServer(controls: ServerControls, certificate: SelfSignedCertificate): SecureSimulatorServer {
  const listener = simulatorListener(controls) as unknown as (req: IncomingMessage | object, res: ServerResponse | object) => void;
  const server = createSecureServer({ ...certificate, allowHTTP1: true }, listener);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    server,
    closeAllConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}
