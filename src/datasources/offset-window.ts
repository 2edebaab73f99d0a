import type { Page } from './models.js';
import type { PageRequest } from './gitlab-api.js';
import { planPages } from './page-plan.js';

export type PageFetcher<T> = (page: PageRequest) => Promise<Page<T>>;

export interface Window<T> {
  items: T[];
  total: number | null;
  /** Whether rows exist after the window. */
  hasMore: boolean;
}

/** Rows [start, end) of an offset-paginated list, its pages fetched in parallel. */
export async function fetchWindow<T>(fetchPage: PageFetcher<T>, start: number, end: number): Promise<Window<T>> {
  const plan = planPages(start, end);
  if (plan.pages.length === 0) {
    const total = await fetchTotal(fetchPage);
    return { items: [], total, hasMore: total === null ? false : start < total };
  }
  const pages = await Promise.all(plan.pages.map((page) => fetchPage({ page, perPage: plan.perPage })));
  const firstRow = (plan.pages[0]! - 1) * plan.perPage;
  // Nearly every window is one page, and V8's flatMap copies even one array slowly (~4.5 µs for 20 rows).
  const rows = pages.length === 1 ? pages[0]!.items : pages.flatMap((p) => p.items);
  const last = pages[pages.length - 1]!;
  const total = last.total;
  const fetchedEnd = firstRow + rows.length;
  return {
    items: rows.slice(start - firstRow, end - firstRow),
    total,
    hasMore: total !== null ? end < total : fetchedEnd > end || last.hasNextPage,
  };
}

/** The list's length from `X-Total`, at the price of one row. */
export async function fetchTotal<T>(fetchPage: PageFetcher<T>): Promise<number | null> {
  return (await fetchPage({ page: 1, perPage: 1 })).total;
}
