import type { SimResponse } from './responses.js';

export interface RateLimitConfig {
  /** Requests allowed per caller in each window. */
  limit: number;
  /** Window length; Rack::Attack counts in fixed windows aligned to the epoch. */
  windowMs: number;
}

/** Rack::Attack's throttled answer with GitLab's headers (lib/gitlab/rack_attack.rb `throttled_response_headers`). */
export function throttled(name: string, limit: number, observed: number, windowMs: number, now = Date.now()): SimResponse {
  const resetAt = (Math.floor(now / windowMs) + 1) * windowMs;
  const resetSeconds = Math.ceil(resetAt / 1000);
  return {
    status: 429,
    text: 'Retry later\n',
    contentType: 'text/plain',
    headers: {
      'RateLimit-Name': name,
      // Normalised to a 60 s window, as GitLab reports it.
      'RateLimit-Limit': String(Math.ceil((limit * 60_000) / windowMs)),
      'RateLimit-Observed': String(observed),
      'RateLimit-Remaining': String(Math.max(limit - observed, 0)),
      'RateLimit-Reset': String(resetSeconds),
      'RateLimit-ResetTime': new Date(resetSeconds * 1000).toUTCString(),
      'Retry-After': String(Math.max(1, Math.ceil((resetAt - now) / 1000))),
    },
  };
}

/**
 * A Rack::Attack throttle in front of the whole API: signed-in callers are
 * counted per user (`throttle_authenticated_api`), anyone else per address
 * (`throttle_unauthenticated_api`), before routing and authentication.
 */
export class RateLimiter {
  private readonly counts = new Map<string, number>();
  private window = -1;

  constructor(private readonly config: RateLimitConfig) {}

  check(caller: { userId: number } | { address: string }): SimResponse | undefined {
    const now = Date.now();
    const window = Math.floor(now / this.config.windowMs);
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
    const key = 'userId' in caller ? `user:${caller.userId}` : `ip:${caller.address}`;
    const observed = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, observed);
    if (observed <= this.config.limit) return undefined;
    return throttled('userId' in caller ? 'throttle_authenticated_api' : 'throttle_unauthenticated_api', this.config.limit, observed, this.config.windowMs, now);
  }
}
