import { connect } from 'node:net';
import type { DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OPERATIONS } from '../helpers/benchmark-operations.js';
import { PROJECTS, TOKENS } from '../../simulator/src/index.js';
import { createGateway } from '../../src/app.js';
import type { Gateway } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { AgentByIdDocument, AgentsFromTheEndDocument, AgentUrlConfigurationDocument, ProjectAgentsDocument } from '../generated/operations.js';
import { metricsText, postGraphQL, sampleValue, startStack } from '../helpers/harness.js';
import type { GraphQLResponse, Stack } from '../helpers/harness.js';

/**
 * graphql-jit answers repeated queries (src/execution/compiled-execution.ts);
 * graphql-js is the reference. Both gateways here share one simulator: the
 * first compiles, the second never does, and every answer must be the same.
 */
let stack: Stack;
let reference: Gateway;
let referenceUrl: string;

beforeAll(async () => {
  stack = await startStack();
  reference = createGateway({ gitlabUrl: stack.simulator.url, logLevel: 'silent', compiledExecution: false });
  referenceUrl = await reference.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await reference.close(1_000);
  await stack.close();
});

type Variables = Record<string, unknown> | undefined;

const post = (url: string, query: string | DocumentNode, variables: Variables, operationName?: string) =>
  postGraphQL(url, query, variables, { token: TOKENS.maintainer }, operationName);

async function compiledExecutions(url: string): Promise<{ answered: number; rerun: number }> {
  // One read, so that both counts are of the same moment.
  const text = await metricsText(url);
  const count = (outcome: string) => sampleValue(text, 'graphql_compiled_executions_total', `outcome="${outcome}"`);
  return { answered: count('answered'), rerun: count('rerun') };
}

/** Sends a query, as the maintainer, three times to the compiling gateway (the first run is graphql-js's, the next two the plan's) and once to the reference. */
async function sendToBoth(query: string | DocumentNode, variables?: Variables, operationName?: string) {
  const expected = await post(referenceUrl, query, variables, operationName);
  const before = await compiledExecutions(stack.url);
  const answers = [];
  for (let run = 0; run < 3; run++) answers.push(await post(stack.url, query, variables, operationName));
  const after = await compiledExecutions(stack.url);
  return { expected, answers, answered: after.answered - before.answered, rerun: after.rerun - before.rerun };
}

describe('repeated queries run compiled, and answer exactly as graphql-js does', () => {
  test.each(OPERATIONS.map((op) => [op.id, op] as const))('bench operation (%s)', async (_id, op) => {
    const { expected, answers, answered, rerun } = await sendToBoth(op.query, op.variables as Variables, op.operationName);
    expect(expected.errors).toBeUndefined();
    for (const answer of answers) expect(answer).toEqual(expected);
    expect({ answered, rerun }).toEqual({ answered: 2, rerun: 0 });
  });

  test('pages forwards and backwards, nodes by global ID, URL configurations of both kinds', async () => {
    const first = await sendToBoth(ProjectAgentsDocument, { project: PROJECTS.main.path, first: 5 });
    const { endCursor } = (first.expected.data as { project: { agents: { pageInfo: { endCursor: string } } } }).project.agents.pageInfo;
    const agents = (first.expected.data as { project: { agents: { nodes: { id: string; name: string }[] } } }).project.agents.nodes;
    // [answers, runs by the plan]: a document's first run is graphql-js's, unless an earlier case sent the same text.
    const cases = [
      [first, 2],
      [await sendToBoth(ProjectAgentsDocument, { project: PROJECTS.main.path, first: 5, after: endCursor }), 3],
      [await sendToBoth(AgentsFromTheEndDocument, { project: PROJECTS.huge.path, last: 7 }), 2],
      [await sendToBoth(AgentByIdDocument, { id: agents[0]!.id }), 2],
      [await sendToBoth(AgentUrlConfigurationDocument, { project: PROJECTS.main.path, agentName: 'jwt-cluster' }), 2],
      [await sendToBoth(AgentUrlConfigurationDocument, { project: PROJECTS.main.path, agentName: 'mtls-cluster' }), 3],
      [
        await sendToBoth(
          `query Shapes($id: ID!) {
            here: project(id: "${PROJECTS.nested.path}") { ...Identity agents(first: 2) { edges { cursor node { name } } pageInfo { hasNextPage } } }
            there: node(id: $id) { __typename ... on Agent { name tokens(last: 1) { totalCount nodes { name status } } } }
          }
          fragment Identity on Project { id databaseId fullPath nameWithNamespace }`,
          { id: agents[1]!.id },
        ),
        2,
      ],
    ] as const;
    for (const [{ expected, answers, answered, rerun }, planRuns] of cases) {
      expect(expected.errors).toBeUndefined();
      for (const answer of answers) expect(answer).toEqual(expected);
      expect({ answered, rerun }).toEqual({ answered: planRuns, rerun: 0 });
    }
  });
});

describe('a compiled result with an error is rerun by graphql-js', () => {
  test('one NOT_FOUND for a project the caller cannot see, as graphql-js reports it, and no REST call more than graphql-js makes', async () => {
    // One field, so one error: a nullable sibling list that fails too would report or not by timing.
    const query = `{ project(id: "${PROJECTS.otherPrivate.path}") { fullPath } }`;
    stack.simulator.resetStats();
    await post(referenceUrl, query, undefined);
    const referenceCalls = stack.simulator.total();

    const { expected, answers, answered, rerun } = await sendToBoth(query);
    expect(expected.errors).toHaveLength(1);
    expect(expected.errors![0]!.extensions?.code).toBe('NOT_FOUND');
    for (const answer of answers) expect(answer).toEqual(expected);
    expect({ answered, rerun }).toEqual({ answered: 0, rerun: 2 });

    stack.simulator.resetStats();
    await post(stack.url, query, undefined);
    expect(stack.simulator.total()).toBe(referenceCalls);
  });

  test('a plan rerun three times in a row rests for its next 100 executions, then is tried again', async () => {
    const query = `{ mine: project(id: "${PROJECTS.main.path}") { fullPath } theirs: project(id: "${PROJECTS.otherPrivate.path}") { fullPath } }`;
    const before = await compiledExecutions(stack.url);
    const answers: GraphQLResponse[] = [];
    const reruns = async () => (await compiledExecutions(stack.url)).rerun - before.rerun;
    // Run 1 is graphql-js's, runs 2-4 the plan's (each rerun), runs 5-104 graphql-js's alone, run 105 the plan's again.
    for (let run = 1; run <= 104; run++) answers.push(await post(stack.url, query, undefined));
    expect(await reruns()).toBe(3);
    answers.push(await post(stack.url, query, undefined));
    expect(await reruns()).toBe(4);
    expect((await compiledExecutions(stack.url)).answered).toBe(before.answered);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0]!.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });
});

describe('the direct path (a text yoga answered through a plan, answered again without yoga)', () => {
  const withAgents = 'query DirectPathProject($id: ID!) { project(id: $id) { fullPath agents(first: 2) { nodes { name createdAt } } } }';
  const raw = (url: string, variables: Record<string, unknown>, query = withAgents) =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${TOKENS.maintainer}` },
      body: JSON.stringify({ query, variables }),
    });
  const headersOf = (res: Response) => Object.fromEntries([...res.headers].filter(([name]) => name !== 'date' && name !== 'x-request-id'));

  test("answers with yoga's status, headers and bytes, and counts the request under its operation's name", async () => {
    const variables = { id: PROJECTS.main.path };
    const expected = await raw(referenceUrl, variables);
    const expectedBody = await expected.text();
    const requests = async () => sampleValue(await metricsText(stack.url), 'graphql_requests_total', 'operation="DirectPathProject",outcome="ok"');
    // The first run is graphql-js's, the second the plan's through yoga; from the third on, the direct path's.
    for (let run = 0; run < 4; run++) {
      const res = await raw(stack.url, variables);
      expect(res.status).toBe(expected.status);
      expect(headersOf(res)).toEqual(headersOf(expected));
      expect(await res.text()).toBe(expectedBody);
    }
    expect(await requests()).toBe(4);
  });

  test('a repeated Authorization header reaches GitLab as yoga passes it on (the first), on the direct path too', async () => {
    const query = 'query DirectPathRepeatedAuth($id: ID!) { project(id: $id) { fullPath } }';
    const body = JSON.stringify({ query, variables: { id: PROJECTS.main.path } });
    // fetch joins repeated headers into one: the request is written by hand.
    const send = () =>
      new Promise<string>((resolve, reject) => {
        const { port } = new URL(stack.url);
        const socket = connect(Number(port), '127.0.0.1');
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk));
        socket.on('end', () => resolve(answer));
        socket.on('error', reject);
        socket.write(
          [
            'POST /graphql HTTP/1.1',
            'Host: gateway',
            'Content-Type: application/json',
            'Accept: application/graphql-response+json, application/json',
            `Authorization: Bearer ${TOKENS.maintainer}`,
            `Authorization: Bearer ${TOKENS.outsider}`,
            `Content-Length: ${Buffer.byteLength(body)}`,
            'Connection: close',
            '',
            body,
          ].join('\r\n'),
        );
      });
    // The first run is graphql-js's, the second the plan's through yoga, the third the direct path's.
    for (let run = 0; run < 3; run++) {
      stack.simulator.resetStats();
      const before = stack.simulator.requests.length;
      expect(await send()).toContain(`"fullPath":"${PROJECTS.main.path}"`);
      expect(stack.simulator.requests.slice(before).map((r) => r.token)).toEqual([TOKENS.maintainer]);
    }
  });

  test('a result with an error is answered by graphql-js, as the reference answers it, with no REST call more', async () => {
    // One field, so one error (see above).
    const query = 'query DirectPathName($id: ID!) { project(id: $id) { fullPath } }';
    for (let run = 0; run < 2; run++) await raw(stack.url, { id: PROJECTS.main.path }, query);
    const variables = { id: PROJECTS.otherPrivate.path };
    stack.simulator.resetStats();
    const expected = await (await raw(referenceUrl, variables, query)).json();
    const referenceCalls = stack.simulator.total();
    const before = await compiledExecutions(stack.url);
    stack.simulator.resetStats();
    const answer = await (await raw(stack.url, variables, query)).json();
    expect(stack.simulator.total()).toBe(referenceCalls);
    expect(answer).toEqual(expected);
    expect((expected as GraphQLResponse).errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect((await compiledExecutions(stack.url)).rerun - before.rerun).toBe(1);
  });
});

describe('what graphql-jit might answer differently stays with graphql-js', () => {
  test.each([
    ['@include through a fragment spread', `query Inc($on: Boolean!) { project(id: "${PROJECTS.main.path}") { a: agents(first: 1) @include(if: $on) { nodes { ...N } } b: agents(first: 1) @skip(if: $on) { nodes { ...N } } } } fragment N on Agent { name }`, { on: true }],
    ["federation's _service", '{ _service { sdl } }', undefined],
    ['a mutation', 'mutation { revokeAgentToken(input: { id: "not-an-id" }) { __typename } }', undefined],
  ])('%s', async (_what, query, variables) => {
    const { expected, answers, answered, rerun } = await sendToBoth(query, variables);
    for (const answer of answers) expect(answer).toEqual(expected);
    expect({ answered, rerun }).toEqual({ answered: 0, rerun: 0 });
  });

  test('GRAPHQL_JIT=false turns compiling off; it is on by default', () => {
    expect(loadConfig({}).compiledExecution).toBe(true);
    expect(loadConfig({ GRAPHQL_JIT: 'false' }).compiledExecution).toBe(false);
  });
});
