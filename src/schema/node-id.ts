import type { GatewayContext } from '../context.js';
import { encodeGlobalId } from './global-id.js';
import type { NodeTypeName } from './global-id.js';

type RawId = string | number;

/**
 * The resolver of a Node type's `id`: its global ID, encoded as it resolves.
 * Pothos's `builder.node` declares `id` through `t.globalID`, whose resolver
 * is async, so every object with an `id` completed through a promise: 13% of
 * executing (b) and 38% of a 100-agent page (docs/benchmarks.md). Here a
 * promise is made only when the raw id itself is one.
 */
export function nodeId<T>(typename: NodeTypeName, rawId: (value: T, context: GatewayContext) => RawId | Promise<RawId>) {
  return (value: T, _args: object, context: GatewayContext): string | Promise<string> => {
    const raw = rawId(value, context);
    return typeof raw === 'object' ? raw.then((id) => encodeGlobalId(typename, id)) : encodeGlobalId(typename, raw);
  };
}
