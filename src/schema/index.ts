import { builder } from './builder.js';
import { answerEntitiesOneByOne } from './entities.js';
import './node.js';
import './project.js';
import './agent.js';
import './agent-token.js';
import './url-configuration.js';
import './user-error.js';
import './agent-mutations.js';
import './agent-token-mutations.js';
import './url-configuration-mutations.js';

/** The public schema, as printed to schema.graphql. */
export const schema = builder.toSchema({ sortSchema: false });

/** The same graph as a Federation 2 subgraph (`_service`, `_entities`, `@key`s): what /graphql serves. */
export const subgraphSchema = answerEntitiesOneByOne(
  builder.toSubGraphSchema({
    linkUrl: 'https://specs.apollo.dev/federation/v2.6',
    federationDirectives: ['@key', '@shareable'],
    sortSchema: false,
  }),
);
