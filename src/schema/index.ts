import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import { answerEntitiesOneByOne } from './entities.js';
// In the order of schema.graphql: each module adds its types and fields as it is imported.
import './query.js';
import './agent-token.js';
import './url-configuration.js';
import './agent.js';
import './project.js';
import './agent-mutations.js';
import './agent-token-mutations.js';
import './url-configuration-mutations.js';

/**
 * GraphiQL's docs list a type's fields in its field map's order: the entry
 * points a reader looks for first, federation's `_entities` and `_service`
 * (which the subgraph builder puts first) last.
 */
const QUERY_FIELDS_FIRST = ['project', 'node', 'nodes'];
const QUERY_FIELDS_LAST = ['_entities', '_service'];

function orderQueryFields(schema: GraphQLSchema): GraphQLSchema {
  const fields = schema.getQueryType()?.getFields();
  if (!fields) return schema;
  const rest = Object.keys(fields).filter((name) => !QUERY_FIELDS_FIRST.includes(name) && !QUERY_FIELDS_LAST.includes(name));
  const ordered = [...QUERY_FIELDS_FIRST, ...rest, ...QUERY_FIELDS_LAST].filter((name) => name in fields).map((name) => [name, fields[name]!] as const);
  for (const [name] of ordered) delete fields[name];
  for (const [name, field] of ordered) fields[name] = field;
  return schema;
}

/** The public schema, as printed to schema.graphql. */
export const schema = builder.toSchema({ sortSchema: false });

/** The same graph as a Federation 2 subgraph (`_service`, `_entities`, `@key`s): what /graphql serves. */
export const subgraphSchema = orderQueryFields(
  answerEntitiesOneByOne(
    builder.toSubGraphSchema({
      linkUrl: 'https://specs.apollo.dev/federation/v2.6',
      federationDirectives: ['@key', '@shareable'],
      sortSchema: false,
    }),
  ),
);
