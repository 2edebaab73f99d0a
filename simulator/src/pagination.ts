import type { ApiRequest } from './context.js';
import type { Params } from './params.js';

const DEFAULT_PER_PAGE = 20;
/** Kaminari's max_per_page in GitLab (config/initializers/kaminari_config.rb). */
const MAX_PER_PAGE = 100;
/** Above this many rows GitLab stops counting (`total_count_with_limit`) and drops the totals. */
const COUNT_LIMIT = 10_000;

export interface PageParams {
  page: number;
  /** The effective page size (capped, defaulted), which Link URLs carry too (offset_header_builder.rb in master). */
  perPage: number;
}

/**
 * `use :pagination` (lib/api/pagination_params.rb) and Kaminari's reading of
 * it. Only `per_page=0` is refused: `verify_pagination_params!` is not called
 * on these routes, so a page below 1 is page 1 and a negative per_page is the
 * default.
 */
export function pageParams(params: Params): PageParams {
  const page = params.optionalInteger('page', 1);
  const requestedPerPage = params.optionalInteger('per_page', DEFAULT_PER_PAGE);
  // Grape's `except_values: [0]`.
  if (requestedPerPage === 0) params.reject('per_page', 'has a value not allowed');
  return {
    page: Math.max(page, 1),
    perPage: requestedPerPage < 0 ? DEFAULT_PER_PAGE : Math.min(requestedPerPage, MAX_PER_PAGE),
  };
}

/** Ruby's CGI.escape: only `a-zA-Z0-9_.-~` stay, a space becomes `+`. */
function cgiEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Rails' Hash#to_query: the escaped `key=value` pairs, sorted. */
function toQuery(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([key, value]) => `${cgiEscape(key)}=${cgiEscape(value === null || value === undefined ? '' : String(value))}`)
    .sort()
    .join('&');
}

/**
 * One page of `rows` with GitLab's headers (lib/gitlab/pagination/offset_pagination.rb,
 * offset_header_builder.rb). Link URLs carry every Grape param: the query's,
 * and the route's (`id`, `agent_id`), which the caller passes coerced.
 */
export function paginate<T>(req: ApiRequest, rows: T[], params: PageParams, routeParams: Record<string, string | number>): { items: T[]; headers: Record<string, string> } {
  const { page, perPage } = params;
  const total = rows.length;
  const counted = total <= COUNT_LIMIT;
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const start = (page - 1) * perPage;
  const items = rows.slice(start, start + perPage);
  // Kaminari's out_of_range? page has neither a next nor a previous page.
  const outOfRange = start >= total && page > 1;
  const next = !outOfRange && start + perPage < total ? page + 1 : undefined;
  const prev = !outOfRange && page > 1 ? page - 1 : undefined;
  const base = `${req.publicUrl}/api/v4${req.path}`;
  const link = (n: number, rel: string) => `<${base}?${toQuery({ ...req.input, ...routeParams, page: n, per_page: perPage })}>; rel="${rel}"`;
  const links = [prev && link(prev, 'prev'), next && link(next, 'next'), link(1, 'first'), counted && link(totalPages, 'last')].filter(Boolean);
  return {
    items,
    headers: {
      'X-Per-Page': String(perPage),
      'X-Page': String(page),
      'X-Next-Page': next ? String(next) : '',
      'X-Prev-Page': prev ? String(prev) : '',
      Link: links.join(', '),
      ...(counted ? { 'X-Total': String(total), 'X-Total-Pages': String(totalPages) } : {}),
    },
  };
}
