/** The shape of a run's latest.json (bench/results/ by default), and the targets read from it. */
import { cappedJitter } from '../../simulator/src/latency.js';
import type { OperationId } from '../../test/helpers/benchmark-operations.js';
import type { TargetKind } from '../targets.js';
import type { LoadResult } from './load.js';

export interface Machine {
  os: string;
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  node: string;
  /** 1-minute load average when the run began: above ~0.5 something else was using the CPUs. */
  loadAverageAtStart: number;
}

export interface Cell {
  latencyMs: number;
  op: OperationId | 'straight';
  target: TargetKind;
  /** 'loaded': `connections` concurrent connections; 'unloaded': one connection, nothing queued anywhere. */
  load: 'loaded' | 'unloaded';
  connections: number;
  ops: number;
  elapsedS: number;
  opsPerSec: number;
  latency: LoadResult['latency'];
  failures: LoadResult['failures'];
  /** REST calls the simulator counted over the run ÷ completed operations. */
  callsPerOp: number;
  minimumCalls: number;
  /** Added latency × dependent round trips: the least any client can take. */
  criticalPathMs: number;
  /**
   * CPU time (user + system) the system under test spent per operation, ms:
   * the gateway, the direct baseline, the floor's client, or for the straight
   * call the simulator itself (targetCpuMsPerOp). With several rounds, the
   * median of the rounds' (CPU time drifts less than throughput on a shared machine).
   */
  cpuMsPerOp: number | undefined;
  /** CPU time the simulator spent per operation, ms. */
  simulatorCpuMsPerOp: number;
  /** CPU the machine spent on processes other than the benchmark's during the run, % of all cores (Linux): above a few %, the numbers are disturbed. */
  otherCpuPercent: number | undefined;
  /** TCP connections the system under test opened to the simulator during the run (keep-alive should keep it near 0). */
  connectsToGitLab: number | undefined;
  /** REST calls of the run, by route template. */
  routes: Record<string, number>;
  /** With BENCH_PROFILE_KIND=heap: KiB the system under test allocated per operation (the sampling heap profile's estimate, collected objects included). */
  allocatedKiBPerOp?: number;
  /** With several rounds: operations/s of every round, in order; this cell is the median round's. */
  roundsOpsPerSec?: number[];
  /** With several rounds: CPU ms per operation of every round, in order. */
  roundsCpuMsPerOp?: (number | undefined)[];
}

/**
 * The CPU ms per operation of the process serving a target over one run,
 * from the CPU time (ms) it and the simulator used during the run: the
 * straight call's process is the simulator. Undefined when the process was
 * not read or no operation completed.
 */
export function targetCpuMsPerOp(target: TargetKind, used: { serving: number | undefined; simulator: number }, operations: number): number | undefined {
  const ms = target === 'straight' ? used.simulator : used.serving;
  return ms === undefined || operations <= 0 ? undefined : ms / operations;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

/**
 * One cell per latency, operation, target and load: the median round's, by
 * operations/s. Rounds interleave the targets (straight, then each operation
 * through the gateway and the direct baseline, then again), so a machine that
 * speeds up or slows down during the run weighs on all of them alike.
 * Its CPU ms per operation is the median of the rounds' own, which need not
 * be that round's.
 */
export function medianCells(rounds: Cell[]): Cell[] {
  const groups = new Map<string, Cell[]>();
  for (const cell of rounds) {
    const key = `${cell.latencyMs}/${cell.op}/${cell.target}/${cell.load}`;
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return [...groups.values()].map((group) => {
    if (group.length === 1) return group[0]!;
    const sorted = [...group].sort((a, b) => a.opsPerSec - b.opsPerSec);
    const cpu = group.map((cell) => cell.cpuMsPerOp);
    const measured = cpu.filter((ms): ms is number => ms !== undefined);
    return {
      ...sorted[Math.floor((sorted.length - 1) / 2)]!,
      roundsOpsPerSec: group.map((cell) => cell.opsPerSec),
      cpuMsPerOp: measured.length > 0 ? median(measured) : undefined,
      roundsCpuMsPerOp: cpu,
    };
  });
}

export interface OperationInfo {
  id: OperationId;
  title: string;
  file: string;
  requests: number;
  minimumCalls: number;
  criticalPath: number;
  /** One operation, alone: REST calls through the gateway and through the direct baseline, and whether both answered the same JSON. */
  preflight: { gatewayCalls: number; directCalls: number; sameAnswer: boolean };
}

export interface TargetCheck {
  name: string;
  goal: string;
  measured: string;
  met: boolean;
}

export interface BenchResults {
  date: string;
  command: string;
  machine: Machine;
  settings: {
    durationS: number;
    rounds: number;
    warmupS: number;
    /** Seconds of each operation through each loaded target before the first round (older results: none). */
    jitWarmupS?: number;
    connections: number;
    latenciesMs: number[];
    /** Each answer's latency drawn uniform in latency ± this (absent in results from before the option). */
    jitterMs?: number;
    unloadedOps: number;
    poolConnections: number;
    maxConcurrentCallsPerRequest: number | undefined;
    processes: string;
  };
  operations: OperationInfo[];
  straight: { title: string; path: string };
  cells: Cell[];
  targets: TargetCheck[];
  elapsedS: number;
}

export interface MemoryResults {
  date: string;
  command: string;
  machine: Machine;
  settings: { op: OperationId; connections: number; loadS: number; afterS: number; latencyMs: number; gatewayNodeArgs: string };
  /** RSS in MiB, once a second: before, during and after the load. */
  samples: { t: number; phase: 'idle' | 'load' | 'after'; rssMiB: number; heapUsedMiB: number }[];
  startMiB: number;
  peakMiB: number;
  afterMiB: number;
  /** Seconds after the load from which RSS stayed at most 10% above the start. */
  backAfterS?: number;
  /** heapUsed after a full GC (what is really alive): before the load and 10 s after it. */
  liveHeapMiB: { start: number; after: number };
  ops: number;
  opsPerSec: number;
  targets: TargetCheck[];
}

const signed = (n: number) => `${n < 0 ? '−' : '+'}${Math.abs(n).toFixed(1)}`;

/** `20 ms`, or `20 ± 10 ms` when the run drew latencies, with the jitter the simulator really applied. */
export function latencyLabel(jitterMs: number | undefined, latencyMs: number): string {
  const jitter = cappedJitter(latencyMs, jitterMs ?? 0);
  return jitter > 0 ? `${latencyMs} ± ${jitter} ms` : `${latencyMs} ms`;
}

export const find = (cells: Cell[], latencyMs: number, op: Cell['op'], target: TargetKind, load: Cell['load'] = 'loaded') =>
  cells.find((c) => c.latencyMs === latencyMs && c.op === op && c.target === target && c.load === load);

const mark = (ok: boolean) => (ok ? '✓' : '✗');

/** One connection's p50s against round trips × latency, the 3 ms allowed above it. */
function withinCriticalPath(cells: Cell[]): Pick<TargetCheck, 'goal' | 'measured' | 'met'> {
  const within = (c: Cell) => c.latency.p50 - c.criticalPathMs <= 3;
  return {
    goal: '≤ round trips × latency + 3 ms',
    measured: cells.map((c) => `(${c.op}) ${c.latency.p50.toFixed(1)}/${c.criticalPathMs} ${mark(within(c))}`).join(', '),
    met: cells.every(within),
  };
}

/** The targets, measured and reported, never asserted. */
export function checkTargets(r: Pick<BenchResults, 'cells' | 'operations' | 'settings'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const gatewayLoaded = r.cells.filter((c) => c.target === 'gateway' && c.load === 'loaded');
  if (gatewayLoaded.length > 0) {
    const off = gatewayLoaded.filter((c) => Math.abs(c.callsPerOp - c.minimumCalls) > 0.005);
    checks.push({
      name: 'REST calls per operation = the minimum',
      goal: 'every operation, every latency',
      measured: off.length === 0 ? 'all equal' : off.map((c) => `(${c.op}) @${c.latencyMs} ms: ${c.callsPerOp.toFixed(2)} vs ${c.minimumCalls}`).join('; '),
      met: off.length === 0,
    });
  }
  for (const latencyMs of [...new Set(r.cells.filter((c) => c.latencyMs > 0 && c.load === 'unloaded').map((c) => c.latencyMs))]) {
    const rows = r.cells.filter((c) => c.latencyMs === latencyMs && c.target === 'gateway' && c.load === 'unloaded');
    // Round trips × latency is the critical path only when every answer takes the latency; with jitter the direct baseline is the measure.
    if (!r.settings.jitterMs && rows.length > 0) {
      checks.push({ name: `p50 within 3 ms of the critical path at ${latencyMs} ms (1 connection)`, ...withinCriticalPath(rows) });
    }
    // Not one of the targets: whether this machine lets anything at all meet the one above.
    const floors = r.cells.filter((c) => c.latencyMs === latencyMs && c.target === 'floor' && c.load === 'unloaded');
    if (!r.settings.jitterMs && floors.length > 0) {
      checks.push({
        name: `(reference) the floor within 3 ms of the critical path at ${latencyMs} ms (1 connection): a client and a GitLab that do nothing but wait`,
        ...withinCriticalPath(floors),
      });
    }
    // Not one of the targets: the direct baseline's p50 is what this simulator and machine allow, so this is the gateway's own share.
    const paired = rows.map((c) => [c, find(r.cells, latencyMs, c.op, 'direct', 'unloaded')] as const).filter(([, d]) => d !== undefined);
    if (paired.length > 0) {
      checks.push({
        name: `(reference) p50 within 3 ms of the direct baseline's at ${latencyLabel(r.settings.jitterMs, latencyMs)} (1 connection)`,
        goal: '≤ direct p50 + 3 ms',
        measured: paired.map(([c, d]) => `(${c.op}) ${signed(c.latency.p50 - d!.latency.p50)} ${mark(c.latency.p50 - d!.latency.p50 <= 3)}`).join(', '),
        met: paired.every(([c, d]) => c.latency.p50 - d!.latency.p50 <= 3),
      });
    }
  }
  const throughput = (name: string, goal: number, op: Cell['op'], base: TargetKind, baseOp: Cell['op'] = op, latencyMs = 0) => {
    const gw = find(r.cells, latencyMs, op, 'gateway');
    const ref = find(r.cells, latencyMs, baseOp, base);
    if (!gw || !ref) return;
    // The target is judged on the median rounds' ratio, which need not pair cells of the same round;
    // each round's own ratio is printed beside it so that a reader sees how far the verdict rests on that.
    const value = gw.opsPerSec / ref.opsPerSec;
    const rounds = gw.roundsOpsPerSec?.length === ref.roundsOpsPerSec?.length ? gw.roundsOpsPerSec?.map((ops, i) => ops / ref.roundsOpsPerSec![i]!) : undefined;
    const perRound = rounds ? ` (round by round: ${rounds.map(percent).join(', ')})` : '';
    checks.push({ name, goal: `≥ ${goal * 100}%`, measured: `${percent(value)}${perRound}`, met: value >= goal });
  };
  throughput('(b) throughput vs the direct baseline at 0 ms', 0.6, 'b', 'direct');
  throughput('(a) throughput vs the straight REST call at 0 ms', 0.25, 'a', 'straight', 'straight');
  // Issue 19's targets: the direct baseline is its "bare client".
  for (const op of ONE_CALL_OPS) throughput(`(${op}) one call: throughput vs the direct baseline at 0 ms`, 0.5, op, 'direct');
  for (const latencyMs of [0, 20]) throughput(`(b) nested: throughput vs the direct baseline at ${latencyMs} ms`, 0.9, 'b', 'direct', 'b', latencyMs);
  const gw20 = find(r.cells, 20, 'b', 'gateway');
  const direct20 = find(r.cells, 20, 'b', 'direct');
  if (gw20 && direct20) {
    const ratio = gw20.latency.p50 / direct20.latency.p50;
    checks.push({
      name: `(b) p50 at 20 ms (${gw20.connections} connections) vs the direct baseline's`,
      goal: '≤ direct p50 + 10%',
      measured: `${gw20.latency.p50.toFixed(1)} vs ${direct20.latency.p50.toFixed(1)} ms (${signed((ratio - 1) * 100)}%)`,
      met: ratio <= 1.1,
    });
  }
  const overFloor = r.cells
    .filter((c) => c.latencyMs === 20 && c.target === 'gateway' && c.load === 'unloaded')
    .flatMap((c) => {
      const floor = find(r.cells, 20, c.op, 'floor', 'unloaded');
      return floor ? [{ op: c.op, over: c.latency.p50 - floor.latency.p50, allowed: (ONE_CALL_OPS as readonly Cell['op'][]).includes(c.op) ? 1 : 3 }] : [];
    });
  if (overFloor.length > 0) {
    checks.push({
      name: 'p50 at 20 ms (1 connection) vs the floor',
      goal: '≤ floor + 1 ms for one-call operations, + 3 ms for the others',
      measured: overFloor.map((o) => `(${o.op}) ${signed(o.over)}/${o.allowed} ${mark(o.over <= o.allowed)}`).join(', '),
      met: overFloor.every((o) => o.over <= o.allowed),
    });
  }
  return checks;
}

/** The operations that make one REST call. */
const ONE_CALL_OPS = ['a', 'e', 'f'] as const;

// One decimal: a ratio of 24.7% must not read as the 25% it misses.
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
