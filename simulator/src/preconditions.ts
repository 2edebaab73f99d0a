import type { ApiRequest } from './context.js';
import { fail } from './responses.js';

/**
 * `destroy_conditionally!` → `check_unmodified_since!`: 412 when the record
 * changed after `If-Unmodified-Since`. Ruby compares the full-precision
 * `updated_at` with the whole-second header, so a record updated at
 * 10:00:00.500 fails a `10:00:00` precondition; an unparseable header, or a
 * record without a timestamp, skips the check.
 */
export function checkUnmodifiedSince(req: ApiRequest, updatedAt: string | undefined): void {
  const header = req.headers['if-unmodified-since'];
  if (typeof header !== 'string' || updatedAt === undefined) return;
  const since = Date.parse(header);
  if (!Number.isNaN(since) && Date.parse(updatedAt) > since) throw fail.preconditionFailed();
}
