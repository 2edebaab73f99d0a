import { isAbstractType } from 'graphql';
import type { GraphQLAbstractType, GraphQLResolveInfo } from 'graphql';
import { expect, test } from 'vitest';
import { subgraphSchema } from '../../src/schema/index.js';

/**
 * The response budget charges an object's resolver-less leaves only when its
 * type is known at once (src/limits/response-budget.ts): an abstract type
 * whose resolveType or isTypeOf answered with a promise would be charged
 * nothing. This holds the schema to types that are found synchronously.
 */
const abstractTypes = Object.values(subgraphSchema.getTypeMap()).filter((t): t is GraphQLAbstractType => isAbstractType(t) && !t.name.startsWith('__'));
const info = { schema: subgraphSchema } as GraphQLResolveInfo;

/** The object type graphql-js would give `value`, or what came instead of a name. */
function runtimeType(type: GraphQLAbstractType, value: unknown): unknown {
  if (type.resolveType) return type.resolveType(value, {}, info, type);
  const claims = subgraphSchema.getPossibleTypes(type).map((possible) => [possible.name, possible.isTypeOf?.(value, {}, info)] as const);
  const other = claims.find(([, claim]) => typeof claim !== 'boolean');
  if (other) return other[1];
  return claims.filter(([, claim]) => claim).map(([name]) => name);
}

test('the schema has the abstract types this test is about', () => {
  expect(abstractTypes.map((t) => t.name).sort()).toEqual(['Node', '_Entity']);
});

test.each(abstractTypes.flatMap((type) => subgraphSchema.getPossibleTypes(type).map((possible) => [type.name, possible.name, type] as const)))(
  '%s: a %s value is typed synchronously, and as that type only',
  (_abstract, typename, type) => {
    const found = runtimeType(type, { kind: typename });
    expect(found).toEqual(type.resolveType ? typename : [typename]);
  },
);
