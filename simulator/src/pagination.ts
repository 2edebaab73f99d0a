import { fail } from './responses.js';

/** Kaminari's max_per_page in GitLab. */
const MAX_PER_PAGE = 100;
/** Above this many rows GitLab stops counting (`total_count_with_limit`). */
const COUNT_LIMIT = 10_000;

export interface PageParams {
  page: number;
  perPage: number;
  /** `params[:per_page]` as Grape coerced it: what Link URLs carry. */
  requestedPerPage: number;
}

/** Grape's coercion of `page` and `per_page` (lib/api/pagination_params.rb); errors are collected, as Grape does. */
export function pageParams(query: URLSearchParams): PageParams {
  const problems: string[] = [];
  const integer = (name: string, fallback: number): number => {
    const raw = query.get(name);
    if (raw === null || raw === '') return fallback;
    if (!/^[-+]?\d+$/.test(raw.trim())) {
      problems.push(`${name} is invalid`);
      return fallback;
    }
    return Number(raw);
  };
  const page = integer('page', 1);
  const requestedPerPage = integer('per_page', 20);
  if (requestedPerPage === 0 && problems.length === 0) problems.push('per_page does not have a valid value');
  if (problems.length > 0) throw fail.param(problems);
  return {
    page: page < 1 ? 1 : page,
    perPage: requestedPerPage < 1 ? 20 : Math.min(requestedPerPage, MAX_PER_PAGE),
    requestedPerPage,
  };
}

/** Rails' `to_query`: keys sorted, CGI-escaped. */
function toQuery(params: Record<string, string | number>): string {
  return Object.keys(params)
    .sort()
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(String(params[key])).replace(/%20/g, '+')}`)
    .join('&');
}

/**
 * One page of `rows` with GitLab's offset-pagination headers
 * (lib/gitlab/pagination/offset_header_builder.rb). `linkParams` are every
 * Grape param of the route, route params (`id`, `agent_id`) included.
 */
export function paginate<T>(rows: T[], params: PageParams, linkBase: string, linkParams: Record<string, string | number>): { items: T[]; headers: Record<string, string> } {
  const { page, perPage } = params;
  const total = rows.length;
  const counted = total <= COUNT_LIMIT;
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const start = (page - 1) * perPage;
  const items = rows.slice(start, start + perPage);
  const outOfRange = page > totalPages;
  const next = !outOfRange && page < totalPages ? page + 1 : null;
  const prev = !outOfRange && page > 1 ? page - 1 : null;
  const link = (n: number, rel: string) => `<${linkBase}?${toQuery({ ...linkParams, page: n, per_page: params.requestedPerPage })}>; rel="${rel}"`;
  const links = [
    ...(prev ? [link(prev, 'prev')] : []),
    ...(next ? [link(next, 'next')] : []),
    link(1, 'first'),
    ...(counted ? [link(totalPages, 'last')] : []),
  ];
  const headers: Record<string, string> = {
    'x-per-page': String(perPage),
    'x-page': String(page),
    'x-next-page': next ? String(next) : '',
    'x-prev-page': prev ? String(prev) : '',
    link: links.join(', '),
  };
  if (counted) {
    headers['x-total'] = String(total);
    headers['x-total-pages'] = String(totalPages);
  }
  return { items, headers };
}
