import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import RelayPlugin from '@pothos/plugin-relay';
import type { GatewayContext } from '../context.js';
import { decodeGlobalId, encodeGlobalId } from './global-id.js';

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
    nodesOnConnection: true,
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
    // Node ids are resolved by nodeId (node-id.ts); these keep any t.globalID or t.arg.globalID on the same encoding.
    encodeGlobalID: encodeGlobalId,
    decodeGlobalID: decodeGlobalId,
    // node and nodes are src/schema/node.ts's own: one malformed ID must not fail the whole list.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    nodeTypeOptions: { description: 'An object with an opaque global ID, which `Query.node` resolves without knowing its type.' },
    pageInfoTypeOptions: { description: 'Where a connection\'s window sits in the whole list.', shareable: true },
  },
});

builder.queryType({ description: 'Reads: every field forwards the caller\'s own GitLab token.' });
builder.mutationType({
  description: 'Writes: each is one REST call with the caller\'s own GitLab token. Input the caller can fix comes back in `errors`.',
});

builder.scalarType('DateTime', {
  description: 'An ISO-8601 timestamp in UTC, exactly as GitLab sends it (e.g. `2022-03-25T14:12:11.497Z`).',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new TypeError('DateTime must be an ISO-8601 string');
    return value;
  },
});
