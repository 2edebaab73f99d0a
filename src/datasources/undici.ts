import { createRequire } from 'node:module';
import type { TLSSocket } from 'node:tls';
import type { Client as UndiciClient, Dispatcher, Pool as UndiciPool, buildConnector, errors as undiciErrors } from 'undici';

/**
 * undici's pool, client and error classes, required from their own modules:
 * undici's index also loads fetch, WebSocket, EventSource, its cache and its
 * mocks (110 modules against these 22), which the gateway never uses. On the
 * built server idle, the index costs about 3 MiB of RSS (medians of 18 runs
 * each, interleaved: 96.4 → 99.2 MiB; single runs scatter by ±5), and the RSS
 * target under load (150 MB) has about 4 MB of room (docs/benchmarks.md).
 * undici has no `exports` map, so the paths are reachable, but they are not
 * its API: package.json pins the exact version, and
 * test/datasources/undici-internals.test.ts fails when these are no longer
 * the very objects the index exports, before a bump can ship.
 */
const require = createRequire(import.meta.url);

export const Pool: typeof UndiciPool = require('undici/lib/dispatcher/pool.js');
export type Pool = UndiciPool;
export const Client: typeof UndiciClient = require('undici/lib/dispatcher/client.js');
export const errors: typeof undiciErrors = require('undici/lib/core/errors.js');

/**
 * Streams one HTTP/2 connection carries at once: undici's own default, and
 * what common servers allow (nginx 128, HAProxy 100). undici 7 does not hold
 * back to a server's lower SETTINGS_MAX_CONCURRENT_STREAMS
 * (nodejs/undici#5134), but Node's HTTP/2 session does: against a limit of 5,
 * 20 calls at once were all answered, 5 at a time.
 */
const HTTP2_STREAMS = 100;

/**
 * A Pool's `factory`: a Client that multiplexes once its connection has
 * negotiated HTTP/2. undici 7 lets a Client carry `pipelining` requests at
 * once whatever the protocol, 1 by default (nodejs/undici#4143), so an h2
 * connection would carry one call at a time; set up front, the same number
 * would pipeline HTTP/1.1 when ALPN chose it. So it is set once the TLS
 * handshake has said which (before the connection takes a request).
 */
export function multiplexOnHttp2(origin: URL, options: object): Dispatcher {
  const { connect, ...rest } = options as UndiciClient.Options & { connect: buildConnector.connector };
  const client = new Client(origin, {
    ...rest,
    connect: (connectOptions, callback) =>
      connect(connectOptions, (...args) => {
        const socket = args[1];
        if (socket) client.pipelining = (socket as TLSSocket).alpnProtocol === 'h2' ? HTTP2_STREAMS : 1;
        callback(...args);
      }),
  });
  return client;
}
