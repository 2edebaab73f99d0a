import type { IncomingHttpHeaders } from 'node:http';
import type { SeedUser } from './seed.js';
import type { SimState } from './state.js';

/** One authenticated API request, as a route handler sees it. */
export interface ApiRequest {
  method: string;
  /** Path below /api/v4, still URL-encoded, e.g. `/projects/g%2Fp/cluster_agents`. */
  path: string;
  /** The raw query string, without `?`. */
  search: string;
  /** Route params, URL-decoded (`g%2Fp` → `g/p`), as Grape hands them over. */
  route: Record<string, string>;
  /** Query and body params merged, the body winning, as Rack merges them for Grape. */
  input: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  user: SeedUser;
  state: SimState;
  /** The GitLab URL that Link and Location headers name. */
  publicUrl: string;
}
