import { STATUS_CODES } from 'node:http';
import { prng } from './prng.js';
import { throttled } from './rate-limit.js';
import type { SimResponse } from './responses.js';

/**
 * What an injected fault does: answer with that status (`429` as
 * Rack::Attack would), `reset` the socket without an answer, send the
 * headers and hold the body back (`slow-body`), or never answer (`hang`).
 */
export type FaultKind = '500' | '502' | '503' | '504' | '429' | 'reset' | 'slow-body' | 'hang';

/** Which requests a fault may hit: a method (`GET`) and/or a route template (`GET /projects/:id`). */
export interface FaultFilter {
  method?: string;
  route?: string;
}

export interface FaultConfig {
  /** Probability (0..1) that a matching request fails. */
  rate: number;
  /** Picked uniformly for each failing request. */
  kinds: FaultKind[];
  methods?: string[];
  routes?: string[];
  /** How long `slow-body` holds the body back (also for `failNext`); 1000 ms by default. */
  slowBodyMs?: number;
  /** Seed of the PRNG, so that a faulty run can be repeated exactly. */
  seed?: number;
}

const matches = (filter: FaultFilter, method: string, route: string) =>
  (!filter.method || filter.method.toUpperCase() === method) && (!filter.route || filter.route === route);

/** Decides, request by request, which fault (if any) to inject: queued `failNext` faults first, then the random ones. */
export class Faults {
  private config: FaultConfig | null = null;
  private random = prng(1);
  private queued: { kind: FaultKind; filter: FaultFilter; left: number }[] = [];

  set(config: FaultConfig | null): void {
    this.config = config;
    this.random = prng(config?.seed ?? 1);
  }

  /** The next `count` matching requests fail with `kind`; a count of 0 or less clears the queue. */
  failNext(count: number, kind: FaultKind, filter: FaultFilter = {}): void {
    if (count <= 0) this.queued = [];
    else this.queued.push({ kind, filter, left: count });
  }

  get slowBodyMs(): number {
    return this.config?.slowBodyMs ?? 1_000;
  }

  pick(method: string, route: string): FaultKind | undefined {
    const queued = this.queued.find((q) => matches(q.filter, method, route));
    if (queued) {
      if (--queued.left === 0) this.queued.splice(this.queued.indexOf(queued), 1);
      return queued.kind;
    }
    const c = this.config;
    if (!c || c.kinds.length === 0) return undefined;
    if (c.methods && !c.methods.some((m) => m.toUpperCase() === method)) return undefined;
    if (c.routes && !c.routes.includes(route)) return undefined;
    if (this.random() >= c.rate) return undefined;
    return c.kinds[Math.floor(this.random() * c.kinds.length)];
  }
}

/** The answer of a status fault: GitLab's JSON error body, or Rack::Attack's 429 asking for a retry in a second. */
export function faultResponse(kind: '500' | '502' | '503' | '504' | '429'): SimResponse {
  if (kind === '429') return throttled('throttle_authenticated_api', 1, 2, 1_000);
  const status = Number(kind);
  return { status, body: { message: `${status} ${STATUS_CODES[status]}` } };
}
