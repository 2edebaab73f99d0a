import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { fetch } from 'undici';
import { expect } from 'vitest';
import { TOKENS, startSimulator } from '../../simulator/src/index.js';
import type { Simulator, SimulatorOptions } from '../../simulator/src/index.js';
import { startChildGateway } from '../helpers/child-gateway.js';
import type { ChildGateway } from '../helpers/child-gateway.js';

/**
 * The abuse suite's target: a real gateway process, started as `npm start`
 * starts it (heap flag included), in front of a simulator in the test's own
 * process. Each attack runs while a watcher keeps asking `/healthz` and
 * reading the process's RSS; afterwards a legitimate caller must still get
 * its data.
 */
export interface AbuseStack {
  simulator: Simulator;
  gateway: ChildGateway;
  url: string;
  pid: number;
  close(): Promise<void>;
}

export async function startAbuseStack(env: Record<string, string> = {}, simulatorOptions: SimulatorOptions = {}): Promise<AbuseStack> {
  const simulator = await startSimulator(simulatorOptions);
  // info: startChildGateway waits for the "listening" line, which a quieter level never writes.
  const gateway = await startChildGateway({ GITLAB_URL: simulator.url, LOG_LEVEL: 'info', ...env });
  return {
    simulator,
    gateway,
    url: gateway.url,
    pid: gateway.process.pid!,
    async close() {
      gateway.process.kill('SIGKILL');
      await gateway.exited;
      await simulator.close();
    },
  };
}

/** The process's resident set, in MB, from /proc. */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

export interface WatchReport {
  /** The slowest /healthz answer seen, in ms (a probe that never answered counts as its timeout). */
  slowestHealthzMs: number;
  /** /healthz probes that failed or took over a second. */
  failedProbes: number;
  probes: number;
  peakRssMb: number;
}

/** Probes /healthz and samples RSS every `everyMs` until stopped. */
export function watch(stack: Pick<AbuseStack, 'url' | 'pid'>, everyMs = 100): { stop(): Promise<WatchReport> } {
  const report: WatchReport = { slowestHealthzMs: 0, failedProbes: 0, probes: 0, peakRssMb: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        report.peakRssMb = Math.max(report.peakRssMb, rssMb(stack.pid));
      } catch {
        // the process is gone: the probe below fails and says so
      }
      let ok = false;
      try {
        const res = await fetch(`${stack.url}/healthz`, { signal: AbortSignal.timeout(1_000) });
        ok = res.status === 200 && (await res.text()) === 'ok\n';
      } catch {
        ok = false;
      }
      const took = performance.now() - started;
      report.probes++;
      report.slowestHealthzMs = Math.max(report.slowestHealthzMs, ok ? took : 1_000);
      if (!ok || took > 1_000) report.failedProbes++;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return report;
    },
  };
}

const LEGITIMATE_QUERY = '{ project(id: "g/p") { agents(first: 3) { nodes { name tokens(first: 1) { nodes { name } } } } } }';

/** A Maintainer's ordinary query: it must get its data during and after any attack. */
export async function legitimateQuery(url: string): Promise<void> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.maintainer}` },
    body: JSON.stringify({ query: LEGITIMATE_QUERY }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await res.json()) as { data?: { project?: { agents?: { nodes?: unknown[] } } }; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  expect(body.data?.project?.agents?.nodes).toHaveLength(3);
}

/** What every attack must leave: a live process, probes answered within a second, RSS under `maxRssMb`, a served legitimate caller. */
export async function expectSurvived(stack: AbuseStack, report: WatchReport, maxRssMb: number): Promise<void> {
  expect(stack.gateway.process.exitCode).toBeNull();
  expect(report.probes).toBeGreaterThan(0);
  expect(report.failedProbes, `slowest /healthz ${Math.round(report.slowestHealthzMs)} ms`).toBe(0);
  expect(report.peakRssMb).toBeLessThan(maxRssMb);
  await legitimateQuery(stack.url);
}

/** Sends a GraphQL POST without any token, as the attacks do. */
export async function anonymousPost(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/** A raw connection to the gateway, for clients no HTTP library would be: slow, or never reading. */
export function rawConnection(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** What a raw connection received until the server closed it (or `withinMs` passed): its bytes as text, and whether it was closed. */
export function received(socket: Socket, withinMs: number): Promise<{ text: string; closed: boolean }> {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ text, closed: false }), withinMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}
