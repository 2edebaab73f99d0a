import { isEnumType, isInputObjectType, isInterfaceType, isIntrospectionType, isObjectType, isSpecifiedScalarType, isUnionType } from 'graphql';
import type { GraphQLSchema } from 'graphql';

/** Federation's own types and fields, described by @apollo/subgraph or not at all, and not ours to describe. */
const FEDERATION = /^(_Any|_Entity|_Service|link__Import|link__Purpose|_entities|_service)$/;

/** Every schema element a reader of GraphiQL's docs would find without a description, as `Type`, `Type.field` or `Type.field(arg:)`. */
export function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const check = (name: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(name);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type) || FEDERATION.test(type.name)) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (FEDERATION.test(field.name)) continue;
        check(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name}:)`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    } else if (isUnionType(type)) {
      // a union has no members to describe beyond itself
    }
  }
  return missing;
}
