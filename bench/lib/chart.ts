/** A run's chart (latest.svg; docs/benchmarks.svg with --write-docs), written by hand: grouped bars, no dependency. */
import { find, latencyLabel } from './results.js';
import type { BenchResults, Cell } from './results.js';

const COLORS = { gateway: '#2f6fdb', direct: '#8a8f98', straight: '#e08a1e', floor: '#c9ccd1', marker: '#d0342c' };
const WIDTH = 1100;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

interface Bar {
  value: number | undefined;
  color: string;
  label?: string;
}
interface Group {
  label: string;
  sublabel?: string;
  bars: Bar[];
  /** A horizontal mark across the group (the critical path). */
  marker?: number;
}
interface Panel {
  title: string;
  unit: string;
  groups: Group[];
  legend: { color: string; text: string; dashed?: boolean }[];
  digits?: number;
}

/** A round tick step, and the axis maximum (a multiple of it) just above `max`. */
function axis(max: number): { step: number; top: number } {
  if (!(max > 0)) return { step: 1, top: 4 };
  const rough = (max * 1.1) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((v) => v >= rough)!;
  return { step, top: step * Math.ceil((max * 1.1) / step) };
}

/** At most two lines of about `width` characters, cut at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && (line + ' ' + word).length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length <= 2 ? lines : [lines[0]!, `${lines.slice(1).join(' ').slice(0, width - 1)}…`];
}

function panel(p: Panel, top: number, height: number): string {
  const left = 70;
  const right = WIDTH - 20;
  const plotTop = top + 62;
  const plotBottom = top + height - 52;
  const plotHeight = plotBottom - plotTop;
  const values = p.groups.flatMap((g) => [...g.bars.map((b) => b.value ?? 0), g.marker ?? 0]);
  const { step, top: yMax } = axis(Math.max(...values));
  const y = (v: number) => plotBottom - (v / yMax) * plotHeight;
  const out: string[] = [];
  out.push(`<text x="${left}" y="${top + 20}" font-size="15" font-weight="600" ${FONT}>${esc(p.title)}</text>`);
  // Legend, on its own line under the title.
  let lx = left;
  for (const item of p.legend) {
    out.push(
      item.dashed
        ? `<line x1="${lx}" y1="${top + 37}" x2="${lx + 14}" y2="${top + 37}" stroke="${item.color}" stroke-width="2" stroke-dasharray="4 2"/>`
        : `<rect x="${lx}" y="${top + 31}" width="14" height="12" fill="${item.color}"/>`,
      `<text x="${lx + 18}" y="${top + 42}" font-size="12" ${FONT}>${esc(item.text)}</text>`,
    );
    lx += 34 + item.text.length * 6.4;
  }
  // Axis and grid.
  for (let v = 0; v <= yMax + step / 2; v += step) {
    out.push(
      `<line x1="${left}" y1="${y(v)}" x2="${right}" y2="${y(v)}" stroke="#e3e5e8" stroke-width="1"/>`,
      `<text x="${left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end" fill="#555" ${FONT}>${num(v, Number.isInteger(v) ? 0 : 1)}</text>`,
    );
  }
  out.push(`<text x="16" y="${(plotTop + plotBottom) / 2}" font-size="11" fill="#555" transform="rotate(-90 16 ${(plotTop + plotBottom) / 2})" text-anchor="middle" ${FONT}>${esc(p.unit)}</text>`);
  const groupWidth = (right - left) / p.groups.length;
  p.groups.forEach((g, gi) => {
    const gx = left + gi * groupWidth;
    const inner = groupWidth * 0.78;
    const barWidth = inner / g.bars.length;
    const x0 = gx + (groupWidth - inner) / 2;
    g.bars.forEach((b, bi) => {
      if (b.value === undefined || !Number.isFinite(b.value)) return;
      const x = x0 + bi * barWidth;
      out.push(`<rect x="${x + 1}" y="${y(b.value)}" width="${barWidth - 2}" height="${Math.max(0.5, plotBottom - y(b.value))}" fill="${b.color}"/>`);
      out.push(`<text x="${x + barWidth / 2}" y="${y(b.value) - 4}" font-size="10.5" text-anchor="middle" ${FONT}>${esc(b.label ?? num(b.value, p.digits ?? 0))}</text>`);
    });
    if (g.marker !== undefined) {
      out.push(`<line x1="${x0 - 4}" y1="${y(g.marker)}" x2="${x0 + inner + 4}" y2="${y(g.marker)}" stroke="${COLORS.marker}" stroke-width="2" stroke-dasharray="4 2"/>`);
    }
    out.push(`<text x="${gx + groupWidth / 2}" y="${plotBottom + 17}" font-size="12.5" font-weight="600" text-anchor="middle" ${FONT}>${esc(g.label)}</text>`);
    wrap(g.sublabel ?? '', Math.floor(groupWidth / 5.6)).forEach((line, i) =>
      out.push(`<text x="${gx + groupWidth / 2}" y="${plotBottom + 31 + i * 13}" font-size="10.5" fill="#555" text-anchor="middle" ${FONT}>${esc(line)}</text>`),
    );
  });
  out.push(`<line x1="${left}" y1="${plotBottom}" x2="${right}" y2="${plotBottom}" stroke="#333" stroke-width="1"/>`);
  return out.join('\n');
}

export function renderChart(r: BenchResults): string {
  const panels: Panel[] = [];
  for (const latencyMs of r.settings.latenciesMs) {
    const groups: Group[] = [];
    const straight = find(r.cells, latencyMs, 'straight', 'straight');
    if (straight) groups.push({ label: 'straight', sublabel: '1 REST call of (a)', bars: [{ value: straight.opsPerSec, color: COLORS.straight }] });
    for (const op of r.operations) {
      const gw = find(r.cells, latencyMs, op.id, 'gateway');
      const dc = find(r.cells, latencyMs, op.id, 'direct');
      if (!gw && !dc) continue;
      groups.push({
        label: `(${op.id})`,
        sublabel: op.title,
        bars: [
          { value: gw?.opsPerSec, color: COLORS.gateway },
          { value: dc?.opsPerSec, color: COLORS.direct },
        ],
      });
    }
    if (groups.length > 0) {
      panels.push({
        title: `Throughput at ${latencyLabel(r.settings.jitterMs, latencyMs)} added latency, ${r.settings.connections} connections (operations/s, higher is better)`,
        unit: 'operations / s',
        groups,
        legend: [
          { color: COLORS.gateway, text: 'gateway' },
          { color: COLORS.direct, text: 'direct baseline' },
          ...(straight ? [{ color: COLORS.straight, text: 'straight REST call' }] : []),
        ],
      });
    }
  }
  const latencyMs = Math.max(...r.settings.latenciesMs);
  if (latencyMs > 0) {
    const groups: Group[] = [];
    const unloaded = r.cells.some((c) => c.latencyMs === latencyMs && c.load === 'unloaded');
    for (const op of r.operations) {
      const cell = (target: 'gateway' | 'direct' | 'floor', load: Cell['load']) => find(r.cells, latencyMs, op.id, target, load)?.latency.p50;
      // With nothing queued (one connection) when measured: p50 under load is mostly queueing, and is in the table.
      const load: Cell['load'] = unloaded ? 'unloaded' : 'loaded';
      // The floor is measured with one connection only.
      const floor = unloaded ? cell('floor', 'unloaded') : undefined;
      const bars: Bar[] = [
        { value: cell('gateway', load), color: COLORS.gateway },
        { value: cell('direct', load), color: COLORS.direct },
        ...(floor === undefined ? [] : [{ value: floor, color: COLORS.floor }]),
      ];
      if (bars.every((b) => b.value === undefined)) continue;
      groups.push({ label: `(${op.id})`, sublabel: `${op.criticalPath} round trip${op.criticalPath > 1 ? 's' : ''} = ${op.criticalPath * latencyMs} ms`, bars, marker: op.criticalPath * latencyMs });
    }
    if (groups.length > 0) {
      panels.push({
        title: `p50 latency at ${latencyLabel(r.settings.jitterMs, latencyMs)} added latency, ${unloaded ? 'one connection' : `${r.settings.connections} connections`}, vs the critical path (ms, lower is better)`,
        unit: 'ms',
        digits: 1,
        groups,
        legend: [
          { color: COLORS.gateway, text: 'gateway p50' },
          { color: COLORS.direct, text: 'direct baseline p50' },
          ...(r.cells.some((c) => c.target === 'floor') ? [{ color: COLORS.floor, text: 'floor p50: no work but the waiting' }] : []),
          { color: COLORS.marker, text: 'critical path: dependent round trips × added latency', dashed: true },
        ],
      });
    }
  }

  const headerHeight = 96;
  const panelHeight = 300;
  const height = headerHeight + panels.length * panelHeight + 10;
  const m = r.machine;
  const header = [
    `<text x="20" y="30" font-size="20" font-weight="700" ${FONT}>agent-gateway: the gateway vs a hand-written direct client over the same REST API</text>`,
    `<text x="20" y="52" font-size="12.5" fill="#333" ${FONT}>${esc(`${r.date.slice(0, 16).replace('T', ' ')} UTC · ${m.cpus} × ${m.cpuModel} · ${m.memoryGiB} GiB · ${m.os} · Node ${m.node}`)}</text>`,
    `<text x="20" y="70" font-size="12.5" fill="#333" ${FONT}>${esc(`command: ${r.command} · ~${r.settings.durationS} s a cell, median of ${r.settings.rounds ?? 1} rounds · undici pool ${r.settings.poolConnections} connections on both sides`)}</text>`,
    `<text x="20" y="88" font-size="12.5" fill="#333" ${FONT}>${esc('load generator, simulator, gateway, direct baseline and the floor are separate processes on the same machine (see docs/benchmarks.md)')}</text>`,
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...header,
    ...panels.map((p, i) => panel(p, headerHeight + i * panelHeight, panelHeight)),
    '</svg>',
    '',
  ].join('\n');
}
