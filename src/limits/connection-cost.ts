import { Kind, getOperationAST } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, SelectionSetNode, ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { GatewayError } from '../errors.js';
import { DEFAULT_PAGE_SIZE } from '../schema/offset-connection.js';

/**
 * What a query may cost GitLab. Every field counts 1; a connection field
 * (one with `first` or `last`) counts its own 1 plus its selection times the
 * window size, so `agents(first: 100) { nodes { tokens(first: 100) { … } } }`
 * costs about 10,000, the number of objects it could fetch. Computed at
 * execution time, when variables are known, and before any resolver runs.
 */
function queryCost(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>): { cost: number; readsVariables: boolean } {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return { cost: 0, readsVariables: false };
  let readsVariables = false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

  const intValue = (node: ValueNode): number | undefined => {
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.VARIABLE) {
      readsVariables = true;
      const value = variables[node.name.value];
      return typeof value === 'number' ? value : undefined;
    }
    return undefined;
  };

  const cost = (set: SelectionSetNode | undefined, visiting: Set<string>): number => {
    let total = 0;
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.INLINE_FRAGMENT) total += cost(selection.selectionSet, visiting);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        if (visiting.has(name)) continue;
        total += cost(fragments.get(name)?.selectionSet, new Set(visiting).add(name));
      } else {
        const size = selection.arguments?.filter((arg) => arg.name.value === 'first' || arg.name.value === 'last').map((arg) => intValue(arg.value));
        const isConnection = selection.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && ['edges', 'nodes', 'pageInfo', 'totalCount'].includes(s.name.value));
        const multiplier = size?.length ? Math.max(...size.map((n) => n ?? DEFAULT_PAGE_SIZE)) : isConnection ? DEFAULT_PAGE_SIZE : 1;
        total += 1 + Math.max(1, multiplier) * cost(selection.selectionSet, visiting);
      }
    }
    return total;
  };
  return { cost: cost(operation.selectionSet, new Set()), readsVariables };
}

/**
 * Costs that no variable can change, by document and operation: yoga's parse
 * cache hands every request with the same text the same document, so a query
 * sent again is not walked again (~20 µs a request on the benchmark's VM).
 */
const fixedCosts = new WeakMap<DocumentNode, Map<string, number>>();

function cachedQueryCost(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>): number {
  const key = operationName ?? '';
  let byOperation = fixedCosts.get(document);
  const known = byOperation?.get(key);
  if (known !== undefined) return known;
  const { cost, readsVariables } = queryCost(document, operationName, variables);
  if (!readsVariables) {
    if (!byOperation) fixedCosts.set(document, (byOperation = new Map()));
    byOperation.set(key, cost);
  }
  return cost;
}

export function connectionCostPlugin(maxCost: number): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const cost = cachedQueryCost(args.document, args.operationName, (args.variableValues ?? {}) as Record<string, unknown>);
      if (cost > maxCost) {
        setResultAndStopExecution({
          errors: [new GatewayError('QUERY_TOO_COMPLEX', `Query cost limit of ${maxCost} exceeded, found ${cost}: ask for smaller windows (first/last) or fewer nested connections`, { limit: 'maxCost', cost, maxCost })],
        });
      }
    },
  };
}
