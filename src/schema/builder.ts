import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import RelayPlugin from '@pothos/plugin-relay';
import type { GatewayContext } from '../context.js';
import { decodeGlobalId, encodeGlobalId } from '../global-id.js';

/** The builder holds no types: each lives in its own module under src/schema/. */
export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  Scalars: {
    ID: { Input: string; Output: string | number };
    DateTime: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
}>({
  plugins: [DirectivesPlugin, RelayPlugin, FederationPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Node ids are resolved by nodeObject (node.ts); these keep any t.globalID or t.arg.globalID on the same encoding.
    encodeGlobalID: encodeGlobalId,
    decodeGlobalID: decodeGlobalId,
    // node and nodes are src/schema/query.ts's own: one malformed ID must not fail the whole list.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    nodeTypeOptions: { description: 'An object with an opaque global ID, which `Query.node` resolves without knowing its type.' },
    idFieldOptions: { description: 'Opaque global ID: pass it to `node`, `nodes` or a mutation as it is.' },
    firstArgOptions: { description: 'The window: at most this many from the start (or after `after`); 0-100, 20 when neither `first` nor `last` is given.' },
    afterArgOptions: { description: 'A cursor this connection handed out: the window starts after it.' },
    lastArgOptions: { description: 'The window: at most this many from the end (or before `before`); 0-100.' },
    beforeArgOptions: { description: 'A cursor this connection handed out: the window ends before it.' },
    edgesFieldOptions: { nullable: { list: false, items: false }, description: 'The window\'s items, each with its cursor.' },
    nodesOnConnection: { description: 'The window\'s items, without cursors.' },
    pageInfoFieldOptions: { description: 'Where the window sits in the whole list.' },
    cursorFieldOptions: { description: 'Opaque position of this item: pass it as `after` or `before`.' },
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    hasNextPageFieldOptions: { description: 'Whether items follow the window.' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede the window.' },
    startCursorFieldOptions: { description: 'The first item\'s cursor; null for an empty window.' },
    endCursorFieldOptions: { description: 'The last item\'s cursor; null for an empty window.' },
    pageInfoTypeOptions: { description: 'Where a connection\'s window sits in the whole list.', shareable: true },
  },
});

builder.queryType({ description: 'Reads: every field forwards the caller\'s own GitLab token.' });
builder.mutationType({
  description: 'Writes: each is one REST call with the caller\'s own GitLab token. Input the caller can fix comes back in `errors`.',
});

builder.scalarType('DateTime', {
  // GitLab renders timestamps in the instance's `time_zone` (config/initializers/time_zone.rb), so the offset varies by instance.
  description:
    'An ISO-8601 timestamp exactly as GitLab sends it: in UTC (`2022-03-25T14:12:11.497Z`) or with the offset of the GitLab instance\'s time zone (`2022-03-25T15:12:11.497+01:00`). Compare them as instants, not as text.',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new TypeError('DateTime must be an ISO-8601 string');
    return value;
  },
});
