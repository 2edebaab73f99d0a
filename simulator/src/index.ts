import type { AddressInfo } from 'node:net';
import { Faults } from './faults.js';
import type { FaultConfig, FaultFilter, FaultKind, FaultShape } from './faults.js';
import { testSeed } from './fixtures.js';
import { Latency } from './latency.js';
import { RateLimiter } from './rate-limit.js';
import type { RateLimitConfig } from './rate-limit.js';
import type { Seed, SeedAgent, SeedToken } from './seed.js';
import { createSecureSimulatorServer } from './secure-server.js';
import { createSimulatorServer } from './server.js';
import type { ServerControls } from './server.js';
import { SimState } from './state.js';
import { Stats } from './stats.js';
import { selfSignedCertificate } from './tls.js';
import type { RecordedRequest } from './stats.js';

export type { Seed } from './seed.js';
export { SimState } from './state.js';
export { AGENTS, PROJECTS, RENAMED_PATH, TOKENS, USERS, testSeed } from './fixtures.js';

export interface SimulatorOptions {
  /** The data to start from; the test fixture (`testSeed()`) by default. */
  seed?: Seed;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** 127.0.0.1 by default. */
  host?: string;
  latencyMs?: number;
  /** Each answer's latency drawn uniform in latencyMs ± this (0, the default: always latencyMs). */
  latencyJitterMs?: number;
  faults?: FaultConfig | null;
  /** Off by default. */
  rateLimit?: RateLimitConfig | null;
  /** The GitLab URL that Link and Location headers name; the listening address by default. */
  publicUrl?: string;
  /**
   * HTTPS with a self-signed certificate made at start (`ca`), HTTP/2 to a client that offers it in ALPN and
   * HTTP/1.1 otherwise; plain HTTP/1.1 by default.
   */
  tls?: boolean;
}

/** A GitLab `/api/v4` for the cluster-agent routes, on a real socket. */
export interface Simulator {
  /** e.g. http://127.0.0.1:PORT (https:// with `tls`), no trailing slash; the API is at url + '/api/v4'. */
  url: string;
  /** With `tls`: the PEM certificate a client must trust (it is its own CA). */
  ca: string | undefined;
  port: number;
  /** The live data: read it to compute expectations, change it to set up a case. */
  state: SimState;
  /** The request log (capped at 20,000 entries, dropping the older half). */
  requests: RecordedRequest[];
  /** Requests per route template (`unmatched` for the catch-all) since the last reset. */
  counts(): Record<string, number>;
  count(routeTemplate: string): number;
  total(): number;
  /** Peak concurrent requests since the last reset, overall or on one route template. */
  maxInFlight(routeTemplate?: string): number;
  resetStats(): void;
  /** A project's agents in GitLab's order (by name). */
  agentsOf(projectId: number): SeedAgent[];
  /** An agent's active tokens in GitLab's order (last used first, never used last). */
  activeTokensOf(agentId: number): SeedToken[];
  /** With `jitterMs`, each answer's latency is drawn uniform in ms ± jitterMs, from a seeded PRNG. */
  setLatency(ms: number, jitterMs?: number): void;
  setFaults(faults: FaultConfig | null): void;
  /** The next `count` requests matching `filter` fail with `kind`; `shape` sizes a huge body, a drip, a held-back body. */
  failNext(count: number, kind: FaultKind, filter?: FaultFilter, shape?: FaultShape): void;
  setReceptiveAgentsEnabled(on: boolean): void;
  /** Replaces the limiter (counts start afresh); null switches it off. */
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
    latency: new Latency(options.latencyMs ?? 0, options.latencyJitterMs ?? 0),
    rateLimiter: options.rateLimit ? new RateLimiter(options.rateLimit) : null,
    publicUrl: () => options.publicUrl?.replace(/\/+$/, '') ?? url,
  };
  const certificate = options.tls ? selfSignedCertificate() : undefined;
  const secure = certificate && createSecureSimulatorServer(controls, certificate);
  const plain = secure ? undefined : createSimulatorServer(controls);
  const server = secure?.server ?? plain!;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  // Bound to every interface, it is still reached over loopback.
  const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  url = `${secure ? 'https' : 'http'}://${address.family === 'IPv6' ? `[${host}]` : host}:${address.port}`;

  return {
    url,
    ca: certificate?.cert,
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
    setLatency: (ms, jitterMs) => controls.latency.set(ms, jitterMs),
    setFaults: (config) => faults.set(config),
    failNext: (count, kind, filter, shape) => faults.failNext(count, kind, filter, shape),
    setReceptiveAgentsEnabled: (on) => {
      state.receptiveAgentsEnabled = on;
    },
    setRateLimit: (rateLimit) => {
      controls.rateLimiter = rateLimit ? new RateLimiter(rateLimit) : null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (secure ?? plain!).closeAllConnections();
      }),
  };
}
