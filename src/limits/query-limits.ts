import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import type { Plugin } from 'graphql-yoga';
import { connectionCostPlugin } from './connection-cost.js';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** Cost ceiling, where a connection multiplies what it selects by its `first`/`last`. */
  maxCost: number;
  /** Without introspection, "Did you mean …?" hints would leak the schema too. */
  introspection: boolean;
}

/**
 * Armor's rejections are plain GraphQL errors ("Syntax Error: Query depth
 * limit of 12 exceeded…"); this gives them the contract's code.
 */
const markTooComplex: GraphQLArmorRejectCallback = (_ctx, error) => {
  Object.assign(error.extensions, { code: 'QUERY_TOO_COMPLEX' });
};

/** GraphQL Armor's limits, plus the connection-aware cost limit it does not have. All run before any resolver, so a rejected query costs no REST call. */
export function queryLimitPlugins(limits: QueryLimits): Plugin[] {
  const common = { exposeLimits: true, onReject: [markTooComplex], propagateOnRejection: true };
  return [
    EnvelopArmorPlugin({
      maxDepth: { n: limits.maxDepth, ...common, ignoreIntrospection: true, flattenFragments: true },
      maxAliases: { n: limits.maxAliases, ...common, allowList: [] },
      maxTokens: { n: limits.maxTokens, ...common },
      maxDirectives: { n: limits.maxDirectives, ...common },
      costLimit: { enabled: false },
      blockFieldSuggestion: { enabled: !limits.introspection },
    }) as Plugin,
    connectionCostPlugin(limits.maxCost),
  ];
}
