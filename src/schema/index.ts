import { builder } from './builder.js';
import './project.js';
import './agent.js';
import './agent-token.js';
import './url-configuration.js';
import './user-error.js';
import './agent-mutations.js';
import './agent-token-mutations.js';
import './url-configuration-mutations.js';

/** The public schema (no federation types), as printed to schema.graphql. */
export const schema = builder.toSchema({ sortSchema: false });
