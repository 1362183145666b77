// The connect-latency part of a watch line: this interval's connects, the slowest port's p99, failures, and the
// remote with the most trouble (slow or failed connects) — "which remote is slow" in one glance.
import type { Snapshot } from '../model/snapshot.js';

/** 182µs, 12.3ms, 1.02s */
function fmt(us: number): string {
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(us < 1e4 ? 1 : 0)}ms`;
  return `${(us / 1e6).toFixed(us < 1e7 ? 2 : 1)}s`;
}

const endpoint = (addr: string, port: number): string => (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`);

/** `connect 5 p99 2.01s :8080 failed 1 | slow remote 198.18.0.2:8080 3 slow 0 failed of 5, max 2.01s`, or undefined. */
export function latencyPart(s: Snapshot): string | undefined {
  const l = s.latency;
  if (!l) return undefined;
  const rows = l.connect.filter((r) => r.interval.count > 0);
  const failed = l.failed.reduce((t, f) => t + f.count, 0);
  if (rows.length === 0 && failed === 0) return undefined;
  const parts: string[] = [];
  const n = rows.reduce((t, r) => t + r.interval.count, 0);
  let head = `connect ${n}`;
  if (rows.length > 0) {
    const worst = rows.reduce((a, b) => (b.interval.p99Us > a.interval.p99Us ? b : a));
    head += ` p99 ${fmt(worst.interval.p99Us)} :${worst.dport}`;
  }
  if (failed > 0) head += ` failed ${failed}`;
  parts.push(head);
  const r = l.remotes?.[0];
  if (r && r.interval.slow + r.interval.failed > 0)
    parts.push(
      `slow remote ${endpoint(r.daddr, r.dport)} ${r.interval.slow} slow ${r.interval.failed} failed of ${r.interval.connects + r.interval.failed}${r.interval.connects > 0 ? `, max ${fmt(r.interval.maxUs)}` : ''}`,
    );
  return parts.join(' | ');
}
