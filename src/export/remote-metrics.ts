// Prometheus counters per remote (netns, remote address, remote port) for "which remote is slow": connects, their
// summed latency, slow (SYN retransmitted) and failed connects. Cardinality: only the section's top list per netns
// (REMOTE_TOP = 10, ranked by trouble) has series; a remote that leaves the list loses its series, one that enters
// it shows its session totals (counters only grow while tcpscope runs).
import type { Registry } from 'prom-client';
import type { Snapshot } from '../model/snapshot.js';
import type { RemoteConnectStat } from '../model/latency.js';

type Labels = Record<string, string>;

const METRICS = [
  [
    'tcpscope_connect_remote_connects_total',
    'Completed connects per remote (top 10 remotes per netns by slow + failed connects).',
    (r: RemoteConnectStat) => r.session.connects,
  ],
  [
    'tcpscope_connect_remote_latency_seconds_total',
    'Summed connect latency per remote (divide by connects for the average).',
    (r: RemoteConnectStat) => (r.session.avgUs * r.session.connects) / 1e6,
  ],
  [
    'tcpscope_connect_remote_slow_total',
    "Connects per remote that needed a SYN retransmit (the kernel's total_retrans at ESTABLISHED).",
    (r: RemoteConnectStat) => r.session.slow,
  ],
  [
    'tcpscope_connect_remote_failures_total',
    'Failed connects per remote (refused, timed out, unreachable, aborted).',
    (r: RemoteConnectStat) => r.session.failed,
  ],
] as const;

export interface RemoteMetrics {
  update(s: Snapshot, netnsLabel: string): void;
}

export function createRemoteMetrics(registry: Registry): RemoteMetrics {
  /** netns label -> that netns's listed remotes with their labels. */
  const byNetns = new Map<string, { labels: Labels; r: RemoteConnectStat }[]>();
  for (const [name, help, value] of METRICS) {
    const metric = {
      name,
      help,
      type: 'counter',
      aggregator: 'sum',
      get: () =>
        Promise.resolve({
          name,
          help,
          type: 'counter',
          aggregator: 'sum',
          values: [...byNetns.values()].flat().map(({ labels, r }) => ({ labels, value: value(r) })),
        }),
      reset: () => byNetns.clear(),
      // forget(netns): the series of a vanished netns go with it.
      remove: (l: Labels) => void byNetns.delete(l.netns ?? ''),
    };
    registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
  }
  return {
    update(s, netnsLabel) {
      const remotes = s.latency?.remotes;
      if (!remotes) return;
      const ns = (n: number): string => (n === s.netns.inode ? netnsLabel : String(n));
      const rows = remotes.map((r) => ({ labels: { netns: ns(r.netns), remote: r.daddr, dport: String(r.dport) }, r }));
      // Single-netns sessions list one netns; a section of every netns (library use) groups them here.
      const groups = new Map<string, typeof rows>();
      for (const row of rows) groups.set(row.labels.netns, [...(groups.get(row.labels.netns) ?? []), row]);
      if (groups.size === 0) byNetns.delete(netnsLabel);
      for (const [k, v] of groups) byNetns.set(k, v);
    },
  };
}
