// The report's connect-latency summary: whole-recording percentiles per destination port (the session stats of the
// last snapshot) and failed connects by outcome summed over every interval. Absent when no snapshot had the section.
import type { Snapshot } from '../model/snapshot.js';

export interface ReportLatency {
  connect: {
    netns: number;
    dport: number;
    count: number;
    p50Us: number;
    p90Us: number;
    p99Us: number;
    maxUs: number;
  }[];
  failed: { netns: number; dport: number; outcome: string; count: number; maxUs: number }[];
}

export class LatencyReport {
  private last: Snapshot['latency'];
  private readonly failed = new Map<string, ReportLatency['failed'][number]>();

  add(s: Snapshot): void {
    if (!s.latency) return;
    this.last = s.latency;
    for (const f of s.latency.failed) {
      const key = `${f.netns} ${f.dport} ${f.outcome}`;
      const r = this.failed.get(key) ?? { netns: f.netns, dport: f.dport, outcome: f.outcome, count: 0, maxUs: 0 };
      r.count += f.count;
      r.maxUs = Math.max(r.maxUs, f.maxUs);
      this.failed.set(key, r);
    }
  }

  build(): ReportLatency | undefined {
    if (!this.last) return undefined;
    return {
      connect: this.last.connect
        .map((r) => ({
          netns: r.netns,
          dport: r.dport,
          count: r.session.count,
          p50Us: r.session.p50Us,
          p90Us: r.session.p90Us,
          p99Us: r.session.p99Us,
          maxUs: r.session.maxUs,
        }))
        .sort((a, b) => b.p99Us - a.p99Us || b.count - a.count)
        .slice(0, 20),
      failed: [...this.failed.values()].sort((a, b) => b.count - a.count).slice(0, 20),
    };
  }
}

const ms = (us: number): string =>
  us < 1000 ? `${Math.round(us)} µs` : us < 1e6 ? `${(us / 1000).toFixed(1)} ms` : `${(us / 1e6).toFixed(2)} s`;

export function latencyText(l: ReportLatency | undefined): string[] {
  if (!l) return [];
  const L = ['', 'CONNECT LATENCY (whole recording, measured in the kernel)'];
  if (l.connect.length === 0) L.push('  no connects');
  for (const c of l.connect)
    L.push(
      `  :${c.dport} ${c.count} connects, p50 ${ms(c.p50Us)}, p90 ${ms(c.p90Us)}, p99 ${ms(c.p99Us)}, max ${ms(c.maxUs)}`,
    );
  for (const f of l.failed) L.push(`  :${f.dport} failed ${f.count} (${f.outcome}), slowest after ${ms(f.maxUs)}`);
  return L;
}

export function latencyMarkdown(l: ReportLatency | undefined): string[] {
  if (!l) return [];
  const L = ['## Connect latency', '', 'Whole recording, measured in the kernel (SYN sent to ESTABLISHED).', ''];
  if (l.connect.length === 0) L.push('No connects.');
  else {
    L.push('| port | connects | p50 | p90 | p99 | max |', '|---|---|---|---|---|---|');
    for (const c of l.connect)
      L.push(`| ${c.dport} | ${c.count} | ${ms(c.p50Us)} | ${ms(c.p90Us)} | ${ms(c.p99Us)} | ${ms(c.maxUs)} |`);
  }
  if (l.failed.length > 0) {
    L.push('', '| port | failed connects | outcome | slowest failure |', '|---|---|---|---|');
    for (const f of l.failed) L.push(`| ${f.dport} | ${f.count} | ${f.outcome} | ${ms(f.maxUs)} |`);
  }
  L.push('');
  return L;
}
