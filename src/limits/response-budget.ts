import { defaultFieldResolver, getNamedType, isLeafType, isObjectType } from 'graphql';
import type { GraphQLField, GraphQLFieldResolver, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { isPromise } from 'graphql-yoga';
import type { Plugin } from 'graphql-yoga';
import { GatewayError } from '../errors.js';

/** A response key's quotes, colon and comma. */
const KEY_OVERHEAD = 4;

/** The JSON size of a leaf value, estimated: a string's length, as escapes are rare in what GitLab sends. */
function jsonSize(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (Array.isArray(value)) return value.reduce((size: number, item) => size + jsonSize(item) + 1, 2);
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

  charge<T>(value: T, info: GraphQLResolveInfo): T {
    this.enter(info);
    if (this.error) throw this.error;
    this.left -= jsonSize(value) + (info.path.key as string).length + KEY_OVERHEAD;
    if (this.left < 0) {
      this.error = new GatewayError('QUERY_TOO_COMPLEX', `Response size limit of ${this.maxBytes} bytes exceeded: ask for fewer objects or fields`, {
        limit: 'maxResponseBytes',
        maxResponseBytes: this.maxBytes,
      });
      throw this.error;
    }
    return value;
  }
}

const BUDGET = Symbol('response budget');
type Budgeted = { [BUDGET]?: ResponseBudget } | null | undefined;

type Resolver = GraphQLFieldResolver<unknown, Budgeted>;

/**
 * Leaves are charged their value's size as they resolve; fields that resolve
 * objects are only checked, so that a spent budget makes no further REST call.
 * Objects and lists themselves are not charged: no response holds more
 * objects than its query cost (connection-cost.ts), so their brackets and
 * keys are bounded by MAX_QUERY_COST; what that leaves unbounded is the
 * values, above all GitLab's text.
 */
function budgeted(field: GraphQLField<unknown, Budgeted>): Resolver | undefined {
  const resolve: Resolver = field.resolve ?? defaultFieldResolver;
  if (isLeafType(getNamedType(field.type))) {
    return (source, args, context, info) => {
      const value = resolve(source, args, context, info);
      const budget = context?.[BUDGET];
      if (!budget) return value;
      return isPromise(value) ? value.then((resolved) => budget.charge(resolved, info)) : budget.charge(value, info);
    };
  }
  if (!field.resolve) return undefined;
  return (source, args, context, info) => {
    context?.[BUDGET]?.check(info);
    return resolve(source, args, context, info);
  };
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
 * estimated as leaf values resolve, would pass the limit. The answer is then
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
