import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import type { Plugin } from 'graphql-yoga';
import { connectionCostPlugin } from './connection-cost.js';
import { responseBudgetPlugin } from './response-budget.js';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** Cost ceiling, where a connection multiplies what it selects by its `first`/`last`, and a list argument by its length. */
  maxCost: number;
  /** IDs one `nodes(ids:)` may take, variables included. */
  maxNodeIds: number;
  /** The largest response execution may build, its JSON estimated as leaves resolve. */
  maxResponseBytes: number;
  /** Without introspection, "Did you mean …?" hints would leak the schema too. */
  introspection: boolean;
}

/**
 * Armor's rejections are plain GraphQL errors ("Syntax Error: Query depth
 * limit of 12 exceeded…"); this gives them the contract's code and, as every
 * other limit of the gateway does, the name of the setting that refused.
 */
const tooComplex =
  (limit: 'maxDepth' | 'maxAliases' | 'maxTokens' | 'maxDirectives'): GraphQLArmorRejectCallback =>
  (_ctx, error) => {
    Object.assign(error.extensions, { code: 'QUERY_TOO_COMPLEX', limit });
  };

/**
 * GraphQL Armor's limits, plus the connection-aware cost and node-ID limits it
 * does not have: all run before any resolver, so a rejected query costs no
 * REST call. Then the response budget, which holds during execution.
 */
export function queryLimitPlugins(limits: QueryLimits): Plugin[] {
  const common = { exposeLimits: true, propagateOnRejection: true };
  return [
    EnvelopArmorPlugin({
      maxDepth: { n: limits.maxDepth, ...common, onReject: [tooComplex('maxDepth')], ignoreIntrospection: true, flattenFragments: true },
      maxAliases: { n: limits.maxAliases, ...common, onReject: [tooComplex('maxAliases')], allowList: [] },
      maxTokens: { n: limits.maxTokens, ...common, onReject: [tooComplex('maxTokens')] },
      maxDirectives: { n: limits.maxDirectives, ...common, onReject: [tooComplex('maxDirectives')] },
      costLimit: { enabled: false },
      blockFieldSuggestion: { enabled: !limits.introspection },
    }) as Plugin,
    connectionCostPlugin(limits),
    responseBudgetPlugin(limits.maxResponseBytes),
  ];
}
