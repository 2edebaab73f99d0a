import type { FieldMap, ObjectRef } from '@pothos/core';
import type { GatewayContext } from '../context.js';
import { builder } from './builder.js';
import { decodeGlobalId, globalIdOf, idParts, parseGlobalId } from '../global-id.js';
import type { IdParts, NodeTypeName } from '../global-id.js';

type Types = typeof builder.$inferSchemaTypes;

interface NodeObjectOptions<T, N extends NodeTypeName> {
  description: string;
  /**
   * The numbers of the object's global ID; a promise only when one must be
   * fetched. Absent for a model that carries its global ID as its own `id`
   * (src/datasources/models.ts), which graphql-jit then reads inline.
   */
  id?: (value: T, context: GatewayContext) => IdParts<N> | Promise<IdParts<N>>;
  /** The object from its global ID's numbers: what `node` and `nodes` resolve. */
  load: (id: IdParts<N>, context: GatewayContext) => Promise<T>;
  fields: (t: PothosSchemaTypes.ObjectFieldBuilder<Types, T>) => FieldMap;
  /** Makes the type a federation entity; by default keyed by `id` alone and resolved as `load` resolves it. */
  entity?: (ref: ObjectRef<Types, T>) => void;
}

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
          : // T is generic here: the models that leave out `id` are the ones that carry it.
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
