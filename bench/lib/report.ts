/** The results as a console table, as Markdown for docs/benchmarks.md, and the targets' verdicts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { find, latencyLabel } from './results.js';
import type { BenchResults, Cell, TargetCheck } from './results.js';

const fmt = (n: number | undefined, digits = 1) => (n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : '—');
const pct = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? `${Math.round(n * 100)}%` : '—');

interface Row {
  op: Cell['op'];
  title: string;
  minimumCalls: number;
  criticalPathMs: number;
  gateway?: Cell;
  direct?: Cell;
  straight?: Cell;
  gatewayUnloaded?: Cell;
  directUnloaded?: Cell;
  floorUnloaded?: Cell;
}

function rows(r: BenchResults, latencyMs: number): Row[] {
  const out: Row[] = [];
  const straight = find(r.cells, latencyMs, 'straight', 'straight');
  if (straight) out.push({ op: 'straight', title: 'straight REST call of (a)', minimumCalls: 1, criticalPathMs: latencyMs, straight });
  for (const op of r.operations) {
    const gateway = find(r.cells, latencyMs, op.id, 'gateway');
    const direct = find(r.cells, latencyMs, op.id, 'direct');
    if (!gateway && !direct) continue;
    out.push({
      op: op.id,
      title: op.title,
      minimumCalls: op.minimumCalls,
      criticalPathMs: op.criticalPath * latencyMs,
      gateway,
      direct,
      gatewayUnloaded: find(r.cells, latencyMs, op.id, 'gateway', 'unloaded'),
      directUnloaded: find(r.cells, latencyMs, op.id, 'direct', 'unloaded'),
      floorUnloaded: find(r.cells, latencyMs, op.id, 'floor', 'unloaded'),
    });
  }
  return out;
}

/** The CPU column of a row: each target's CPU ms per operation, read from its own process. */
export function cpuColumn(row: Pick<Row, 'gateway' | 'direct' | 'straight' | 'floorUnloaded'>): string {
  if (row.straight) return fmt(row.straight.cpuMsPerOp, 2);
  if (!row.gateway && !row.direct) return '';
  const floor = row.floorUnloaded ? ` (floor ${fmt(row.floorUnloaded.cpuMsPerOp, 2)})` : '';
  return `${fmt(row.gateway?.cpuMsPerOp, 2)} / ${fmt(row.direct?.cpuMsPerOp, 2)}${floor}`;
}

export function printTable(r: BenchResults, log: (line: string) => void): void {
  const pad = (text: string, width: number, left = false) => (left ? text.padEnd(width) : text.padStart(width));
  for (const latencyMs of r.settings.latenciesMs) {
    const list = rows(r, latencyMs);
    if (list.length === 0) continue;
    const unloaded = list.some((row) => row.gatewayUnloaded);
    log(`${latencyLabel(r.settings.jitterMs, latencyMs)} added latency, ${r.settings.connections} connections (ops/s, latency ms per operation)`);
    log(
      [
        pad('op', 9, true),
        pad('calls/op', 8),
        pad('min', 4),
        ' │',
        pad('gateway/s', 10),
        pad('p50', 7),
        pad('p90', 7),
        pad('p99', 7),
        ' │',
        pad('direct/s', 9),
        pad('p50', 7),
        pad('p90', 7),
        pad('p99', 7),
        ' │',
        pad('gw÷direct', 10),
        ' │',
        pad('cpu ms/op gw', 13),
        pad('direct', 7),
        ...(unloaded ? [' │', pad('c=1 p50 gw', 11), pad('direct', 7), pad('floor', 7), pad('critical', 9), pad('floor cpu', 10)] : []),
      ].join(''),
    );
    for (const row of list) {
      const main = row.gateway ?? row.straight;
      log(
        [
          pad(row.op === 'straight' ? 'straight' : `(${row.op})`, 9, true),
          pad(fmt(main?.callsPerOp, 2), 8),
          pad(String(row.minimumCalls), 4),
          ' │',
          pad(fmt(main?.opsPerSec, 0), 10),
          pad(fmt(main?.latency.p50), 7),
          pad(fmt(main?.latency.p90), 7),
          pad(fmt(main?.latency.p99), 7),
          ' │',
          pad(fmt(row.direct?.opsPerSec, 0), 9),
          pad(fmt(row.direct?.latency.p50), 7),
          pad(fmt(row.direct?.latency.p90), 7),
          pad(fmt(row.direct?.latency.p99), 7),
          ' │',
          pad(row.gateway && row.direct ? pct(row.gateway.opsPerSec / row.direct.opsPerSec) : '', 10),
          ' │',
          pad(fmt(main?.cpuMsPerOp, 2), 13),
          pad(fmt(row.direct?.cpuMsPerOp, 2), 7),
          ...(unloaded && row.gatewayUnloaded
            ? [
                ' │',
                pad(fmt(row.gatewayUnloaded.latency.p50), 11),
                pad(fmt(row.directUnloaded?.latency.p50), 7),
                pad(fmt(row.floorUnloaded?.latency.p50), 7),
                pad(String(row.criticalPathMs), 9),
                pad(fmt(row.floorUnloaded?.cpuMsPerOp, 2), 10),
              ]
            : []),
        ].join(''),
      );
    }
    const straight = find(r.cells, latencyMs, 'straight', 'straight');
    const a = find(r.cells, latencyMs, 'a', 'gateway');
    if (straight && a) log(`(a) through the gateway: ${pct(a.opsPerSec / straight.opsPerSec)} of the straight call's throughput`);
    log('');
  }
}

export function printTargets(targets: TargetCheck[], log: (line: string) => void): void {
  log('targets (measured, not asserted):');
  for (const t of targets) log(`  ${t.met ? '✓' : '✗'} ${t.name} (${t.goal}): ${t.measured}`);
}

/** The latest numbers as Markdown, for docs/benchmarks.md. */
export function markdownTable(r: BenchResults): string {
  const lines = [
    `Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC with \`${r.command}\` on ${r.machine.cpus} × ${r.machine.cpuModel} (${r.machine.os}, Node ${r.machine.node}, load average ${r.machine.loadAverageAtStart} at the start): ${r.settings.connections} connections, ~${r.settings.durationS} s a cell after a ${r.settings.warmupS} s warm-up${r.settings.jitWarmupS ? ` (and before the first round, ${r.settings.jitWarmupS} s of each operation through each target, not measured)` : ''}, each loaded cell the median of ${r.settings.rounds ?? 1} interleaved round(s); undici pool of ${r.settings.poolConnections} connections on both sides${r.settings.maxConcurrentCallsPerRequest ? `; the gateway's GITLAB_MAX_CONCURRENT_CALLS = ${r.settings.maxConcurrentCallsPerRequest}` : ''}.`,
    '',
    '| added latency | operation | REST calls / op (minimum) | gateway ops/s | gateway p50 / p90 / p99 ms | direct ops/s | direct p50 / p90 / p99 ms | gateway ÷ direct | CPU ms / op gateway / direct (straight: the simulator; floor: its client, 1 connection) | 1 connection: p50 gateway / direct / floor / critical path ms |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const lat = (c: Cell | undefined) => (c ? `${fmt(c.latency.p50)} / ${fmt(c.latency.p90)} / ${fmt(c.latency.p99)}` : '—');
  for (const latencyMs of r.settings.latenciesMs) {
    for (const row of rows(r, latencyMs)) {
      const main = row.gateway ?? row.straight;
      const name = row.op === 'straight' ? 'straight: `GET …/cluster_agents?per_page=20` to the simulator' : `(${row.op}) ${row.title}`;
      lines.push(
        `| ${latencyLabel(r.settings.jitterMs, latencyMs)} | ${name} | ${fmt(main?.callsPerOp, 2)} (${row.minimumCalls}) | ${fmt(main?.opsPerSec, 0)} | ${lat(main)} | ${fmt(row.direct?.opsPerSec, 0)} | ${lat(row.direct)} | ${row.gateway && row.direct ? pct(row.gateway.opsPerSec / row.direct.opsPerSec) : ''} | ${cpuColumn(row)} | ${row.gatewayUnloaded ? `${fmt(row.gatewayUnloaded.latency.p50)} / ${fmt(row.directUnloaded?.latency.p50)} / ${fmt(row.floorUnloaded?.latency.p50)} / ${row.criticalPathMs}` : ''} |`,
      );
    }
  }
  lines.push('', 'Targets (measured, not asserted):', '');
  for (const t of r.targets) lines.push(`- ${t.met ? '✅' : '❌'} ${t.name}: ${t.goal} — ${t.measured}`);
  return lines.join('\n');
}

/** Replaces what sits between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`: asked for with --write-docs, so markers gone missing are an error. */
export function updateDocs(path: string, name: string, content: string): void {
  const text = readFileSync(path, 'utf8');
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${path} has no ${start} … ${end} to rewrite`);
  writeFileSync(path, `${text.slice(0, i + start.length)}\n${content}\n${text.slice(j)}`);
}
