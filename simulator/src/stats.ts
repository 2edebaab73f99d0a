export interface RecordedRequest {
  method: string;
  /** e.g. `GET /projects/:id/cluster_agents`; `unmatched` for anything the catch-all answers. */
  route: string;
  /** Path and query below /api/v4, as sent (the full path when outside /api/v4). */
  path: string;
  /** The HTTP status, or what happened instead of an answer. */
  status: number | 'reset' | 'hang';
  /** The token the request carried, if any, valid or not. */
  token: string | undefined;
  /** X-Request-Id, when the caller sent one. */
  requestId: string | undefined;
  /** traceparent, when the caller sent one. */
  traceparent: string | undefined;
  /** tracestate, when the caller sent one. */
  tracestate: string | undefined;
  /** `1.1`, or `2.0` for HTTP/2 (over TLS, which ALPN chose). */
  httpVersion: string;
  /** Epoch ms when the request arrived and when it was answered (or given up). */
  startedAt: number;
  endedAt: number;
}

/** The log is capped so that a long benchmark cannot grow it without bound (the counters are not); the older half goes at once. */
const LOG_LIMIT = 20_000;

/** Request accounting, so tests can assert how many REST calls were made and how many were in flight at once. */
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
    if (now > (this.peak.get(route) ?? 0)) this.peak.set(route, now);
    this.inFlightAll++;
    if (this.inFlightAll > this.peakAll) this.peakAll = this.inFlightAll;
  }

  end(record: RecordedRequest): void {
    this.inFlight.set(record.route, (this.inFlight.get(record.route) ?? 1) - 1);
    this.inFlightAll--;
    if (this.requests.length >= LOG_LIMIT) this.requests.splice(0, LOG_LIMIT / 2);
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

  /** The peak of concurrent requests since the last reset, overall or on one route. */
  maxInFlight(route?: string): number {
    return route === undefined ? this.peakAll : (this.peak.get(route) ?? 0);
  }

  /** Forgets the log and the counters; requests still in flight stay counted as in flight. */
  reset(): void {
    this.requests.length = 0;
    this.perRoute.clear();
    this.peak.clear();
    this.all = 0;
    this.peakAll = this.inFlightAll;
    for (const [route, n] of this.inFlight) if (n > 0) this.peak.set(route, n);
  }
}
