import { BREAK, Kind, getOperationAST, visit } from 'graphql';
import type { DocumentNode, ExecutionArgs, ExecutionResult, GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import type { CompiledQuery } from 'graphql-jit';
import { isPromise } from 'graphql-yoga';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

type Result = ExecutionResult | Promise<ExecutionResult>;
/** answered: the plan's result was sent; rerun: it had an error, and graphql-js answered instead. */
export type CompiledOutcome = 'answered' | 'rerun';

/** Documents whose plans are kept: a plan is ~25 KB of heap, and compiling one takes ~1.5 ms. */
const MAX_PLANNED_DOCUMENTS = 256;
/**
 * A plan whose results needed graphql-js this many times in a row rests for
 * the next executions of its document, then is tried again: a query that
 * keeps answering with an error (a field the caller may not see) would
 * otherwise be executed twice on every request, and one that failed while
 * GitLab was down should not lose its plan for good.
 */
const MAX_RERUNS_IN_A_ROW = 3;
const EXECUTIONS_AT_REST = 100;

interface Plan {
  compiled: CompiledQuery;
  rerunsInARow: number;
  /** Executions left to graphql-js before the plan is tried again. */
  resting: number;
}

/**
 * Runs the queries a client repeats through graphql-jit, which compiles a
 * document into a plain function: (a) costs about a quarter less CPU a
 * request, (b) about a seventh (docs/benchmarks.md). graphql-js stays the
 * reference and answers whatever jit might answer differently:
 *
 * - a document's first execution, so a one-off query is never compiled;
 * - mutations: a rerun would send writes twice;
 * - documents with directives: jit has answered @skip/@include through
 *   fragment spreads with empty objects (its issues 111, 118 and 166), and
 *   fixes some of those shapes only behind an experimental option;
 * - operations whose root selects anything but fields, or a field starting
 *   with `_` (federation's `_entities`, where jit drops a trailing null,
 *   `_service`, and introspection);
 * - any result with an error: jit reports an error for every field under a
 *   nulled parent where graphql-js reports one, so such a result is thrown
 *   away and graphql-js executes again on the same context, whose loaders
 *   already hold every answer and failure the first run fetched: the rerun
 *   costs no REST call that run made. A plan rerun three times in a row
 *   rests for its document's next 100 executions.
 */
export function compiledExecution(onExecuted: (outcome: CompiledOutcome) => void): Plugin {
  const executedOnce = new WeakSet<DocumentNode>();
  // Plans are held by document; the LRU bounds them when clients send many distinct documents.
  const plans = new LRUCache<DocumentNode, Map<string, Plan | null>>({ max: MAX_PLANNED_DOCUMENTS });

  function planFor({ schema, document, operationName }: ExecutionArgs): Plan | null {
    if (!executedOnce.has(document)) {
      executedOnce.add(document);
      return null;
    }
    let byOperation = plans.get(document);
    if (!byOperation) plans.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    let plan = byOperation.get(key);
    if (plan === undefined) {
      const compiled = compilable(document, operationName) ? tryCompile(schema, document, operationName ?? undefined) : null;
      plan = compiled && { compiled, rerunsInARow: 0, resting: 0 };
      byOperation.set(key, plan);
    }
    if (plan && plan.resting > 0) {
      plan.resting--;
      return null;
    }
    return plan;
  }

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const plan = planFor(args);
      if (!plan) return;
      setExecuteFn((execArgs) => {
        const orReference = (result: ExecutionResult): Result => {
          const rerun = result.errors !== undefined && result.errors.length > 0;
          plan.rerunsInARow = rerun ? plan.rerunsInARow + 1 : 0;
          if (plan.rerunsInARow >= MAX_RERUNS_IN_A_ROW) plan.resting = EXECUTIONS_AT_REST;
          onExecuted(rerun ? 'rerun' : 'answered');
          return rerun ? (executeFn(execArgs) as Result) : result;
        };
        const result = plan.compiled.query(execArgs.rootValue, execArgs.contextValue, execArgs.variableValues);
        return isPromise(result) ? result.then(orReference) : orReference(result);
      });
    },
  };
}

/** A document jit cannot compile (it returns errors, or throws on a schema feature it lacks) stays with graphql-js. */
function tryCompile(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): CompiledQuery | null {
  try {
    const compiled = compileQuery(schema, document, operationName);
    return isCompiledQuery(compiled) ? compiled : null;
  } catch {
    return null;
  }
}

function compilable(document: DocumentNode, operationName: string | null | undefined): boolean {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'query') return false;
  if (operation.selectionSet.selections.some((s) => s.kind !== Kind.FIELD || s.name.value.startsWith('_'))) return false;
  let directives = false;
  visit(document, {
    Directive() {
      directives = true;
      return BREAK;
    },
  });
  return !directives;
}
