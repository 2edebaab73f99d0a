import { isObjectType } from 'graphql';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { badUserInput } from '../errors.js';

/** The fields of each `@key` of an entity type, as its key directives name them (`id`, `fullPath`). */
function keyFieldsOf(schema: GraphQLSchema): Map<string, string[][]> {
  const keys = new Map<string, string[][]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    const directives = (type.extensions as { directives?: { name: string; args: { fields?: string } }[] }).directives;
    const typeKeys = Array.isArray(directives) ? directives.filter((d) => d.name === 'key' && d.args.fields).map((d) => d.args.fields!.split(/\s+/)) : [];
    if (typeKeys.length > 0) keys.set(type.name, typeKeys);
  }
  return keys;
}

/**
 * What is wrong with one representation, or undefined: it must name an
 * entity type and carry every field of one of its keys, as a string (every
 * key here is an ID or a path).
 */
function problemOf(representation: unknown, keys: Map<string, string[][]>): string | undefined {
  if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) return 'a representation must be an object';
  const { __typename: typename, ...fields } = representation as Record<string, unknown>;
  const typeKeys = typeof typename === 'string' ? keys.get(typename) : undefined;
  if (!typeKeys) return `__typename must be one of ${[...keys.keys()].join(', ')}`;
  const given = typeKeys.find((key) => key.every((field) => field in fields));
  if (!given) return `a ${typename} representation needs ${typeKeys.map((key) => key.join(' and ')).join(' or ')}`;
  const notString = given.find((field) => typeof fields[field] !== 'string');
  return notString ? `${typename}.${notString} must be a string` : undefined;
}

/**
 * `_entities` answers each representation on its own: a malformed one is a
 * BAD_USER_INPUT error at its own index, and the others are resolved as
 * usual. @apollo/subgraph's resolver throws for the whole list on an unknown
 * `__typename`, and our resolveReference functions would meet a number where
 * they expect an ID.
 */
export function answerEntitiesOneByOne(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()._entities;
  if (!field?.resolve) return schema;
  const resolve = field.resolve as GraphQLFieldResolver<unknown, unknown, { representations: unknown[] }>;
  const keys = keyFieldsOf(schema);
  field.resolve = (source, args, context, info) => {
    const problems: (string | undefined)[] = args.representations.map((representation: unknown) => problemOf(representation, keys));
    if (problems.every((problem) => problem === undefined)) return resolve(source, args, context, info);
    const valid = args.representations.filter((_: unknown, i: number) => problems[i] === undefined);
    const resolved = valid.length > 0 ? (resolve(source, { representations: valid }, context, info) as unknown[]) : [];
    let next = 0;
    return problems.map((problem, i) => (problem === undefined ? resolved[next++] : badUserInput(`representations[${i}]: ${problem}`, { argument: 'representations', index: i })));
  };
  return schema;
}
