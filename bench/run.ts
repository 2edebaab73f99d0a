/**
 * `npm run bench`: the gateway against the fewest REST calls and the physical
 * limit (issue 6). See docs/benchmarks.md for what it measures and how.
 *
 *   npm run bench                          # the table: 0 and 20 ms, 16 connections, 10 s a cell
 *   npm run bench -- --latency 20 --ops b,c --duration 5
 *   npm run bench -- --memory              # 60 s of (b) at 32 connections, RSS of the gateway
 *   npm run bench -- --write-docs          # also the numbers and chart of docs/benchmarks.md
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { fetch } from 'undici';
import { OPERATIONS, STRAIGHT, requestBody } from '../test/helpers/benchmark-operations.js';
import type { BenchOperation, OperationId } from '../test/helpers/benchmark-operations.js';
import { GRAPHQL_POST_HEADERS, TARGET_KINDS, directTarget, floorTarget, gatewayTarget, straightTarget } from './targets.js';
import type { TargetKind } from './targets.js';
import { buildChildren } from './lib/build.js';
import { childNodeArgs, cpuMs, runChildrenFrom, startChild, startScriptNodeArgs } from './lib/ipc.js';
import type { ChildHandle } from './lib/ipc.js';
import { drive } from './lib/load.js';
import type { Target } from './lib/load.js';
import { checkTargets, latencyLabel, medianCells, targetCpuMsPerOp } from './lib/results.js';
import type { BenchResults, Cell, Machine, MemoryResults, OperationInfo, TargetCheck } from './lib/results.js';
import { markdownTable, printTable, printTargets, updateDocs } from './lib/report.js';
import { renderChart } from './lib/chart.js';

const HELP = `npm run bench [-- options]

  --duration <s>        seconds per measured cell (env BENCH_DURATION, default 5)
  --rounds <n>          loaded cells are measured n times, interleaved; the median is kept (BENCH_ROUNDS, 3)
  --connections <n>     concurrent connections of the load generator (BENCH_CONNECTIONS, 16)
  --latency <ms,...>    added simulator latencies (BENCH_LATENCIES, 0,20)
  --jitter <ms>         each answer's latency drawn uniform in latency ± jitter, for latencies > 0 (BENCH_JITTER, 0)
  --ops <a,b,...>       operations to run (BENCH_OPS, a,b,c,d,e,f)
  --targets <list>      which of ${TARGET_KINDS.join(',')} to drive (BENCH_TARGETS, all four; the floor
                        runs with one connection at latencies > 0: see bench/floor.ts)
  --warmup <s>          warm-up before each cell, not measured (BENCH_WARMUP, 1)
  --jit-warmup <s>      before the first round, each loaded target drives each operation this long, not
                        measured: V8 goes on compiling hot code for tens of seconds of load (BENCH_JIT_WARMUP, 10)
  --unloaded <n>        operations per one-connection run at latencies > 0 (BENCH_UNLOADED, 40; 0 = none)
  --gitlab-tls          the simulator serves HTTPS (self-signed, trusted through NODE_EXTRA_CA_CERTS), HTTP/2 to
                        whoever offers it: the gateway as GITLAB_HTTP2 says, the direct baseline HTTP/1.1; no straight
                        target (BENCH_GITLAB_TLS=1)
  --out <dir>           where latest.json, latest.svg and memory.json go (BENCH_OUT, bench/results, not committed)
  --write-docs          also rewrite the numbers in docs/benchmarks.md (and its chart, docs/benchmarks.svg)
  --tracing             the gateway traces every request (OTEL_TRACES_SAMPLER=always_on, OTLP http/protobuf unless
                        OTEL_EXPORTER_OTLP_PROTOCOL says http/json) to a sink process that discards the spans
  --tsx                 run the children through tsx instead of transpiled JavaScript on plain Node
  --memory              the RSS check instead: (b) at 32 connections for 60 s, then 60 s idle
  --memory-duration <s> (BENCH_MEMORY_DURATION, 60)
  --memory-after <s>    idle seconds watched after the load (BENCH_MEMORY_AFTER, 60)
  --memory-connections <n> (BENCH_MEMORY_CONNECTIONS, 32)
  --memory-latency <ms> (BENCH_MEMORY_LATENCY, 0)
`;

const argv = process.argv.slice(2);
const { values: flags } = parseArgs({
  args: argv,
  options: {
    duration: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string' },
    latency: { type: 'string' },
    jitter: { type: 'string' },
    ops: { type: 'string' },
    targets: { type: 'string' },
    warmup: { type: 'string' },
    'jit-warmup': { type: 'string' },
    unloaded: { type: 'string' },
    'gitlab-tls': { type: 'boolean', default: false },
    out: { type: 'string' },
    'write-docs': { type: 'boolean', default: false },
    tracing: { type: 'boolean', default: false },
    tsx: { type: 'boolean', default: false },
    memory: { type: 'boolean', default: false },
    'memory-duration': { type: 'string' },
    'memory-after': { type: 'string' },
    'memory-connections': { type: 'string' },
    'memory-latency': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const usedEnv: string[] = [];
function setting(flag: string | undefined, envName: string, fallback: string): string {
  if (flag !== undefined) return flag;
  const env = process.env[envName];
  if (env !== undefined && env !== '') {
    usedEnv.push(`${envName}=${env}`);
    return env;
  }
  return fallback;
}
function number(text: string, name: string, min: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}, got "${text}"`);
  return value;
}

const settings = {
  durationS: number(setting(flags.duration, 'BENCH_DURATION', '5'), '--duration', 0.5),
  rounds: Math.round(number(setting(flags.rounds, 'BENCH_ROUNDS', '3'), '--rounds', 1)),
  connections: number(setting(flags.connections, 'BENCH_CONNECTIONS', '16'), '--connections', 1),
  latenciesMs: setting(flags.latency, 'BENCH_LATENCIES', '0,20').split(',').map((s) => number(s.trim(), '--latency', 0)),
  jitterMs: number(setting(flags.jitter, 'BENCH_JITTER', '0'), '--jitter', 0),
  ops: setting(flags.ops, 'BENCH_OPS', 'a,b,c,d,e,f').split(',').map((s) => s.trim()) as OperationId[],
  targets: setting(flags.targets, 'BENCH_TARGETS', TARGET_KINDS.join(',')).split(',').map((s) => s.trim()) as TargetKind[],
  warmupS: number(setting(flags.warmup, 'BENCH_WARMUP', '1'), '--warmup', 0),
  jitWarmupS: number(setting(flags['jit-warmup'], 'BENCH_JIT_WARMUP', '10'), '--jit-warmup', 0),
  unloadedOps: number(setting(flags.unloaded, 'BENCH_UNLOADED', '40'), '--unloaded', 0),
  gitlabTls: flags['gitlab-tls'] || setting(undefined, 'BENCH_GITLAB_TLS', '') === '1',
  out: setting(flags.out, 'BENCH_OUT', 'bench/results'),
  memoryDurationS: number(setting(flags['memory-duration'], 'BENCH_MEMORY_DURATION', '60'), '--memory-duration', 1),
  memoryAfterS: number(setting(flags['memory-after'], 'BENCH_MEMORY_AFTER', '60'), '--memory-after', 1),
  memoryConnections: number(setting(flags['memory-connections'], 'BENCH_MEMORY_CONNECTIONS', '32'), '--memory-connections', 1),
  memoryLatencyMs: number(setting(flags['memory-latency'], 'BENCH_MEMORY_LATENCY', '0'), '--memory-latency', 0),
};
for (const kind of settings.targets) if (!TARGET_KINDS.includes(kind)) throw new Error(`unknown target "${kind}" (${TARGET_KINDS.join(', ')})`);
// The load generator would have to trust the simulator's certificate, and it is this process.
if (settings.gitlabTls) settings.targets = settings.targets.filter((kind) => kind !== 'straight');
for (const id of settings.ops) if (!OPERATIONS.some((op) => op.id === id)) throw new Error(`unknown operation "${id}" (a..f)`);
const operations = OPERATIONS.filter((op) => settings.ops.includes(op.id));
const command = [...usedEnv, 'npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');

const machine: Machine = {
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
  cpus: os.availableParallelism(),
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  loadAverageAtStart: Math.round(os.loadavg()[0]! * 100) / 100,
};

/**
 * BENCH_PROFILE=<dir>: a V8 CPU profile of the gateway (or the baseline) over each measured run, one file a cell
 * (open it in Chrome DevTools); with BENCH_PROFILE_KIND=heap, a sampling heap profile of every allocation instead,
 * and each cell says how many KiB the process allocated per operation (what GC has to clear).
 */
/** The gateway runs with `npm start`'s Node flags (its heap limit), plus any BENCH_GATEWAY_NODE_ARGS. */
const GATEWAY_NODE_ARGS = childNodeArgs('gateway', startScriptNodeArgs());
const PROFILE_DIR = process.env.BENCH_PROFILE?.trim() || undefined;
const PROFILE_KIND = process.env.BENCH_PROFILE_KIND === 'heap' ? 'heap' : 'cpu';
if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });

/** What --write-docs rewrites: the committed numbers and chart, never the raw results. */
const DOCS = 'docs/benchmarks.md';
const DOCS_CHART = 'docs/benchmarks.svg';

const PROCESSES = `processes sharing the machine: the load generator (autocannon, in the bench process), and as child processes of their own (driven over IPC) the simulator, the gateway (built as src/server.ts builds it), the direct baseline${settings.targets.includes('floor') ? " and the floor's GitLab and client" : ''}, ${flags.tsx ? 'run through tsx' : 'transpiled to JavaScript and run on plain Node, as npm start runs the gateway'}; no CPU pinning`;

interface SimStats {
  total: number;
  counts: Record<string, number>;
}

const children: ChildHandle<unknown>[] = [];
async function stopChildren(): Promise<void> {
  await Promise.all(children.splice(0).map((child) => child.stop()));
}
process.on('SIGINT', () => void stopChildren().then(() => process.exit(130)));

const log = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

/** --tracing: the gateway's OTEL_* settings, exporting to a sink of its own that discards what it gets. */
async function tracingEnv(): Promise<NodeJS.ProcessEnv> {
  if (!flags.tracing) return {};
  const sink = await startChild<{ url: string }>('otlp-sink', {});
  children.push(sink);
  return { OTEL_EXPORTER_OTLP_ENDPOINT: sink.info.url, OTEL_TRACES_SAMPLER: 'always_on', OTEL_EXPORTER_OTLP_PROTOCOL: process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf' };
}

async function startStack(latencyMs: number, withBaselines: boolean) {
  const sim = await startChild<{ url: string; caFile?: string }>('simulator', { latencyMs: String(latencyMs), ...(settings.gitlabTls ? { tls: 'true' } : {}) });
  children.push(sim);
  const trustSimulator = sim.info.caFile === undefined ? {} : { NODE_EXTRA_CA_CERTS: sim.info.caFile };
  const gateway = await startChild<{ url: string; maxConcurrentCallsPerRequest?: number; gitlabConnections: number }>('gateway', { gitlabUrl: sim.info.url }, { ...trustSimulator, ...(await tracingEnv()) }, GATEWAY_NODE_ARGS);
  children.push(gateway);
  // The gateway's pool size (GITLAB_CONNECTIONS): the baselines queue for as many sockets.
  const poolConnections = gateway.info.gitlabConnections;
  let direct: ChildHandle<{ url: string }> | undefined;
  let floor: Floor | undefined;
  if (withBaselines) {
    direct = await startChild<{ url: string }>('direct', { gitlabUrl: sim.info.url, connections: String(poolConnections) }, trustSimulator);
    children.push(direct);
  }
  if (withBaselines && settings.targets.includes('floor')) {
    const gitlab = await startChild<{ url: string }>('floor-gitlab', { latencyMs: String(latencyMs) });
    children.push(gitlab);
    const client = await startChild<{ url: string }>('floor', { gitlabUrl: gitlab.info.url, connections: String(poolConnections) });
    children.push(client);
    floor = { gitlab, client };
  }
  return { sim, gateway, direct, floor, poolConnections };
}

/** The floor's two processes: a GitLab and a client that do nothing but wait (bench/floor.ts). */
type Floor = { gitlab: ChildHandle<{ url: string }>; client: ChildHandle<{ url: string }> };

async function main(): Promise<void> {
  const began = performance.now();
  runChildrenFrom(flags.tsx ? undefined : buildChildren());
  if (flags.memory) return memoryCheck();

  log(`agent-gateway benchmark: ${command}`);
  log(`${machine.os}, ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, load average ${machine.loadAverageAtStart}`);
  if (machine.loadAverageAtStart > 0.5) log('⚠ something else is using the CPUs: the numbers will be lower and noisier than on a quiet machine');
  const { sim, gateway, direct, floor, poolConnections } = await startStack(0, true);
  const targets = (op: BenchOperation): [TargetKind, Target][] =>
    (
      [
        ['gateway', gatewayTarget(gateway.info.url, op)],
        ['direct', directTarget(direct!.info.url, op)],
      ] as [TargetKind, Target][]
    ).filter(([kind]) => settings.targets.includes(kind));

  // Pre-flight: each operation once, alone, through both: the same answer, and the REST calls it took.
  const infos: OperationInfo[] = [];
  for (const op of operations) {
    const gw = await once(sim, `${gateway.info.url}/graphql`, op);
    const dc = await once(sim, `${direct!.info.url}${op.directPath}`, op);
    const sameAnswer = gw.answer === dc.answer;
    infos.push({ id: op.id, title: op.title, file: `test/helpers/benchmark-operations/${op.file}`, requests: op.requests, minimumCalls: op.minimumCalls, criticalPath: op.criticalPath, preflight: { gatewayCalls: gw.calls, directCalls: dc.calls, sameAnswer } });
    log(`  (${op.id}) ${op.title}: gateway ${gw.calls} calls, direct ${dc.calls}, minimum ${op.minimumCalls}${sameAnswer ? '' : '  ⚠ the answers differ'}`);
  }

  const cells: Cell[] = [];
  for (const latencyMs of settings.latenciesMs) {
    await sim.call('setLatency', { ms: latencyMs, jitterMs: settings.jitterMs });
    await floor?.gitlab.call('setLatency', { ms: latencyMs, jitterMs: settings.jitterMs });
    log(`\nadded latency ${latencyLabel(settings.jitterMs, latencyMs)}, ${settings.connections} connections, ${settings.durationS} s a cell, ${settings.rounds} round(s)`);
    const stack = { sim, gateway, direct: direct!, floor };
    const measured: Cell[] = [];
    const cell = async (op: BenchOperation | undefined, kind: TargetKind, target: Target, load: Cell['load']) => {
      const c = await measureCell(stack, latencyMs, op, kind, target, load);
      measured.push(c);
      log(describe(c));
    };

    const loadedCells = (): { op: BenchOperation | undefined; kind: TargetKind; target: Target }[] => [
      ...(settings.targets.includes('straight') ? [{ op: undefined, kind: 'straight' as const, target: straightTarget(sim.info.url) }] : []),
      ...operations.flatMap((op) => targets(op).map(([kind, target]) => ({ op, kind, target }))),
    ];
    // Every process starts cold: a first round would measure V8 compiling (the gateway's first (a) cell once ran at
    // half the rate of its later ones, its main thread waiting a quarter of the time behind the compiler threads).
    if (latencyMs === settings.latenciesMs[0] && settings.jitWarmupS > 0) {
      log(`  JIT warm-up: ${settings.jitWarmupS} s of each operation through each target, not measured`);
      for (const { target } of loadedCells()) await warmUp(target, settings.connections, settings.jitWarmupS);
    }
    for (let round = 1; round <= settings.rounds; round++) {
      if (settings.rounds > 1) log(`  round ${round} of ${settings.rounds}`);
      for (const { op, kind, target } of loadedCells()) await cell(op, kind, target, 'loaded');
    }
    if (latencyMs > 0 && settings.unloadedOps > 0) {
      log(`  one connection, ${settings.unloadedOps} operations each: latency with nothing queued`);
      for (const op of operations) for (const [kind, target] of targets(op)) await cell(op, kind, target, 'unloaded');
      if (floor) {
        for (const op of operations) {
          const target = floorTarget(floor.client.info.url, op);
          // Nothing has driven the floor yet: its sockets and code are warmed as the loaded cells warm the others'.
          await warmUp(target, settings.connections);
          await cell(op, 'floor', target, 'unloaded');
        }
      }
    }
    cells.push(...medianCells(measured));
  }
  await stopChildren();

  const results: BenchResults = {
    date: new Date().toISOString(),
    command,
    machine,
    settings: {
      durationS: settings.durationS,
      rounds: settings.rounds,
      warmupS: settings.warmupS,
      jitWarmupS: settings.jitWarmupS,
      connections: settings.connections,
      latenciesMs: settings.latenciesMs,
      jitterMs: settings.jitterMs,
      unloadedOps: settings.unloadedOps,
      poolConnections,
      maxConcurrentCallsPerRequest: gateway.info.maxConcurrentCallsPerRequest,
      processes: PROCESSES,
    },
    operations: infos,
    straight: { title: STRAIGHT.title, path: STRAIGHT.path },
    cells,
    targets: [],
    elapsedS: 0,
  };
  results.targets = checkTargets(results);
  results.elapsedS = Math.round((performance.now() - began) / 1_000);

  log('');
  printTable(results, log);
  printTargets(results.targets, log);
  mkdirSync(settings.out, { recursive: true });
  writeFileSync(`${settings.out}/latest.json`, `${JSON.stringify(results, null, 2)}\n`);
  const chart = renderChart(results);
  writeFileSync(`${settings.out}/latest.svg`, chart);
  log(`\nwrote ${settings.out}/latest.json and ${settings.out}/latest.svg (${results.elapsedS} s in all)`);
  if (flags['write-docs']) {
    updateDocs(DOCS, 'table', markdownTable(results));
    writeFileSync(DOCS_CHART, chart);
    log(`updated the numbers in ${DOCS} and its chart ${DOCS_CHART}`);
  }
}

type Stack = { sim: ChildHandle<unknown>; gateway: ChildHandle<unknown>; direct: ChildHandle<unknown>; floor: Floor | undefined };

/**
 * One cell: a warm-up (loaded cells only), then a fixed number of whole
 * operations, with the simulator's counters and every process's CPU time
 * read around it.
 */
async function measureCell(stack: Stack, latencyMs: number, op: BenchOperation | undefined, kind: TargetKind, target: Target, load: Cell['load']): Promise<Cell> {
  // The floor's cells count and time its own GitLab's answers, not the simulator's.
  const sim = kind === 'floor' ? stack.floor!.gitlab : stack.sim;
  const connections = load === 'loaded' ? settings.connections : 1;
  const operationsToRun = load === 'loaded' ? Math.max(connections * 2, Math.round((await warmUp(target, connections)) * settings.durationS)) : settings.unloadedOps;
  await sim.call('settle', 100 + 3 * latencyMs);

  // CPU time of the system under test and of the simulator over the run: the overhead per operation, whatever else the machine does.
  const serving = { gateway: stack.gateway, direct: stack.direct, floor: stack.floor?.client, straight: undefined }[kind];
  const read = () => Promise.all([serving?.call<number>('cpu'), sim.call<number>('cpu'), serving?.call<number>('connects')]);
  const before = await read();
  const profile = PROFILE_DIR && serving ? `${PROFILE_DIR}/${latencyMs}ms-${op?.id ?? 'straight'}-${kind}-${load}.${PROFILE_KIND}profile` : undefined;
  if (profile) await serving!.call('profileStart', PROFILE_KIND);
  const machineBefore = machineBusyMs();
  const selfBefore = cpuMs();
  const result = await drive(target, { connections, operations: operationsToRun });
  const selfAfter = cpuMs();
  const machineAfter = machineBusyMs();
  const allocated = profile ? await serving!.call<number | undefined>('profileStop', profile) : undefined;
  const after = await read();
  const stats = await sim.call<SimStats>('stats');

  const delta = (i: 0 | 1 | 2) => (after[i] === undefined || before[i] === undefined ? undefined : after[i]! - before[i]!);
  const perOp = (i: 0 | 1) => {
    const used = delta(i);
    return used === undefined ? undefined : used / Math.max(1, result.ops);
  };
  const ours = selfAfter - selfBefore + (delta(1) ?? 0) + (delta(0) ?? 0);
  const other =
    machineBefore === undefined || machineAfter === undefined ? undefined : Math.max(0, ((machineAfter - machineBefore - ours) / (result.elapsedMs * machine.cpus)) * 100);
  return {
    latencyMs,
    op: op?.id ?? 'straight',
    target: kind,
    load,
    connections,
    ops: result.ops,
    elapsedS: result.elapsedMs / 1_000,
    opsPerSec: result.opsPerSec,
    latency: result.latency,
    failures: result.failures,
    callsPerOp: stats.total / Math.max(1, result.ops),
    minimumCalls: op?.minimumCalls ?? STRAIGHT.minimumCalls,
    criticalPathMs: (op?.criticalPath ?? STRAIGHT.criticalPath) * latencyMs,
    cpuMsPerOp: targetCpuMsPerOp(kind, { serving: delta(0), simulator: delta(1)! }, result.ops),
    simulatorCpuMsPerOp: perOp(1)!,
    otherCpuPercent: other === undefined ? undefined : Math.round(other),
    connectsToGitLab: delta(2),
    routes: stats.counts,
    ...(allocated === undefined ? {} : { allocatedKiBPerOp: allocated / 1024 / Math.max(1, result.ops) }),
  };
}

/** One line of progress per cell. */
function describe(c: Cell): string {
  const failed = c.failures.errors + c.failures.non2xx + c.failures.mismatches;
  return [
    `  ${c.load === 'loaded' ? '' : 'c=1 '}(${c.op}) ${c.target.padEnd(8)} ${fmt(c.opsPerSec, 0).padStart(6)} ops/s`,
    `p50 ${fmt(c.latency.p50)}  p90 ${fmt(c.latency.p90)}  p99 ${fmt(c.latency.p99)} ms`,
    `${fmt(c.callsPerOp, 2)} calls/op (min ${c.minimumCalls})`,
    `cpu ${c.cpuMsPerOp === undefined ? '—' : fmt(c.cpuMsPerOp, 2)} ms/op (${c.target === 'floor' ? "the floor's GitLab" : 'simulator'} ${fmt(c.simulatorCpuMsPerOp, 2)})`,
    ...(c.allocatedKiBPerOp === undefined ? [] : [`allocated ${fmt(c.allocatedKiBPerOp, 1)} KiB/op`]),
    ...(c.connectsToGitLab ? [`${c.connectsToGitLab} new connections to GitLab`] : []),
    ...((c.otherCpuPercent ?? 0) >= 5 ? [`⚠ other processes used ${c.otherCpuPercent}% of the CPUs`] : []),
    ...(failed > 0 ? [`⚠ ${failed} failed`] : []),
  ].join('  ');
}

/** CPU time the whole machine has been busy (all cores, ms), from /proc/stat; undefined off Linux. */
function machineBusyMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait, in clock ticks (100 a second).
    const busy = fields.slice(0, 8).reduce((sum, v, i) => (i === 3 || i === 4 ? sum : sum + v), 0);
    return busy * 10;
  } catch {
    return undefined;
  }
}

/**
 * Warms a target up for about `seconds` (--warmup by default) and returns the
 * rate of its last batch (operations/s). Every warm-up operation runs to its
 * end: one cut off would make the gateway cancel its REST calls and drop
 * their sockets, which the measured run would then pay for.
 */
async function warmUp(target: Target, connections: number, seconds = settings.warmupS): Promise<number> {
  const started = performance.now();
  let operations = connections * 2;
  // Batch after batch until the time is up, each sized from the rate of the one before: a process that is
  // still compiling speeds up as it goes, so a rate read early would end the warm-up well before its time.
  for (;;) {
    const rate = (await drive(target, { connections, operations })).opsPerSec;
    const remainingS = seconds - (performance.now() - started) / 1_000;
    if (remainingS <= 0.2) return rate;
    operations = Math.max(connections, Math.round(rate * remainingS));
  }
}

/** One whole operation, alone, over HTTP: its answer (as JSON text) and the REST calls the simulator saw. */
async function once(sim: ChildHandle<unknown>, url: string, op: BenchOperation): Promise<{ answer: string; calls: number }> {
  await sim.call('settle', 50);
  const answers: unknown[] = [];
  let after: string | null = null;
  for (let i = 0; i < op.requests; i++) {
    const res = await fetch(url, {
      method: 'POST',
      headers: GRAPHQL_POST_HEADERS,
      body: requestBody(op, after),
    });
    const body = (await res.json()) as { data?: { project?: { agents?: { pageInfo?: { endCursor: string | null } } } } };
    answers.push(body);
    after = body.data?.project?.agents?.pageInfo?.endCursor ?? null;
  }
  const stats = await sim.call<SimStats>('stats');
  return { answer: JSON.stringify(answers), calls: stats.total };
}

/** The RSS check: the gateway's own RSS, once a second, before, during and after a long run of (b). */
async function memoryCheck(): Promise<void> {
  const op = OPERATIONS.find((o) => o.id === 'b')!;
  const { connections } = { connections: settings.memoryConnections };
  log(`agent-gateway RSS check: ${command}`);
  log(`(${op.id}) ${op.title}, ${connections} connections for ${settings.memoryDurationS} s at ${settings.memoryLatencyMs} ms, then ${settings.memoryAfterS} s idle`);
  const { gateway } = await startStack(settings.memoryLatencyMs, false);
  const samples: MemoryResults['samples'] = [];
  const t0 = performance.now();
  let phase: MemoryResults['samples'][number]['phase'] = 'idle';
  const sample = async () => {
    const m = await gateway.call<NodeJS.MemoryUsage>('memory');
    samples.push({ t: Math.round((performance.now() - t0) / 100) / 10, phase, rssMiB: m.rss / 2 ** 20, heapUsedMiB: m.heapUsed / 2 ** 20 });
  };
  for (let i = 0; i < 3; i++) {
    await sample();
    await sleep(1_000);
  }
  await sample();
  const startMiB = samples[samples.length - 1]!.rssMiB;
  const liveStartMiB = (await gateway.call<number>('liveHeap')) / 2 ** 20;
  phase = 'load';
  const timer = setInterval(() => void sample(), 1_000);
  const result = await drive(gatewayTarget(gateway.info.url, op), { connections, durationMs: settings.memoryDurationS * 1_000 });
  clearInterval(timer);
  phase = 'after';
  const loadEnded = samples.length;
  // V8 gives memory back when its memory reducer sees the process idle, some 20-40 s after the load: watch for it.
  for (let i = 0; i < settings.memoryAfterS; i++) {
    await sleep(1_000);
    await sample();
  }
  const liveAfterMiB = (await gateway.call<number>('liveHeap')) / 2 ** 20;
  await stopChildren();
  const peakMiB = Math.max(...samples.map((s) => s.rssMiB));
  const afterMiB = samples[samples.length - 1]!.rssMiB;
  // Idle is the start or less: V8 and malloc may give back more than the start held (pages touched while starting up).
  const atIdle = (s: { rssMiB: number }) => (s.rssMiB - startMiB) / startMiB <= 0.1;
  const idle = samples.slice(loadEnded);
  // The first second after which RSS stays at most 10% above the start.
  const backAt = idle.findIndex((_, i) => idle.slice(i).every(atIdle));
  const backAfterS = backAt < 0 ? undefined : Math.round(idle[backAt]!.t - samples[loadEnded - 1]!.t);
  const targets: TargetCheck[] = [
    { name: 'RSS during the load', goal: '< 150 MB', measured: `peak ${fmt(peakMiB)} MiB (${fmt((peakMiB * 2 ** 20) / 1e6)} MB)`, met: peakMiB * 2 ** 20 < 150e6 },
    {
      name: `RSS after the load (watched for ${settings.memoryAfterS} s)`,
      goal: 'back to at most 10% above the start',
      measured: `${fmt(afterMiB)} vs ${fmt(startMiB)} MiB (${afterMiB >= startMiB ? '+' : ''}${fmt(((afterMiB - startMiB) / startMiB) * 100)}%)${backAfterS === undefined ? ', not back' : `, back ${backAfterS} s after the load`}`,
      met: backAfterS !== undefined,
    },
    {
      name: '(reference) live heap after a full GC, after the load',
      // What stays is the pool's open keep-alive sockets and bounded caches: the same after 20 s of load as after 150 s.
      goal: 'within 8 MiB of the start (no leak)',
      measured: `${fmt(liveAfterMiB)} vs ${fmt(liveStartMiB)} MiB`,
      met: liveAfterMiB - liveStartMiB <= 8,
    },
  ];
  const results: MemoryResults = {
    date: new Date().toISOString(),
    command,
    machine,
    settings: { op: op.id, connections, loadS: settings.memoryDurationS, afterS: settings.memoryAfterS, latencyMs: settings.memoryLatencyMs, gatewayNodeArgs: GATEWAY_NODE_ARGS.join(' ') },
    samples,
    startMiB,
    peakMiB,
    afterMiB,
    ...(backAfterS === undefined ? {} : { backAfterS }),
    liveHeapMiB: { start: liveStartMiB, after: liveAfterMiB },
    ops: result.ops,
    opsPerSec: result.opsPerSec,
    targets,
  };
  log(`  ${result.ops} operations (${fmt(result.opsPerSec, 0)}/s), ${result.failures.errors + result.failures.non2xx + result.failures.mismatches} failed`);
  log(`  RSS: start ${fmt(startMiB)} MiB, peak ${fmt(peakMiB)} MiB, ${settings.memoryAfterS} s after ${fmt(afterMiB)} MiB${backAfterS === undefined ? '' : ` (back to at most 10% above the start after ${backAfterS} s)`}; live heap after a full GC: ${fmt(liveStartMiB)} → ${fmt(liveAfterMiB)} MiB`);
  log(`  RSS each second (MiB): ${samples.map((s) => fmt(s.rssMiB, 0)).join(' ')}`);
  printTargets(targets, log);
  mkdirSync(settings.out, { recursive: true });
  writeFileSync(`${settings.out}/memory.json`, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nwrote ${settings.out}/memory.json`);
  if (flags['write-docs']) {
    updateDocs(DOCS, 'memory', memoryMarkdown(results));
    log(`updated the RSS numbers in ${DOCS}`);
  }
}

function memoryMarkdown(r: MemoryResults): string {
  return [
    `Measured ${r.date.slice(0, 10)} with \`${r.command}\` (${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}): (${r.settings.op}) at ${r.settings.connections} connections for ${r.settings.loadS} s, ${r.settings.latencyMs} ms added latency, ${r.ops} operations (${fmt(r.opsPerSec, 0)}/s).`,
    '',
    `| RSS at the start | peak during the load | ${r.settings.afterS} s after the load | change vs start | back to ≤ start + 10% | live heap after a full GC: start → after |`,
    '| --- | --- | --- | --- | --- | --- |',
    `| ${fmt(r.startMiB)} MiB | ${fmt(r.peakMiB)} MiB | ${fmt(r.afterMiB)} MiB | ${r.afterMiB >= r.startMiB ? '+' : ''}${fmt(((r.afterMiB - r.startMiB) / r.startMiB) * 100)}% | ${r.backAfterS === undefined ? 'no' : `${r.backAfterS} s after the load`} | ${fmt(r.liveHeapMiB.start)} → ${fmt(r.liveHeapMiB.after)} MiB |`,
    '',
    ...r.targets.map((t) => `- ${t.met ? '✅' : '❌'} ${t.name}: ${t.goal} — ${t.measured}`),
  ].join('\n');
}

main().catch(async (err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  await stopChildren();
  process.exit(1);
});
