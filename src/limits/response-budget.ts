import { Kind, getNamedType, isAbstractType, isLeafType, isObjectType, visit } from 'graphql';
import { collectSubfields } from 'graphql/execution/collectFields.js';
import type {
  ASTVisitor,
  FieldNode,
  GraphQLField,
  GraphQLFieldResolver,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLResolveInfo,
  GraphQLSchema,
  OperationDefinitionNode,
} from 'graphql';
import { isPromise } from 'graphql-yoga';
import type { Plugin } from 'graphql-yoga';
import { GatewayError } from '../errors.js';

/** A response key's quotes, colon and comma. */
const KEY_OVERHEAD = 4;

/** The JSON size of a leaf value, estimated: a string's length, as escapes are rare in what GitLab sends. */
function jsonSize(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (Array.isArray(value)) {
    let size = 2;
    for (let i = 0; i < value.length; i++) size += jsonSize(value[i]) + 1;
    return size;
  }
  return 8;
}

/**
 * One request's allowance of response bytes. A request may be executed twice
 * (graphql-jit, then graphql-js when jit's result had an error:
 * src/execution/compiled-execution.ts), and each execution builds a response
 * of its own: each coerces the variables into a new object, so a new object
 * in `info.variableValues` starts a new allowance.
 */
class ResponseBudget {
  private left: number;
  private execution: unknown;
  /** Set once spent: every later field of the same execution throws this one error. */
  error: GatewayError | undefined;
  /**
   * Selection plans of an operation whose @skip/@include read variables:
   * both executions of a request coerce the same variables, so they share these.
   */
  readonly plans: PlanCache = new WeakMap();

  constructor(private readonly maxBytes: number) {
    this.left = maxBytes;
  }

  private enter(info: GraphQLResolveInfo): void {
    if (info.variableValues === this.execution) return;
    this.execution = info.variableValues;
    this.left = this.maxBytes;
    this.error = undefined;
  }

  /** Before a field that may call GitLab: once spent, nothing more is fetched. */
  check(info: GraphQLResolveInfo): void {
    this.enter(info);
    if (this.error) throw this.error;
  }

  spend(bytes: number, info: GraphQLResolveInfo): void {
    this.check(info);
    this.left -= bytes;
    if (this.left < 0) {
      this.error = new GatewayError('QUERY_TOO_COMPLEX', `Response size limit of ${this.maxBytes} bytes exceeded: ask for fewer objects or fields`, {
        limit: 'maxResponseBytes',
        maxResponseBytes: this.maxBytes,
      });
      throw this.error;
    }
  }
}

const keyBytes = (responseKey: string): number => responseKey.length + KEY_OVERHEAD;

/** What one object selects that no resolver of its own charges: its resolver-less fields, by response key. */
interface SelectionPlan {
  leaves: { fieldName: string; keyBytes: number }[];
  composites: { fieldName: string; type: GraphQLNamedType; fieldNodes: readonly FieldNode[] }[];
}

/**
 * Whether a @skip or @include in the operation reads a variable: then which
 * fields an object selects may change from one execution to the next.
 */
const operationsReadingVariables = new WeakMap<OperationDefinitionNode, boolean>();

function readsVariables(info: GraphQLResolveInfo): boolean {
  let reads = operationsReadingVariables.get(info.operation);
  if (reads === undefined) {
    reads = false;
    const readsVariable: ASTVisitor = {
      Directive(directive) {
        if (directive.arguments?.some((argument) => argument.value.kind === Kind.VARIABLE)) reads = true;
      },
    };
    visit(info.operation, readsVariable);
    for (const fragment of Object.values(info.fragments)) visit(fragment, readsVariable);
    operationsReadingVariables.set(info.operation, reads);
  }
  return reads;
}

/**
 * `__typename` and the fields with resolvers of their own are left out: those
 * are wrapped, and charge or check themselves when they run.
 */
function planSelection(fieldNodes: readonly FieldNode[], type: GraphQLObjectType, info: GraphQLResolveInfo): SelectionPlan {
  const fields = type.getFields();
  const plan: SelectionPlan = { leaves: [], composites: [] };
  for (const [key, nodes] of collectSubfields(info.schema, info.fragments, info.variableValues, type, fieldNodes)) {
    const field = fields[nodes[0]!.name.value];
    if (!field || field.resolve) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) plan.leaves.push({ fieldName: field.name, keyBytes: keyBytes(key) });
    else plan.composites.push({ fieldName: field.name, type: named, fieldNodes: nodes });
  }
  return plan;
}

interface CachedPlan {
  fieldNodes: readonly FieldNode[];
  type: GraphQLObjectType;
  plan: SelectionPlan;
}

type PlanCache = WeakMap<FieldNode, CachedPlan[]>;

/**
 * Plans by their first field node. Field nodes belong to a parsed document,
 * which clients send: an entry lives only as long as yoga's parse cache or a
 * compiled plan holds its document, so the bounds of those bound this cache.
 * graphql-jit passes the same `fieldNodes` on every execution, graphql-js a
 * new array of the same nodes: entries are matched node by node. A node has
 * an entry per runtime type and per set of nodes merged with it; a document
 * can merge one fragment's node in many ways, and past
 * MAX_PLANS_PER_FIELD_NODE no more are kept.
 */
const documentPlans: PlanCache = new WeakMap();
const MAX_PLANS_PER_FIELD_NODE = 16;

function sameNodes(a: readonly FieldNode[], b: readonly FieldNode[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Indexed loops, not find/every/reduce/forEach or for-of, in what runs for every object charged: a callback is a closure allocated per object.
function planFor(fieldNodes: readonly FieldNode[], type: GraphQLObjectType, charging: Charging): SelectionPlan {
  const { info, plans } = charging;
  const first = fieldNodes[0]!;
  const cached = plans.get(first);
  for (let i = 0; cached && i < cached.length; i++) {
    const entry = cached[i]!;
    if (entry.type === type && sameNodes(entry.fieldNodes, fieldNodes)) return entry.plan;
  }
  const plan = planSelection(fieldNodes, type, info);
  if (cached && cached.length >= MAX_PLANS_PER_FIELD_NODE) return plan;
  const entry = { fieldNodes, type, plan };
  if (cached) cached.push(entry);
  else plans.set(first, [entry]);
  return plan;
}

/**
 * The object type `value` is of, as graphql-js finds it, when it can be known
 * at once. When it cannot (a promise from resolveType or isTypeOf, or a value
 * no possible type claims), the object's resolver-less leaves are charged
 * nothing: the executor awaits or refuses it. Every type implementing Node
 * has an isTypeOf on the `kind` each datasource value carries, so `Node` and
 * `_Entity` values are found.
 */
function runtimeTypeOf(type: GraphQLNamedType, value: unknown, context: unknown, info: GraphQLResolveInfo): GraphQLObjectType | undefined {
  if (isObjectType(type)) return type;
  if (!isAbstractType(type)) return undefined;
  const name = type.resolveType?.(value, context, info, type);
  if (typeof name === 'string') {
    const resolved = info.schema.getType(name);
    return isObjectType(resolved) ? resolved : undefined;
  }
  leaveToExecutor(name);
  return info.schema.getPossibleTypes(type).find((possible) => {
    const matches = possible.isTypeOf?.(value, context, info);
    leaveToExecutor(matches);
    return matches === true;
  });
}

/** The executor asks again and reports a failure: a promise of ours must not reject unhandled. */
function leaveToExecutor(answer: unknown): void {
  if (isPromise(answer)) answer.then(undefined, () => undefined);
}

/** Where the bytes of one charging point's value are counted. */
interface Charging {
  budget: ResponseBudget;
  context: unknown;
  info: GraphQLResolveInfo;
  /** What a variable selects holds for this request's variables only. */
  plans: PlanCache;
}

/**
 * The resolver-less leaves `value` selects, at any depth through
 * resolver-less fields. A promise below the charging point's own value is
 * counted as nothing: it is the executor's to await, not ours.
 */
function selectionBytes(value: unknown, type: GraphQLNamedType, fieldNodes: readonly FieldNode[], charging: Charging): number {
  // An Error is the field's error to graphql-js: no object is built from it.
  if (value === null || value === undefined || isPromise(value) || value instanceof Error) return 0;
  if (Array.isArray(value)) {
    let bytes = 0;
    for (let i = 0; i < value.length; i++) bytes += selectionBytes(value[i], type, fieldNodes, charging);
    return bytes;
  }
  const runtimeType = runtimeTypeOf(type, value, charging.context, charging.info);
  if (!runtimeType) return 0;
  const plan = planFor(fieldNodes, runtimeType, charging);
  const source = value as Record<string, unknown>;
  let bytes = 0;
  for (const leaf of plan.leaves) bytes += jsonSize(source[leaf.fieldName]) + leaf.keyBytes;
  for (const composite of plan.composites) bytes += selectionBytes(source[composite.fieldName], composite.type, composite.fieldNodes, charging);
  return bytes;
}

/**
 * Charges a charging point's value as it reaches the executor. Items of its
 * lists that are promises (`nodes` loads each ID on its own) are charged as
 * they settle, so the list is handed on with those items chained.
 */
function chargeValue(value: unknown, type: GraphQLNamedType, charging: Charging): unknown {
  if (isPromise(value)) return value.then((resolved) => chargeValue(resolved, type, charging));
  if (Array.isArray(value)) {
    let chained: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const charged = chargeValue(item, type, charging);
      if (charged !== item) (chained ??= [...value])[i] = charged;
    }
    return chained ?? value;
  }
  charging.budget.spend(selectionBytes(value, type, charging.info.fieldNodes, charging), charging.info);
  return value;
}

const BUDGET = Symbol('response budget');
type Budgeted = { [BUDGET]?: ResponseBudget } | null | undefined;

type Resolver = GraphQLFieldResolver<unknown, Budgeted>;

/** A leaf with a resolver of its own charges its own value. */
function chargingLeaf(resolve: Resolver): Resolver {
  return (source, args, context, info) => {
    const value = resolve(source, args, context, info);
    const budget = context?.[BUDGET];
    if (!budget) return value;
    const charge = (resolved: unknown) => {
      budget.spend(jsonSize(resolved) + keyBytes(info.path.key as string), info);
      return resolved;
    };
    return isPromise(value) ? value.then(charge) : charge(value);
  };
}

/**
 * A field with a resolver that resolves objects: checked first, so that a
 * spent budget makes no further REST call, then charged for the
 * resolver-less leaves its value selects, which graphql-jit reads inline.
 */
function chargingPoint(resolve: Resolver, type: GraphQLNamedType): Resolver {
  return (source, args, context, info) => {
    const budget = context?.[BUDGET];
    if (!budget) return resolve(source, args, context, info);
    budget.check(info);
    const plans = readsVariables(info) ? budget.plans : documentPlans;
    return chargeValue(resolve(source, args, context, info), type, { budget, context, info, plans });
  };
}

/**
 * Fields without a resolver stay without one: graphql-jit reads those as
 * `source[fieldName]`, where a resolver costs it a GraphQLResolveInfo and a
 * call for every leaf of every object (~3-4% of a 100-agent list's CPU).
 * Their bytes are charged at the nearest enclosing field with a resolver
 * (every root field has one).
 * Objects and lists themselves are not charged: no response holds more
 * objects than its query cost (connection-cost.ts), so their brackets and
 * keys are bounded by MAX_QUERY_COST; what that leaves unbounded is the
 * values, above all GitLab's text.
 */
function budgeted(field: GraphQLField<unknown, Budgeted>): Resolver | undefined {
  if (!field.resolve) return undefined;
  const type = getNamedType(field.type);
  return isLeafType(type) ? chargingLeaf(field.resolve) : chargingPoint(field.resolve, type);
}

const wrapped = new WeakSet<GraphQLField<unknown, Budgeted>>();

/**
 * Wraps the schema's resolvers in place, once: graphql-jit compiles the same
 * resolvers, so the budget holds on both paths. A context without a budget
 * (a schema run outside this plugin) passes through.
 */
function budgetResolvers(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, Budgeted>[]) {
      if (wrapped.has(field)) continue;
      wrapped.add(field);
      const resolve = budgeted(field);
      if (resolve) field.resolve = resolve;
    }
  }
}

/**
 * A new allowance for the execution about to run on `context`: for executions
 * that do not go through yoga (src/execution/compiled-execution.ts).
 */
export function startResponseBudget(context: object, maxBytes: number): { readonly error: GatewayError | undefined } {
  const budget = new ResponseBudget(maxBytes);
  (context as Exclude<Budgeted, null | undefined>)[BUDGET] = budget;
  return budget;
}

/**
 * MAX_RESPONSE_BYTES: execution stops building a response once its JSON,
 * estimated as values resolve, would pass the limit. The answer is then
 * that one error, not the partial data with an error for every field left.
 */
export function responseBudgetPlugin(maxBytes: number): Plugin {
  return {
    onSchemaChange({ schema }) {
      budgetResolvers(schema);
    },
    onExecute({ args }) {
      const budget = startResponseBudget(args.contextValue as object, maxBytes);
      return {
        onExecuteDone({ setResult }) {
          if (budget.error) setResult({ errors: [budget.error] });
        },
      };
    },
  };
}
