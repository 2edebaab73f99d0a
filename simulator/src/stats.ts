export interface RecordedRequest {
  method: string;
  /** e.g. `GET /projects/:id/cluster_agents`; `unmatched` for the catch-all. */
  route: string;
  /** Path and query below /api/v4, as sent. */
  path: string;
  status: number | 'reset' | 'hang';
  /** The token the request carried, if any. */
  token: string | undefined;
  /** X-Request-Id, when the caller sent one. */
  requestId: string | undefined;
  /** traceparent, when the caller sent one. */
  traceparent: string | undefined;
  startedAt: number;
  endedAt: number;
}

/** The log is capped so that a long benchmark cannot grow it without bound; the counters are not. */
const LOG_LIMIT = 20_000;

/** Request accounting, so tests can assert how many REST calls a query made and how many were in flight at once. */
export class Stats {
  readonly requests: RecordedRequest[] = [];
  private readonly perRoute = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private readonly peak = new Map<string, number>();
  private all = 0;
  private inFlightAll = 0;
  private peakAll = 0;

  begin(route: string): void {
    this.all++;
    this.perRoute.set(route, (this.perRoute.get(route) ?? 0) + 1);
    const now = (this.inFlight.get(route) ?? 0) + 1;
    this.inFlight.set(route, now);
    this.peak.set(route, Math.max(this.peak.get(route) ?? 0, now));
    this.inFlightAll++;
    this.peakAll = Math.max(this.peakAll, this.inFlightAll);
  }

  end(record: RecordedRequest): void {
    this.inFlight.set(record.route, (this.inFlight.get(record.route) ?? 1) - 1);
    this.inFlightAll--;
    if (this.requests.length >= LOG_LIMIT) this.requests.shift();
    this.requests.push(record);
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.perRoute);
  }

  count(route: string): number {
    return this.perRoute.get(route) ?? 0;
  }

  total(): number {
    return this.all;
  }

  maxInFlight(route?: string): number {
    return route === undefined ? this.peakAll : (this.peak.get(route) ?? 0);
  }

  reset(): void {
    this.requests.length = 0;
    this.perRoute.clear();
    this.peak.clear();
    this.all = 0;
    this.peakAll = this.inFlightAll;
    for (const [route, n] of this.inFlight) if (n > 0) this.peak.set(route, n);
  }
}
