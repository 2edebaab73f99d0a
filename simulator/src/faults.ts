export type FaultKind = '500' | '502' | '503' | '504' | '429' | 'reset' | 'slow-body' | 'hang';

export interface FaultFilter {
  method?: string;
  route?: string;
}

export interface FaultConfig {
  /** Probability (0..1) that a matching request fails. */
  rate: number;
  kinds: FaultKind[];
  methods?: string[];
  routes?: string[];
  /** How long a `slow-body` waits between headers and body. */
  slowBodyMs?: number;
  /** Seed of the PRNG, so a faulty run can be repeated. */
  seed?: number;
}

/** mulberry32: a tiny seedable PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decides, request by request, which fault (if any) to inject. */
export class Faults {
  private config: FaultConfig | null = null;
  private random: () => number = prng(1);
  private queued: { kind: FaultKind; filter: FaultFilter; left: number }[] = [];

  set(config: FaultConfig | null): void {
    this.config = config;
    this.random = prng(config?.seed ?? 1);
  }

  failNext(count: number, kind: FaultKind, filter: FaultFilter = {}): void {
    if (count <= 0) this.queued = [];
    else this.queued.push({ kind, filter, left: count });
  }

  get slowBodyMs(): number {
    return this.config?.slowBodyMs ?? 1_000;
  }

  pick(method: string, route: string): FaultKind | undefined {
    const queued = this.queued.find((q) => (!q.filter.method || q.filter.method === method) && (!q.filter.route || q.filter.route === route));
    if (queued) {
      if (--queued.left === 0) this.queued.splice(this.queued.indexOf(queued), 1);
      return queued.kind;
    }
    const c = this.config;
    if (!c || c.kinds.length === 0) return undefined;
    if (c.methods && !c.methods.includes(method)) return undefined;
    if (c.routes && !c.routes.includes(route)) return undefined;
    if (this.random() >= c.rate) return undefined;
    return c.kinds[Math.floor(this.random() * c.kinds.length)];
  }
}
