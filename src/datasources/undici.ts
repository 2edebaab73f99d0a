import { createRequire } from 'node:module';
import type { Pool as UndiciPool, errors as undiciErrors } from 'undici';

/**
 * undici's connection pool and error classes, required from their own
 * modules: undici's index also loads fetch, WebSocket, EventSource, its cache
 * and its mocks, which the gateway never uses and which cost ~5 MiB of RSS
 * (docs/benchmarks.md). undici has no `exports` map, so the paths are
 * reachable; the types are the index's own, and the objects the same ones
 * the index hands out (it requires these very files).
 */
const require = createRequire(import.meta.url);

export const Pool: typeof UndiciPool = require('undici/lib/dispatcher/pool.js');
export type Pool = UndiciPool;
export const errors: typeof undiciErrors = require('undici/lib/core/errors.js');
