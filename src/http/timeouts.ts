import type { ServerOptions } from 'node:http';
import type { Config } from '../config.js';

/**
 * Node's own clocks on a client's request. HEADERS_TIMEOUT_MS bounds a client
 * that trickles its headers (Node answers 408 and closes); a body's own clock
 * runs in src/http/body-reader.ts, which answers with an error code, so Node's
 * whole-request limit is only the backstop behind both. Node's defaults
 * (60 s, 300 s, checked every 30 s) let slow clients hold sockets for minutes.
 */
export function serverTimeouts(config: Pick<Config, 'headersTimeoutMs' | 'bodyTimeoutMs'>): ServerOptions {
  return {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.headersTimeoutMs + config.bodyTimeoutMs + 1_000,
    connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
  };
}
