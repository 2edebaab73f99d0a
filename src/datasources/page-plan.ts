/** GitLab silently caps `per_page` at this. */
export const MAX_PER_PAGE = 100;

export interface PagePlan {
  perPage: number;
  /** 1-based page numbers, consecutive. */
  pages: number[];
}

/**
 * The offset pages that cover rows [start, end) in the fewest requests, and
 * among those the one that fetches the fewest rows it does not need. A window
 * need not align with GitLab's pages: rows 15..35 cost one call of 36 rows,
 * not two of 20.
 */
export function planPages(start: number, end: number): PagePlan {
  if (end <= start) return { perPage: 1, pages: [] };
  // Nearly every window is a first one: one page of exactly its rows, as the search below would find, without it.
  if (start === 0 && end <= MAX_PER_PAGE) return { perPage: end, pages: [1] };
  let best: { perPage: number; first: number; count: number } | undefined;
  for (let perPage = 1; perPage <= MAX_PER_PAGE; perPage++) {
    const first = Math.floor(start / perPage);
    const count = Math.floor((end - 1) / perPage) - first + 1;
    if (!best || count < best.count || (count === best.count && count * perPage < best.count * best.perPage)) {
      best = { perPage, first, count };
    }
  }
  const { perPage, first, count } = best!;
  return { perPage, pages: Array.from({ length: count }, (_, i) => first + i + 1) };
}
