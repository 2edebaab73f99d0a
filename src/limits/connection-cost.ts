import { Kind, getNamedType, getNullableType, getOperationAST, isCompositeType, isInterfaceType, isListType, isObjectType, valueFromASTUntyped } from 'graphql';
import type { DocumentNode, FieldNode, FragmentDefinitionNode, GraphQLCompositeType, GraphQLField, GraphQLSchema, SelectionSetNode, ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { GatewayError } from '../errors.js';
import { DEFAULT_PAGE_SIZE, isConnectionField } from '../offset-pagination.js';

export interface CostLimits {
  maxCost: number;
  maxNodeIds: number;
}

/** Why a query is refused; `cost` is a lower bound, as the walk stops once past the limit. */
type Refusal = { limit: 'maxCost'; cost: number } | { limit: 'maxNodeIds'; ids: number };

/** A query's cost when within the limits, else why it is refused; whether a variable's value went into it. */
export type Measure = ({ cost: number; refusal?: undefined } | { cost?: undefined; refusal: Refusal }) & { readsVariables: boolean };

/** The one list argument with a limit of its own: each ID may cost a REST call and an error. */
const NODE_IDS = { field: 'nodes', argument: 'ids' };

class Stop {
  constructor(readonly refusal: Refusal) {}
}

/**
 * What a query may cost GitLab. Every field counts 1; a field that fans out
 * counts its own 1 plus its selection times its fan-out: a connection (as
 * the schema marks it) by its window, a field given a list argument
 * (`nodes(ids:)`, `_entities(representations:)`) by the list's length, which
 * is where a variable's list counts. So `agents(first: 100) { nodes {
 * tokens(first: 100) { … } } }` costs about 10,000, the objects it could
 * fetch, and no response holds more objects than its cost (introspection
 * aside, whose lists count 1 each).
 *
 * Time is linear in the document: the walk follows the schema's types, so a
 * fragment's cost does not depend on where it is spread and is computed once,
 * and the walk stops as soon as a part alone is past the limit (fan-outs are
 * at least 1, so the whole is then past it too).
 */
export function measureQuery(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  limits: CostLimits,
): Measure {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return { cost: 0, readsVariables: false };
  let readsVariables = false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const fragmentCosts = new Map<string, number>();
  const queryType = schema.getQueryType();

  const variable = (name: string): unknown => {
    readsVariables = true;
    if (variables[name] !== undefined) return variables[name];
    // The operation's own default applies when the caller sends none: `$n: Int = 100` is a window of 100.
    const fallback = operation.variableDefinitions?.find((definition) => definition.variable.name.value === name)?.defaultValue;
    return fallback ? valueFromASTUntyped(fallback) : undefined;
  };
  const intValue = (node: ValueNode): number | undefined => {
    const value = node.kind === Kind.VARIABLE ? variable(node.name.value) : node.kind === Kind.INT ? Number(node.value) : undefined;
    return typeof value === 'number' ? value : undefined;
  };
  // GraphQL takes a single value where a list is expected as a list of one.
  const listLength = (node: ValueNode): number => {
    const value = node.kind === Kind.VARIABLE ? variable(node.name.value) : node.kind === Kind.LIST ? node.values : node.kind === Kind.NULL ? null : node;
    return Array.isArray(value) ? value.length : value == null ? 0 : 1;
  };

  const fanOut = (field: GraphQLField<unknown, unknown>, node: FieldNode, parent: GraphQLCompositeType): number => {
    let fan = 1;
    if (isConnectionField(field)) {
      const sizes = (node.arguments ?? []).filter((arg) => arg.name.value === 'first' || arg.name.value === 'last').map((arg) => intValue(arg.value) ?? DEFAULT_PAGE_SIZE);
      fan = Math.max(fan, ...(sizes.length ? sizes : [DEFAULT_PAGE_SIZE]));
    }
    for (const arg of node.arguments ?? []) {
      const definition = field.args.find((a) => a.name === arg.name.value);
      if (!definition || !isListType(getNullableType(definition.type))) continue;
      const length = listLength(arg.value);
      if (parent === queryType && field.name === NODE_IDS.field && arg.name.value === NODE_IDS.argument && length > limits.maxNodeIds) {
        throw new Stop({ limit: 'maxNodeIds', ids: length });
      }
      fan = Math.max(fan, length);
    }
    return fan;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLCompositeType | undefined): number => {
    // Meta fields (__typename, __schema, __type) are not in getFields(): they count 1 each, without fan-out.
    const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[node.name.value] : undefined;
    if (!node.selectionSet) return 1;
    const child = field && getNamedType(field.type);
    const below = cost(node.selectionSet, child && isCompositeType(child) ? child : undefined);
    return 1 + (field && parent ? fanOut(field, node, parent) : 1) * below;
  };

  const fragmentCost = (name: string): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    // Validation has already refused fragment cycles; the 0 only keeps a cycle from recursing forever.
    fragmentCosts.set(name, 0);
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    const value = fragment ? cost(fragment.selectionSet, type && isCompositeType(type) ? type : undefined) : 0;
    fragmentCosts.set(name, value);
    return value;
  };

  const cost = (set: SelectionSetNode, type: GraphQLCompositeType | undefined): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += fieldCost(selection, type);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) total += fragmentCost(selection.name.value);
      else {
        const condition = selection.typeCondition && schema.getType(selection.typeCondition.name.value);
        total += cost(selection.selectionSet, condition && isCompositeType(condition) ? condition : type);
      }
      if (total > limits.maxCost) throw new Stop({ limit: 'maxCost', cost: total });
    }
    return total;
  };

  try {
    const root = schema.getRootType(operation.operation);
    return { cost: cost(operation.selectionSet, root ?? undefined), readsVariables };
  } catch (error) {
    if (error instanceof Stop) return { refusal: error.refusal, readsVariables };
    throw error;
  }
}

function refusalError(refusal: Refusal, limits: CostLimits): GatewayError {
  if (refusal.limit === 'maxNodeIds') {
    return new GatewayError('QUERY_TOO_COMPLEX', `nodes(ids:) takes at most ${limits.maxNodeIds} IDs, got ${refusal.ids}: ask in batches`, {
      limit: 'maxNodeIds',
      ids: refusal.ids,
      maxNodeIds: limits.maxNodeIds,
    });
  }
  return new GatewayError(
    'QUERY_TOO_COMPLEX',
    `Query cost limit of ${limits.maxCost} exceeded, found at least ${refusal.cost}: ask for smaller windows (first/last), fewer IDs or fewer nested connections`,
    { limit: 'maxCost', cost: refusal.cost, maxCost: limits.maxCost },
  );
}

/**
 * Refuses a query past the cost or node-ID limit, at execution time (when
 * variables are known) and before any resolver runs.
 */
export function connectionCostPlugin(limits: CostLimits): Plugin {
  // Verdicts no variable can change, by document and operation: yoga's parse cache hands every request
  // with the same text the same document, so a query sent again is not walked again (~20 µs a request
  // on the benchmark's VM). Per plugin, as a verdict depends on the limits.
  const fixedVerdicts = new WeakMap<DocumentNode, Map<string, Refusal | null>>();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const key = args.operationName ?? '';
      let byOperation = fixedVerdicts.get(args.document);
      let refusal = byOperation?.get(key);
      if (refusal === undefined) {
        const measured = measureQuery(args.schema, args.document, args.operationName, (args.variableValues ?? {}) as Record<string, unknown>, limits);
        refusal = measured.refusal ?? null;
        if (!measured.readsVariables) {
          if (!byOperation) fixedVerdicts.set(args.document, (byOperation = new Map()));
          byOperation.set(key, refusal);
        }
      }
      if (refusal) setResultAndStopExecution({ errors: [refusalError(refusal, limits)] });
    },
  };
}
