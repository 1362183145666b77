// "Connect latency" panel: percentiles and a log2 histogram per destination port, failed connects, lifetimes and RTT;
// plus the one-line summary the compact layout shows in its rates panel.
import type { Snapshot } from '../../model/snapshot.js';
import type { LatencyStats } from '../../model/latency-stats.js';
import type { RemoteConnectStat } from '../../model/latency.js';
import { sparkline } from './format.js';
import { pad, span, type Line, type Tone } from './markup.js';
import type { PanelSize } from './rates-view.js';

/** 182µs, 12.3ms, 1.02s */
export function fmtLatency(us: number): string {
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(us < 1e4 ? 1 : 0)}ms`;
  return `${(us / 1e6).toFixed(us < 1e7 ? 2 : 1)}s`;
}

/** A connect this slow needed a SYN retransmit. */
export const SLOW_US = 900_000;
export const tone = (us: number): Tone => (us >= SLOW_US ? 'crit' : us >= 200_000 ? 'warn' : 'normal');

/** Counts per power of two from the lowest to the highest used, as block characters (one per octave). */
export function octaveBars(buckets: Record<string, number>): { bars: string; from: number; to: number } {
  const oct = new Map<number, number>();
  for (const [k, c] of Object.entries(buckets)) if (c > 0) oct.set(Number(k) >> 2, (oct.get(Number(k) >> 2) ?? 0) + c);
  if (oct.size === 0) return { bars: '', from: 0, to: 0 };
  const from = Math.min(...oct.keys());
  const to = Math.max(...oct.keys());
  const values = Array.from({ length: to - from + 1 }, (_, i) => oct.get(from + i) ?? 0);
  return { bars: sparkline(values, values.length), from: 2 ** from, to: 2 ** (to + 1) };
}

function statsCells(st: LatencyStats): Line {
  return [
    span(pad(String(st.count), 6, 'right')),
    ...[st.p50Us, st.p90Us, st.p99Us, st.maxUs].map((v) => span(pad(fmtLatency(v), 8, 'right'), tone(v), v >= SLOW_US)),
  ];
}

export function latencyLines(latest: Snapshot | undefined, size: PanelSize): Line[] {
  const l = latest?.latency;
  if (!latest) return [[span('waiting for the first snapshot…', 'dim')]];
  if (!l)
    return [
      [
        span(
          latest.mode === 'procfs' ? 'needs eBPF mode (connlat probe)' : 'no latency data (connlat probe not loaded)',
          'dim',
        ),
      ],
    ];
  const lines: Line[] = [
    [
      span(pad('connect to', 11), 'dim'),
      span(pad('n', 6, 'right'), 'dim'),
      ...['p50', 'p90', 'p99', 'max'].map((h) => span(pad(h, 8, 'right'), 'dim')),
    ],
  ];
  const rows = [...l.connect].sort((a, b) => b.session.p99Us - a.session.p99Us || b.session.count - a.session.count);
  const withHist = size.width >= 60;
  for (const r of rows) {
    if (lines.length >= size.height) break;
    const now = r.interval.count > 0;
    const st = now ? r.interval : r.session;
    const line: Line = [span(pad(`:${r.dport}`, 11), now ? 'normal' : 'dim'), ...statsCells(st)];
    if (withHist) {
      const h = octaveBars(r.session.buckets);
      line.push(span(' '), span(h.bars, 'info'), span(` ${fmtLatency(h.from)}–${fmtLatency(h.to)}`, 'dim'));
    }
    lines.push(line);
  }
  if (rows.length === 0) lines.push([span('no connects yet', 'dim')]);
  lines.push(...remoteLines(l.remotes ?? [], size.height - lines.length));
  for (const f of l.failed) {
    if (lines.length >= size.height) break;
    lines.push([
      span(pad(`:${f.dport}`, 11)),
      span(`${f.outcome} ${f.count}`, 'crit', true),
      span(` (session ${f.sessionCount}) after ${fmtLatency(f.avgUs)} avg, ${fmtLatency(f.maxUs)} max`, 'dim'),
    ]);
  }
  for (const [title, list] of [
    ['lifetime', l.lifetime],
    ['rtt', l.rtt],
  ] as const) {
    for (const d of list.slice(0, 3)) {
      if (lines.length >= size.height) break;
      lines.push([
        span(pad(`${title} ${d.direction} :${d.port}`, 18), 'dim'),
        span(` p50 ${fmtLatency(d.session.p50Us)} p99 ${fmtLatency(d.session.p99Us)} n ${d.session.count}`),
      ]);
    }
  }
  return lines.slice(0, Math.max(1, size.height));
}

const endpoint = (addr: string, port: number): string => (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`);

/**
 * The remotes with slow (SYN retransmitted) or failed connects, worst first as the section ranks them (at most 3):
 * `→ 198.18.0.2:8080  slow 3 failed 0 of 5  avg 1.20s max 2.01s` (this interval when it had any, else the session).
 */
export function remoteLines(remotes: readonly RemoteConnectStat[], room: number): Line[] {
  const out: Line[] = [];
  for (const r of remotes) {
    if (out.length >= Math.min(3, room)) break;
    const now = r.interval.slow + r.interval.failed > 0;
    const t = now ? r.interval : r.session;
    if (t.slow + t.failed === 0) continue;
    const line: Line = [
      span(pad(`→ ${endpoint(r.daddr, r.dport)}`, 24), now ? 'normal' : 'dim'),
      span(` slow ${t.slow}`, t.slow > 0 ? 'crit' : 'dim', t.slow > 0),
      span(` failed ${t.failed}`, t.failed > 0 ? 'crit' : 'dim', t.failed > 0),
      span(` of ${t.connects + t.failed}`, 'dim'),
    ];
    if (t.connects > 0) line.push(span(`  avg ${fmtLatency(t.avgUs)} max ${fmtLatency(t.maxUs)}`, tone(t.maxUs)));
    if (!now) line.push(span(' (session)', 'dim'));
    out.push(line);
  }
  return out;
}

/** `connect p99 1.02s :5432` of the slowest port this interval (compact layout), or undefined when nothing connected. */
export function connectSummary(latest: Snapshot | undefined): Line | undefined {
  const rows = (latest?.latency?.connect ?? []).filter((r) => r.interval.count > 0);
  if (rows.length === 0) return undefined;
  const worst = rows.reduce((a, b) => (b.interval.p99Us > a.interval.p99Us ? b : a));
  const failed = (latest?.latency?.failed ?? []).reduce((t, f) => t + f.count, 0);
  const line: Line = [
    span('connect p99 '),
    span(fmtLatency(worst.interval.p99Us), tone(worst.interval.p99Us), true),
    span(` :${worst.dport}`, 'dim'),
  ];
  if (failed > 0) line.push(span(` failed ${failed}`, 'crit', true));
  return line;
}
