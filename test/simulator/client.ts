import { request } from 'undici';
import { afterAll, beforeAll } from 'vitest';
import { TOKENS, startSimulator } from '../../simulator/src/index.js';
import type { Simulator } from '../../simulator/src/index.js';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed body when the answer says it is JSON. */
  json: any;
}

export interface CallOptions {
  /** The PRIVATE-TOKEN to send; the maintainer's by default, null for none. */
  token?: string | null;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent form-encoded, as curl -d does. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

/** A REST client for the simulator over a real socket; `path` is below /api/v4. */
export function client(sim: Pick<Simulator, 'url'>) {
  return async function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const token = options.token === undefined ? TOKENS.maintainer : options.token;
    const headers: Record<string, string> = { ...(token === null ? {} : { 'private-token': token }), ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.body);
    } else if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const res = await request(`${sim.url}/api/v4${path}`, { method: method as 'GET', headers, body });
    const text = await res.body.text();
    const flat = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    return { status: res.statusCode, headers: flat, text, json: flat['content-type'] === 'application/json' ? JSON.parse(text) : undefined };
  };
}

/**
 * The simulator a test file shares (the test seed): started before its first
 * test, closed after its last. `sim()` is the running simulator, `call` a
 * REST client for it.
 */
export function sharedSimulator(): { sim: () => Simulator; call: ReturnType<typeof client> } {
  let running: Simulator | undefined;
  beforeAll(async () => {
    running = await startSimulator();
  });
  afterAll(() => running?.close());
  const sim = (): Simulator => {
    if (!running) throw new Error('the shared simulator starts in beforeAll: use it inside a test');
    return running;
  };
  return { sim, call: client({ get url() { return sim().url; } }) };
}
