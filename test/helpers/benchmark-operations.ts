/**
 * The benchmark's six operations: the GraphQL documents beside this file
 * (benchmark-operations/), the variables they run with against the
 * simulator's test seed, and what each costs at the least (REST calls, and
 * round trips that must follow one another). They live with the tests
 * because test/rest-call-counts.test.ts asserts those minima through the
 * gateway on every `npm test`; `npm run bench` measures the same operations.
 */
import { readFileSync } from 'node:fs';
import { PROJECTS, SimState, testSeed } from '../../simulator/src/index.js';
import { globalIdOf } from '../../src/global-id.js';
import { DIRECT_PATHS } from './direct-baseline.js';

export type OperationId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f';

/** REST calls as a tree: each element is one call, holding the calls that need its answer. */
export type CallTree = CallTree[];

const size = (tree: CallTree): number => tree.reduce((sum, then) => sum + 1 + size(then), 0);
const depth = (tree: CallTree): number => Math.max(0, ...tree.map((then) => 1 + depth(then)));
const leaves = (n: number): CallTree => Array.from({ length: n }, () => []);

export interface BenchOperation {
  id: OperationId;
  title: string;
  /** The GraphQL document (test/helpers/benchmark-operations/<file>). */
  file: string;
  query: string;
  operationName: string;
  /**
   * The variables of each GraphQL request of one operation, in order: one
   * request, except the walk (d), whose later requests take the previous
   * answer's `endCursor` as `after`.
   */
  variables: Record<string, unknown>;
  /** GraphQL requests in one operation (the walk: one per window). */
  requests: number;
  /** The fewest REST calls that can answer one of its GraphQL requests, and which of them need another's answer. */
  calls: CallTree;
  /** The fewest REST calls that can answer it: its requests × the calls' size. */
  minimumCalls: number;
  /** REST round trips that must follow one another: at an added latency L, no client can answer in less than this × L. Its requests × the calls' depth. */
  criticalPath: number;
  /** Its endpoint on the direct baseline. */
  directPath: string;
}

const MAIN_PROJECT = PROJECTS.main;
const HUGE_PROJECT = PROJECTS.huge;

function document(file: string): { query: string; operationName: string } {
  const query = readFileSync(new URL(`./benchmark-operations/${file}`, import.meta.url), 'utf8');
  const name = /\bquery\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(query)?.[1];
  if (!name) throw new Error(`benchmark-operations/${file} has no named query`);
  return { query, operationName: name };
}

/** What the test seed holds (read through the simulator's own finders), so that the minima follow the data rather than being typed in. */
function seedFacts() {
  const state = new SimState(testSeed());
  // The first page of 20, in GitLab's order (by name), as (a), (b) and (c) ask for it.
  const agents = state.agentsOf(MAIN_PROJECT.id).slice(0, 20);
  const tokensPerAgent = agents.map((agent) => state.activeTokensOf(agent.id).length);
  const huge = state.agentsOf(HUGE_PROJECT.id).length;
  // The first agent GitLab lists in g/p: the one (e) asks for by global ID.
  const agentGlobalId = globalIdOf('Agent', { projectId: MAIN_PROJECT.id, agentId: agents[0]!.id });
  return { agents: agents.length, tokensPerAgent, tokens: tokensPerAgent.reduce((sum, n) => sum + n, 0), huge, agentGlobalId };
}

export const SEED = seedFacts();

/** An operation's REST costs, from the calls one of its `requests` GraphQL requests needs at the least. */
function costs(requests: number, calls: CallTree): Pick<BenchOperation, 'requests' | 'calls' | 'minimumCalls' | 'criticalPath'> {
  return { requests, calls, minimumCalls: requests * size(calls), criticalPath: requests * depth(calls) };
}

export const OPERATIONS: BenchOperation[] = [
  {
    id: 'a',
    title: 'first 20 agents + project { fullPath }',
    file: 'a-agents.graphql',
    ...document('a-agents.graphql'),
    variables: { project: MAIN_PROJECT.path },
    ...costs(1, leaves(1)),
    directPath: DIRECT_PATHS.a,
  },
  {
    id: 'b',
    title: '20 agents, each with its tokens',
    file: 'b-agents-tokens.graphql',
    ...document('b-agents-tokens.graphql'),
    variables: { project: MAIN_PROJECT.path },
    // The agent list, then each agent's token list.
    ...costs(1, [leaves(SEED.agents)]),
    directPath: DIRECT_PATHS.b,
  },
  {
    id: 'c',
    title: '(b) + lastUsedAt on every token',
    file: 'c-agents-tokens-last-used.graphql',
    ...document('c-agents-tokens-last-used.graphql'),
    variables: { project: MAIN_PROJECT.path },
    // The agent list, each agent's token list, then each token's own GET (lastUsedAt).
    ...costs(1, [SEED.tokensPerAgent.map(leaves)]),
    directPath: DIRECT_PATHS.c,
  },
  {
    id: 'd',
    title: `walk ${SEED.huge} agents, first: 100`,
    file: 'd-walk.graphql',
    ...document('d-walk.graphql'),
    variables: { project: HUGE_PROJECT.path, after: null },
    ...costs(Math.ceil(SEED.huge / 100), leaves(1)),
    directPath: DIRECT_PATHS.d,
  },
  {
    id: 'e',
    title: 'node(id:) for one agent',
    file: 'e-node.graphql',
    ...document('e-node.graphql'),
    variables: { id: SEED.agentGlobalId },
    ...costs(1, leaves(1)),
    directPath: DIRECT_PATHS.e,
  },
  {
    id: 'f',
    title: 'only agents { totalCount }',
    file: 'f-total-count.graphql',
    ...document('f-total-count.graphql'),
    variables: { project: HUGE_PROJECT.path },
    ...costs(1, leaves(1)),
    directPath: DIRECT_PATHS.f,
  },
];

/** The "straight" target: the single REST call of (a), made straight to the simulator. */
export const STRAIGHT = {
  title: 'GET cluster_agents?per_page=20 straight to the simulator',
  path: `/api/v4/projects/${encodeURIComponent(MAIN_PROJECT.path)}/cluster_agents?per_page=20`,
  minimumCalls: 1,
  criticalPath: 1,
};

/** The body of one GraphQL request of `op`, with the walk's cursor when there is one. */
export function requestBody(op: BenchOperation, after?: string | null): string {
  const variables = op.id === 'd' ? { ...op.variables, after: after ?? null } : op.variables;
  return JSON.stringify({ query: op.query, operationName: op.operationName, variables });
}
