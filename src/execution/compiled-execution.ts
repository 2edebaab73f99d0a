import type { IncomingMessage, ServerResponse } from 'node:http';
import { BREAK, Kind, getOperationAST, visit } from 'graphql';
import type { DocumentNode, ExecutionArgs, ExecutionResult, GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import type { CompiledQuery } from 'graphql-jit';
import { isPromise } from 'graphql-yoga';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from '../context.js';
import { measureQuery } from '../limits/connection-cost.js';
import type { CostLimits } from '../limits/connection-cost.js';
import { startResponseBudget } from '../limits/response-budget.js';
import type { RequestRecord } from '../observability/request-record.js';
import type { CancelSignal } from '../datasources/request-text.js';

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

/** What the direct path may answer alone: a text yoga answered through this plan. */
interface DirectEntry {
  plan: Plan;
  /** The operation's own name, for the request's record when the body names none. */
  name?: string;
}

const HANDED_OVER = Symbol('handed over by the direct path');
type YogaContext = { params?: GraphQLParams; request?: Request; [HANDED_OVER]?: true };

const GRAPHQL_PATH = '/graphql';
const JSON_REQUEST = /^application\/json\s*(;|$)/i;
const JSON_CONTENT_TYPE = /^application\/(graphql-response\+)?json\b/;
/** Distinct Accept headers remembered: clients send a handful; junk beyond it goes through yoga. */
const MAX_ACCEPT_HEADERS = 64;
const BODY_KEYS = new Set(['query', 'variables', 'operationName']);

// An empty operation name is not a missing one (graphql-js finds no operation by it).
const directKey = (query: string, operationName: string | undefined) => `${operationName === undefined ? '-' : `+${operationName}`}\n${query}`;

/** A body yoga would read as this query, variables and operation name, and nothing else; else undefined. */
function directParams(body: Buffer): { query: string; variables?: Record<string, unknown>; operationName?: string } | undefined {
  let params: unknown;
  try {
    params = JSON.parse(body.toString());
  } catch {
    return undefined;
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return undefined;
  for (const key in params) if (!BODY_KEYS.has(key)) return undefined;
  const { query, variables, operationName } = params as Record<string, unknown>;
  if (typeof query !== 'string') return undefined;
  if (variables !== undefined && (typeof variables !== 'object' || variables === null || Array.isArray(variables))) return undefined;
  if (operationName !== undefined && typeof operationName !== 'string') return undefined;
  return params as { query: string; variables?: Record<string, unknown>; operationName?: string };
}

export interface CompiledExecutionOptions {
  onExecuted: (outcome: CompiledOutcome) => void;
  /** The request's context, as yoga's context factory builds it. */
  createContext: (request: Request, record: RequestRecord) => GatewayContext;
  limits: CostLimits;
  maxResponseBytes: number;
}

export interface CompiledExecution {
  plugin: Plugin;
  /**
   * The direct path: answers a POST whose text yoga already answered through
   * a plan, without yoga; anything else, and any result with an error, is
   * handed over to yoga (with the context already built, whose loaders hold
   * what was fetched, so graphql-js makes no REST call again).
   */
  serve(req: IncomingMessage, res: ServerResponse, record: RequestRecord, handOver: (prepared?: GatewayContext) => void): void;
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
export function compiledExecution(options: CompiledExecutionOptions): CompiledExecution {
  const { onExecuted } = options;
  const executedOnce = new WeakSet<DocumentNode>();
  // Plans are held by document; the LRU bounds them when clients send many distinct documents.
  const plans = new LRUCache<DocumentNode, Map<string, Plan | null>>({ max: MAX_PLANNED_DOCUMENTS });
  // Texts yoga answered through a plan, by text and operation name: what the direct path may answer alone.
  const direct = new LRUCache<string, DirectEntry>({ max: MAX_PLANNED_DOCUMENTS });
  // The Content-Type yoga answered a plan's result with, by the request's Accept.
  const contentTypes = new Map<string, string>();
  const answeredByPlan = new WeakSet<Request>();

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

  /** Counts the plan's outcome; true when graphql-js must answer instead. */
  function settle(plan: Plan, result: ExecutionResult): boolean {
    const rerun = result.errors !== undefined && result.errors.length > 0;
    plan.rerunsInARow = rerun ? plan.rerunsInARow + 1 : 0;
    if (plan.rerunsInARow >= MAX_RERUNS_IN_A_ROW) plan.resting = EXECUTIONS_AT_REST;
    onExecuted(rerun ? 'rerun' : 'answered');
    return rerun;
  }

  /**
   * Remembers a text yoga answered through its plan, when nothing yoga checks
   * could say otherwise for another request with the same text: what the
   * limits measure of it reads no variable.
   */
  function learn(args: ExecutionArgs, plan: Plan, context: YogaContext): void {
    const params = context.params;
    if (!params || typeof params.query !== 'string' || params.extensions !== undefined || context.request?.method !== 'POST') return;
    answeredByPlan.add(context.request);
    const key = directKey(params.query, params.operationName ?? undefined);
    if (direct.has(key)) return;
    const measured = measureQuery(args.schema, args.document, args.operationName, {}, options.limits);
    if (measured.readsVariables || measured.refusal) return;
    const name = getOperationAST(args.document, args.operationName)?.name?.value;
    direct.set(key, { plan, ...(name ? { name } : {}) });
  }

  const plugin: Plugin = {
    onExecute({ args, executeFn, setExecuteFn }) {
      const context = args.contextValue as YogaContext;
      // Handed over by the direct path: its plan's result had an error, and graphql-js answers.
      if (context[HANDED_OVER]) return;
      const plan = planFor(args);
      if (!plan) return;
      setExecuteFn((execArgs) => {
        const orReference = (result: ExecutionResult): Result => {
          if (settle(plan, result)) return executeFn(execArgs) as Result;
          learn(execArgs, plan, context);
          return result;
        };
        const result = plan.compiled.query(execArgs.rootValue, execArgs.contextValue, execArgs.variableValues);
        return isPromise(result) ? result.then(orReference) : orReference(result);
      });
    },
    onResponse({ request, response }) {
      if (!answeredByPlan.has(request) || response.status !== 200 || contentTypes.size >= MAX_ACCEPT_HEADERS) return;
      const contentType = response.headers.get('content-type');
      if (contentType && JSON_CONTENT_TYPE.test(contentType)) contentTypes.set(request.headers.get('accept') ?? '', contentType);
    },
  };

  function serve(req: IncomingMessage, res: ServerResponse, record: RequestRecord, handOver: (prepared?: GatewayContext) => void): void {
    const body = (req as { body?: Buffer }).body;
    const contentType = contentTypes.get(req.headers.accept ?? '');
    if (req.method !== 'POST' || req.url !== GRAPHQL_PATH || !body || !contentType || !JSON_REQUEST.test(req.headers['content-type'] ?? '')) return handOver();
    const params = directParams(body);
    const entry = params && direct.get(directKey(params.query, params.operationName));
    if (!params || !entry || entry.plan.resting > 0) return handOver();

    const gone = new ClientGone();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    // createContext reads a request's headers and signal, the whole of what it is given here.
    const context = options.createContext({ headers: nodeHeaders(req), signal: gone } as unknown as Request, record);
    startResponseBudget(context, options.maxResponseBytes);

    const answer = (result: ExecutionResult) => {
      if (res.destroyed) return;
      if (settle(entry.plan, result)) {
        handOver(Object.assign(context, { [HANDED_OVER]: true }));
        return;
      }
      record.executed = true;
      record.operationName ??= params.operationName ?? entry.name;
      const text = JSON.stringify(result);
      res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    let result: ReturnType<CompiledQuery['query']>;
    try {
      result = entry.plan.compiled.query(undefined, context, params.variables);
    } catch {
      return handOver(Object.assign(context, { [HANDED_OVER]: true }));
    }
    if (isPromise(result)) result.then(answer, () => handOver(Object.assign(context, { [HANDED_OVER]: true })));
    else answer(result);
  }

  return { plugin, serve };
}

/**
 * A request's headers as yoga's Request shows them on Node: @whatwg-node
 * reads `IncomingMessage.headers`, where Node keeps the first of a repeated
 * Authorization and joins other repeated headers with ", ".
 */
function nodeHeaders(req: IncomingMessage): Pick<Headers, 'get'> {
  return {
    get(name) {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * Tells a request's REST calls that its client went away: what they read of
 * an AbortSignal, without one. Node's AbortController costs ~5 µs to make,
 * 1% of a one-call query's CPU (docs/benchmarks.md).
 */
class ClientGone implements CancelSignal {
  aborted = false;
  private readonly listeners = new Set<() => void>();

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.delete(listener);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    for (const listener of this.listeners) listener();
    this.listeners.clear();
  }
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
