import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { DocumentNode } from 'graphql';
import { fetch } from 'undici';
import { createGateway } from '../../src/app.js';
import type { Gateway, GatewayOptions } from '../../src/app.js';
import { startSimulator, testSeed } from '../../simulator/src/index.js';
import type { Simulator } from '../../simulator/src/index.js';

export interface GraphQLResponse<TData = Record<string, unknown>> {
  data?: TData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface Caller {
  token?: string;
  /** Send the token as PRIVATE-TOKEN instead of Authorization: Bearer. */
  privateToken?: boolean;
  headers?: Record<string, string>;
}

export interface Stack {
  simulator: Simulator;
  gateway: Gateway;
  /** The gateway's base URL, e.g. http://127.0.0.1:1234 */
  url: string;
  /** One GraphQL request over HTTP, with the caller's own token. */
  gql<TData = Record<string, unknown>, TVars = Record<string, unknown>>(
    query: string | DocumentNode | TypedDocumentNode<TData, TVars>,
    variables?: TVars,
    caller?: Caller,
  ): Promise<GraphQLResponse<TData>>;
  close(): Promise<void>;
}

export function authHeaders(caller: Caller = {}): Record<string, string> {
  const headers: Record<string, string> = { ...caller.headers };
  if (caller.token !== undefined) {
    if (caller.privateToken) headers['private-token'] = caller.token;
    else headers.authorization = `Bearer ${caller.token}`;
  }
  return headers;
}

/** One GraphQL request over HTTP to the gateway at `url`, with the caller's own token. */
export async function postGraphQL<TData = Record<string, unknown>, TVars = Record<string, unknown>>(
  url: string,
  query: string | DocumentNode | TypedDocumentNode<TData, TVars>,
  variables?: TVars,
  caller?: Caller,
  operationName?: string,
): Promise<GraphQLResponse<TData>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...authHeaders(caller) },
    body: JSON.stringify({ query: typeof query === 'string' ? query : print(query), variables, operationName }),
  });
  return (await res.json()) as GraphQLResponse<TData>;
}

/** The value of the first sample in a `/metrics` text named `name` whose labels include `labels`; 0 when there is none yet. */
export function sampleValue(metricsText: string, name: string, labels?: string): number {
  const line = metricsText.split('\n').find((l) => (labels === undefined ? l.startsWith(`${name} `) : l.startsWith(`${name}{`) && l.includes(labels)));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** The gateway's `/metrics` text. */
export async function metricsText(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

/** `sampleValue` of the gateway's `/metrics` now. */
export async function metricValue(url: string, name: string, labels?: string): Promise<number> {
  return sampleValue(await metricsText(url), name, labels);
}

/**
 * The real thing on real sockets: the GitLab simulator (test seed unless
 * told otherwise) and a gateway in front of it, talking through undici.
 */
export async function startStack(
  options: { simulator?: Parameters<typeof startSimulator>[0]; gateway?: Partial<GatewayOptions> } = {},
): Promise<Stack> {
  const simulator = await startSimulator({ seed: testSeed(), ...options.simulator });
  const gateway = createGateway({ gitlabUrl: simulator.url, logLevel: 'silent', ...options.gateway });
  const url = await gateway.listen(0, '127.0.0.1');
  return {
    simulator,
    gateway,
    url,
    gql: (query, variables, caller) => postGraphQL(url, query, variables, caller),
    async close() {
      await gateway.close(1_000);
      await simulator.close();
    },
  };
}
