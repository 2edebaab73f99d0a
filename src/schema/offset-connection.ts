import type { FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { badUserInput } from '../errors.js';
import { fetchTotal, fetchWindow } from '../datasources/offset-window.js';
import type { PageFetcher } from '../datasources/offset-window.js';
import { MAX_PER_PAGE } from '../datasources/page-plan.js';

/** A connection's size when the caller gives neither `first` nor `last`: GitLab's own default page. */
export const DEFAULT_PAGE_SIZE = 20;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface OffsetConnection<T> {
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

function checkSize(value: number | null | undefined, argument: string): void {
  if (value != null && (value < 0 || value > MAX_PER_PAGE)) {
    throw badUserInput(`${argument} must be between 0 and ${MAX_PER_PAGE}`, { argument });
  }
}

/** Whether the query asks for the rows themselves, or only for counts and cursors. */
function selectsRows(info: GraphQLResolveInfo): boolean {
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

/**
 * A Relay window over one of GitLab's offset-paginated lists. The window is
 * turned into rows [lower, upper) first; only then are GitLab pages chosen, so
 * a window costs the fewest calls whatever its alignment, and a query that
 * selects no rows costs a single one-row call for `X-Total`.
 */
export async function resolveOffsetConnection<T>(
  args: ConnectionArgs,
  info: GraphQLResolveInfo,
  fetchPage: PageFetcher<T>,
): Promise<OffsetConnection<T>> {
  checkSize(args.first, 'first');
  checkSize(args.last, 'last');
  let lower = args.after != null ? offsetOf(args.after, 'after') + 1 : 0;
  let upper = args.before != null ? offsetOf(args.before, 'before') : undefined;
  const first = args.first ?? (args.last == null ? DEFAULT_PAGE_SIZE : undefined);
  if (first !== undefined) upper = Math.min(upper ?? Infinity, lower + first);
  let total: number | null | undefined;
  if (args.last != null) {
    if (upper === undefined) {
      total = await fetchTotal(fetchPage);
      if (total === null) throw badUserInput('last without before cannot be used on a list of over 10,000 items', { argument: 'last' });
      upper = total;
    }
    lower = Math.max(lower, upper - args.last);
  }
  const end = Math.max(lower, upper!);

  if (!selectsRows(info)) {
    total ??= await fetchTotal(fetchPage);
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

  const window = await fetchWindow(fetchPage, lower, end);
  const edges = window.items.map((node, i) => new OffsetEdge(lower + i, node));
  return {
    edges,
    pageInfo: {
      hasPreviousPage: lower > 0,
      hasNextPage: window.hasMore,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: window.total ?? total ?? null,
  };
}
