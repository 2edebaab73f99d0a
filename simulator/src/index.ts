import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Faults } from './faults.js';
import type { FaultConfig, FaultFilter, FaultKind } from './faults.js';
import { createSimulatorServer } from './server.js';
import type { RateLimitConfig, ServerControls } from './server.js';
import type { Seed, SeedAgent, SeedToken } from './seed.js';
import { SimState } from './state.js';
import { Stats } from './stats.js';
import type { RecordedRequest } from './stats.js';
import { testSeed } from './fixtures.js';

export type { Seed, SeedAgent, SeedProject, SeedToken, SeedUrlConfiguration, SeedUser } from './seed.js';
export type { FaultConfig, FaultFilter, FaultKind } from './faults.js';
export type { RateLimitConfig } from './server.js';
export type { RecordedRequest } from './stats.js';
export { SimState } from './state.js';
export { testSeed, TOKENS, PROJECTS } from './fixtures.js';

export interface SimulatorOptions {
  seed?: Seed;
  port?: number;
  host?: string;
  latencyMs?: number;
  faults?: FaultConfig | null;
  rateLimit?: RateLimitConfig | null;
  /** The GitLab URL that Link and Location headers name (defaults to the listening address). */
  publicUrl?: string;
}

/** A GitLab `/api/v4` for the cluster-agent routes, on a real socket. */
export interface Simulator {
  /** e.g. http://127.0.0.1:PORT, no trailing slash; the API is at url + '/api/v4'. */
  url: string;
  port: number;
  state: SimState;
  requests: RecordedRequest[];
  counts(): Record<string, number>;
  count(route: string): number;
  total(): number;
  maxInFlight(route?: string): number;
  resetStats(): void;
  agentsOf(projectId: number): SeedAgent[];
  activeTokensOf(agentId: number): SeedToken[];
  setLatency(ms: number): void;
  setFaults(faults: FaultConfig | null): void;
  failNext(count: number, kind: FaultKind, filter?: FaultFilter): void;
  setReceptiveAgentsEnabled(on: boolean): void;
  setRateLimit(rateLimit: RateLimitConfig | null): void;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const state = new SimState(options.seed ?? testSeed());
  const stats = new Stats();
  const faults = new Faults();
  faults.set(options.faults ?? null);
  let url = '';
  const controls: ServerControls = {
    state,
    stats,
    faults,
    latencyMs: options.latencyMs ?? 0,
    rateLimit: options.rateLimit ?? null,
    publicUrl: () => options.publicUrl ?? url,
  };
  const server: Server = createSimulatorServer(controls);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url,
    port: address.port,
    state,
    requests: stats.requests,
    counts: () => stats.counts(),
    count: (route) => stats.count(route),
    total: () => stats.total(),
    maxInFlight: (route) => stats.maxInFlight(route),
    resetStats: () => stats.reset(),
    agentsOf: (projectId) => state.agentsOf(projectId),
    activeTokensOf: (agentId) => state.activeTokensOf(agentId),
    setLatency: (ms) => {
      controls.latencyMs = ms;
    },
    setFaults: (config) => faults.set(config),
    failNext: (count, kind, filter) => faults.failNext(count, kind, filter),
    setReceptiveAgentsEnabled: (on) => {
      state.receptiveAgentsEnabled = on;
    },
    setRateLimit: (rateLimit) => {
      controls.rateLimit = rateLimit;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
