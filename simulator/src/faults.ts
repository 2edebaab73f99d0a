import { STATUS_CODES } from 'node:http';
import { prng } from './prng.js';
import { throttled } from './rate-limit.js';
import type { SimResponse } from './responses.js';

/**
 * What an injected fault does: answer with that status (`429` as
 * Rack::Attack would), `reset` the socket without an answer (over HTTP/2
 * only the request's stream, RST_STREAM, as a proxy cutting one request
 * does), send the
 * headers and hold the body back (`slow-body`), or never answer (`hang`).
 * The hostile ones, that a broken or malicious GitLab (or a proxy before it)
 * could send: a 200 whose body is `hugeBodyBytes` long, its length declared
 * (`huge-body`) or not (`huge-body-chunked`); the real answer sent one byte
 * every `dripMs` (`drip`); a 302 back to the same URL (`redirect-loop`); a 302
 * to the same path below `/api/v4evil` (`redirect-outside`), a prefix of the
 * API's path that is not inside it; the real answer in another shape, as a
 * proxy or another API could send it (`wrong-shape`: every `id` a string,
 * `X-Total` not a number).
 */
export type FaultKind =
  | '500'
  | '502'
  | '503'
  | '504'
  | '429'
  | 'reset'
  | 'slow-body'
  | 'hang'
  | 'huge-body'
  | 'huge-body-chunked'
  | 'drip'
  | 'redirect-loop'
  | 'redirect-outside'
  | 'wrong-shape';

/** How long or how large the faults that take a measure are. */
export interface FaultShape {
  /** How long `slow-body` holds the body back; 1000 ms by default. */
  slowBodyMs?: number;
  /** The body of `huge-body` and `huge-body-chunked`; 64 MiB by default. */
  hugeBodyBytes?: number;
  /** The gap between two bytes of a `drip` answer; 1000 ms by default. */
  dripMs?: number;
}

const DEFAULT_SHAPE: Required<FaultShape> = { slowBodyMs: 1_000, hugeBodyBytes: 64 * 1024 * 1024, dripMs: 1_000 };

/** A fault picked for one request, with its measures. */
export interface Fault {
  kind: FaultKind;
  shape: Required<FaultShape>;
}

/** Which requests a fault may hit: a method (`GET`) and/or a route template (`GET /projects/:id`). */
export interface FaultFilter {
  method?: string;
  route?: string;
}

/** Random faults; their shape also applies to `failNext` faults that bring none of their own. */
export interface FaultConfig extends FaultShape {
  /** Probability (0..1) that a matching request fails. */
  rate: number;
  /** Picked uniformly for each failing request. */
  kinds: FaultKind[];
  methods?: string[];
  routes?: string[];
  /** Seed of the PRNG, so that a faulty run can be repeated exactly. */
  seed?: number;
}

const matches = (filter: FaultFilter, method: string, route: string) =>
  (!filter.method || filter.method.toUpperCase() === method) && (!filter.route || filter.route === route);

/** Decides, request by request, which fault (if any) to inject: queued `failNext` faults first, then the random ones. */
export class Faults {
  private config: FaultConfig | null = null;
  private random = prng(1);
  private queued: { kind: FaultKind; filter: FaultFilter; shape: FaultShape; left: number }[] = [];

  set(config: FaultConfig | null): void {
    this.config = config;
    this.random = prng(config?.seed ?? 1);
  }

  /** The next `count` matching requests fail with `kind`, measured by `shape`; a count of 0 or less clears the queue. */
  failNext(count: number, kind: FaultKind, filter: FaultFilter = {}, shape: FaultShape = {}): void {
    if (count <= 0) this.queued = [];
    else this.queued.push({ kind, filter, shape, left: count });
  }

  pick(method: string, route: string): Fault | undefined {
    const queued = this.queued.find((q) => matches(q.filter, method, route));
    if (queued) {
      if (--queued.left === 0) this.queued.splice(this.queued.indexOf(queued), 1);
      return { kind: queued.kind, shape: this.shapeOf(queued.shape) };
    }
    const c = this.config;
    if (!c || c.kinds.length === 0) return undefined;
    if (c.methods && !c.methods.some((m) => m.toUpperCase() === method)) return undefined;
    if (c.routes && !c.routes.includes(route)) return undefined;
    if (this.random() >= c.rate) return undefined;
    return { kind: c.kinds[Math.floor(this.random() * c.kinds.length)]!, shape: this.shapeOf({}) };
  }

  private shapeOf(own: FaultShape): Required<FaultShape> {
    const c = this.config;
    return {
      slowBodyMs: own.slowBodyMs ?? c?.slowBodyMs ?? DEFAULT_SHAPE.slowBodyMs,
      hugeBodyBytes: own.hugeBodyBytes ?? c?.hugeBodyBytes ?? DEFAULT_SHAPE.hugeBodyBytes,
      dripMs: own.dripMs ?? c?.dripMs ?? DEFAULT_SHAPE.dripMs,
    };
  }
}

type StatusFaultKind = '500' | '502' | '503' | '504' | '429';
const STATUS_FAULTS: ReadonlySet<FaultKind> = new Set<StatusFaultKind>(['500', '502', '503', '504', '429']);

/** A fault answered with a status and a body of its own, instead of GitLab's answer. */
export function isStatusFault(fault: Fault | undefined): fault is Fault & { kind: StatusFaultKind } {
  return fault !== undefined && STATUS_FAULTS.has(fault.kind);
}

/** `wrong-shape`'s answer: `answer` with every `id` in its JSON a string, and its `X-Total`, if any, not a number. */
export function misshapen(answer: SimResponse): SimResponse {
  const body = answer.body === undefined ? undefined : (JSON.parse(JSON.stringify(answer.body, (key, value: unknown) => (key === 'id' && typeof value === 'number' ? String(value) : value))) as unknown);
  const headers = answer.headers && 'X-Total' in answer.headers ? { ...answer.headers, 'X-Total': 'many' } : answer.headers;
  return { ...answer, body, ...(headers ? { headers } : {}) };
}

/** The answer of a status fault: GitLab's JSON error body, or Rack::Attack's 429 asking for a retry in a second. */
export function faultResponse(kind: StatusFaultKind): SimResponse {
  if (kind === '429') return throttled('throttle_authenticated_api', 1, 2, 1_000);
  const status = Number(kind);
  return { status, body: { message: `${status} ${STATUS_CODES[status]}` } };
}
