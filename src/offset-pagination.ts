import type { FragmentDefinitionNode, GraphQLField, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { badUserInput } from './errors.js';

/**
 * Relay connections over GitLab's offset pagination, both halves: the
 * schema's window (`first`/`after`/`last`/`before`) becomes rows [lower,
 * upper), and only then are GitLab pages chosen, so a window costs the
 * fewest calls whatever its alignment with GitLab's pages.
 */

/** GitLab silently caps `per_page` at this; it is also the widest window a connection takes. */
export const MAX_PER_PAGE = 100;

/** A connection's size when the caller gives neither `first` nor `last`: GitLab's own default page. */
export const DEFAULT_PAGE_SIZE = 20;

/** A connection field's `extensions`: how the cost limit tells a field that fans out by its window from any other. */
export const CONNECTION_EXTENSIONS = { offsetConnection: true } as const;

export function isConnectionField(field: GraphQLField<unknown, unknown>): boolean {
  return (field.extensions as { offsetConnection?: unknown }).offsetConnection === true;
}

/** One GitLab page: `page` and `per_page`. */
export interface PageRequest {
  page: number;
  perPage: number;
}

/** One page of an offset-paginated list. */
export interface Page<T> {
  items: T[];
  /** `X-Total`; null when GitLab leaves it out (over 10,000 rows). */
  total: number | null;
  page: number;
  perPage: number;
  hasNextPage: boolean;
}

type PageFetcher<T> = (page: PageRequest) => Promise<Page<T>>;

interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

interface OffsetConnection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number | null;
}

const CURSOR_PREFIX = 'offset:';

export function cursorFor(offset: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${offset}`).toString('base64url');
}

export function offsetOf(cursor: string, argument: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const offset = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset < 0 || cursorFor(offset) !== cursor) {
    throw badUserInput(`${argument} is not a cursor this connection handed out`, { argument });
  }
  return offset;
}

/** An edge whose cursor is encoded only when the query reads it: most ask for `nodes` alone. */
class OffsetEdge<T> {
  constructor(
    private readonly offset: number,
    readonly node: T,
  ) {}

  get cursor(): string {
    return cursorFor(this.offset);
  }
}

/** A window's pageInfo, its cursors encoded only when read: (b) selects neither in any of its 21 connections. */
class WindowPageInfo {
  readonly hasPreviousPage: boolean;

  constructor(
    private readonly lower: number,
    private readonly rows: number,
    readonly hasNextPage: boolean,
  ) {
    this.hasPreviousPage = lower > 0;
  }

  get startCursor(): string | null {
    return this.rows > 0 ? cursorFor(this.lower) : null;
  }

  get endCursor(): string | null {
    return this.rows > 0 ? cursorFor(this.lower + this.rows - 1) : null;
  }
}

function checkSize(value: number | null | undefined, argument: string): void {
  if (value != null && (value < 0 || value > MAX_PER_PAGE)) {
    throw badUserInput(`${argument} must be between 0 and ${MAX_PER_PAGE}`, { argument });
  }
}

/**
 * Whether the query asks for the rows themselves, or only for counts and
 * cursors: a verdict of the field's nodes in one document, so kept for them
 * (executors hand the same nodes to every object of a list).
 */
const rowsSelected = new WeakMap<GraphQLResolveInfo['fieldNodes'], boolean>();

function selectsRows(info: GraphQLResolveInfo): boolean {
  let verdict = rowsSelected.get(info.fieldNodes);
  if (verdict === undefined) rowsSelected.set(info.fieldNodes, (verdict = walkForRows(info)));
  return verdict;
}

function walkForRows(info: GraphQLResolveInfo): boolean {
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((sel) => {
      if (sel.kind === 'Field') return sel.name.value === 'edges' || sel.name.value === 'nodes';
      if (sel.kind === 'InlineFragment') return visit(sel.selectionSet);
      if (seen.has(sel.name.value)) return false;
      seen.add(sel.name.value);
      const fragment: FragmentDefinitionNode | undefined = info.fragments[sel.name.value];
      return visit(fragment?.selectionSet);
    });
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}

interface PagePlan {
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

/** The list's length from `X-Total`, at the price of one row. */
function fetchTotal<T>(fetchPage: PageFetcher<T>): Promise<number | null> {
  return fetchPage({ page: 1, perPage: 1 }).then((page) => page.total);
}

interface Window<T> {
  items: T[];
  total: number | null;
  /** Whether rows follow. */
  hasMore: boolean;
}

/**
 * Rows [start, end) of an offset-paginated list, its pages fetched in
 * parallel. A promise chain, not an async function, and a one-page window
 * (nearly every one) without Promise.all: each would cost every connection
 * a frame or an array, a promise and a reaction more (docs/benchmarks.md).
 */
function fetchWindow<T>(fetchPage: PageFetcher<T>, start: number, end: number): Promise<Window<T>> {
  const plan = planPages(start, end);
  if (plan.pages.length === 0) return fetchTotal(fetchPage).then((total) => ({ items: [], total, hasMore: total === null ? false : start < total }));
  if (plan.pages.length === 1) return fetchPage({ page: plan.pages[0]!, perPage: plan.perPage }).then((page) => windowOf([page], plan, start, end));
  return Promise.all(plan.pages.map((page) => fetchPage({ page, perPage: plan.perPage }))).then((pages) => windowOf(pages, plan, start, end));
}

function windowOf<T>(pages: Page<T>[], plan: PagePlan, start: number, end: number): Window<T> {
  const firstRow = (plan.pages[0]! - 1) * plan.perPage;
  // V8's flatMap copies even one array slowly (~4.5 µs for 20 rows).
  const rows = pages.length === 1 ? pages[0]!.items : pages.flatMap((p) => p.items);
  const last = pages[pages.length - 1]!;
  const total = last.total;
  const fetchedEnd = firstRow + rows.length;
  return {
    // A window of whole pages is the rows as they came: only read, never changed.
    items: start === firstRow && end >= fetchedEnd ? rows : rows.slice(start - firstRow, end - firstRow),
    total,
    hasMore: total !== null ? end < total : fetchedEnd > end || last.hasNextPage,
  };
}

/**
 * A Relay window over one of GitLab's offset-paginated lists. A query that
 * selects no rows costs a single one-row call for `X-Total`. A promise chain,
 * not an async function, for the reason fetchWindow gives; a bad argument
 * throws at once, which the executor reports as the field's error, as it does
 * a rejection.
 */
export function resolveOffsetConnection<T>(args: ConnectionArgs, info: GraphQLResolveInfo, fetchPage: PageFetcher<T>): Promise<OffsetConnection<T>> {
  checkSize(args.first, 'first');
  checkSize(args.last, 'last');
  const lower = args.after != null ? offsetOf(args.after, 'after') + 1 : 0;
  let upper = args.before != null ? offsetOf(args.before, 'before') : undefined;
  const first = args.first ?? (args.last == null ? DEFAULT_PAGE_SIZE : undefined);
  if (first !== undefined) upper = Math.min(upper ?? Infinity, lower + first);
  const { last } = args;
  if (last == null) return connectionOf(fetchPage, info, lower, upper!, undefined);
  if (upper !== undefined) return connectionOf(fetchPage, info, Math.max(lower, upper - last), upper, undefined);
  return fetchTotal(fetchPage).then((total) => {
    if (total === null) throw badUserInput('last without before cannot be used on a list of over 10,000 items', { argument: 'last' });
    return connectionOf(fetchPage, info, Math.max(lower, total - last), total, total);
  });
}

/** Rows [lower, upper) as a connection (none when upper <= lower); `total` is the list's length when already known. */
function connectionOf<T>(fetchPage: PageFetcher<T>, info: GraphQLResolveInfo, lower: number, upper: number, total: number | undefined): Promise<OffsetConnection<T>> {
  const end = Math.max(lower, upper);
  if (!selectsRows(info)) {
    if (total !== undefined) return Promise.resolve(countsOnly(lower, end, total));
    return fetchTotal(fetchPage).then((counted) => countsOnly(lower, end, counted));
  }
  return fetchWindow(fetchPage, lower, end).then((window) => ({
    edges: window.items.map((node, i) => new OffsetEdge(lower + i, node)),
    pageInfo: new WindowPageInfo(lower, window.items.length, window.hasMore),
    totalCount: window.total ?? total ?? null,
  }));
}

/** A connection without rows: its counts and cursors. */
function countsOnly<T>(lower: number, end: number, total: number | null): OffsetConnection<T> {
  const stop = total === null ? end : Math.min(end, total);
  return {
    edges: [],
    pageInfo: {
      hasPreviousPage: lower > 0,
      hasNextPage: total === null ? false : stop < total,
      startCursor: stop > lower ? cursorFor(lower) : null,
      endCursor: stop > lower ? cursorFor(stop - 1) : null,
    },
    totalCount: total,
  };
}
