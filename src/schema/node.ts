import type { FieldMap, ObjectRef } from '@pothos/core';
import type { GatewayContext } from '../context.js';
import { builder } from './builder.js';
import { decodeGlobalId, globalIdOf, idParts, parseGlobalId } from '../global-id.js';
import type { IdParts, NodeTypeName } from '../global-id.js';

type Types = typeof builder.$inferSchemaTypes;

/**
 * How the object's global ID is found. A model that carries it as its own
 * `id` (src/datasources/models.ts) needs nothing, and graphql-jit reads it
 * inline; any other gives the numbers, a promise only when one must be fetched.
 */
type IdOption<T, N extends NodeTypeName> = T extends { id: string }
  ? { id?: undefined }
  : { id: (value: T, context: GatewayContext) => IdParts<N> | Promise<IdParts<N>> };

type NodeObjectOptions<T, N extends NodeTypeName> = IdOption<T, N> & {
  description: string;
  /** The object from its global ID's numbers: what `node` and `nodes` resolve. */
  load: (id: IdParts<N>, context: GatewayContext) => Promise<T>;
  fields: (t: PothosSchemaTypes.ObjectFieldBuilder<Types, T>) => FieldMap;
  /** Makes the type a federation entity; by default keyed by `id` alone and resolved as `load` resolves it. */
  entity?: (ref: ObjectRef<Types, T>) => void;
};

const ID_DESCRIPTION = 'Opaque global ID.';

const loaders = new Map<NodeTypeName, (id: string, context: GatewayContext) => Promise<object>>();

/**
 * An object type implementing `Node`: its `id` field, its `isTypeOf` (every
 * value the datasources hand up carries its `kind`), how `node` loads it and
 * how federation resolves it, declared once. Pothos's `builder.node` declares
 * `id` through `t.globalID`, whose resolver is async, so every object with an
 * `id` completed through a promise: 13% of executing (b) and 38% of a
 * 100-agent page (docs/benchmarks.md). Here a promise is made only when the
 * ID's numbers must be fetched.
 */
export function nodeObject<T extends object, N extends NodeTypeName>(ref: ObjectRef<Types, T>, typename: N, options: NodeObjectOptions<T, N>): void {
  builder.objectType(ref, {
    description: options.description,
    interfaces: [builder.nodeInterfaceRef()],
    isTypeOf: (value) => (value as { kind?: unknown }).kind === typename,
    fields: (t) => {
      const idOf = options.id;
      return {
        id: idOf
          ? t.id({
              description: ID_DESCRIPTION,
              resolve: (value, _args, context) => {
                const parts = idOf(value, context);
                return parts instanceof Promise ? parts.then((resolved) => globalIdOf(typename, resolved)) : globalIdOf(typename, parts);
              },
            })
          : // IdOption lets only a T with a string `id` leave the option out, which TypeScript cannot see through the generic T.
            (t as unknown as PothosSchemaTypes.ObjectFieldBuilder<Types, { id: string }>).exposeID('id', { description: ID_DESCRIPTION }),
        ...options.fields(t),
      };
    },
  });
  loaders.set(typename, (id, context) => options.load(idParts(typename, id), context));
  const entity =
    options.entity ??
    ((entityRef: ObjectRef<Types, T>) =>
      builder.asEntity(entityRef, {
        key: builder.selection<{ id: string }>('id'),
        // Async, so that a malformed ID fails its own representation, not the whole `_entities` list.
        resolveReference: async ({ id }, context) => options.load(parseGlobalId(id, typename), context),
      }));
  entity(ref);
}

/**
 * Loads any object from its global ID. The ID itself says which REST call to
 * make, so a malformed one costs no call; async, so that it fails only its
 * own entry of `nodes`.
 */
export async function loadNode(globalId: string, context: GatewayContext): Promise<object> {
  const { typename, id } = decodeGlobalId(globalId);
  return loaders.get(typename)!(id, context);
}
