// Prometheus histograms of the snapshot's latency section (connect latency, lifetime, RTT) with `le` buckets in
// seconds, usable with histogram_quantile(); built from the session-cumulative stats, so they only grow.
import type { Registry } from 'prom-client';
import type { Snapshot } from '../model/snapshot.js';
import { cumulativeLe, type LatencyStats } from '../model/latency-stats.js';

/** Ports with their own series per netns and histogram; later ones are summed into port="other" (stable membership). */
export const MAX_LATENCY_PORTS = 50;

interface Value {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}
interface Series {
  labels: Record<string, string>;
  stats: LatencyStats;
}

/** A histogram metric whose series are recomputed from cumulative stats at each update. */
class CumulativeHistogram {
  private series = new Map<string, Series>();
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  set(key: string, labels: Record<string, string>, stats: LatencyStats): void {
    this.series.set(key, { labels, stats });
  }

  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Value[] }> {
    const values: Value[] = [];
    for (const { labels, stats } of [...this.series.values()]) {
      for (const b of cumulativeLe(stats.buckets))
        values.push({ labels: { ...labels, le: b.le }, value: b.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...labels, le: '+Inf' }, value: stats.count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: stats.sumUs / 1e6, metricName: `${this.name}_sum` });
      values.push({ labels, value: stats.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  reset(): void {
    this.series.clear();
  }

  /** forget(netns): every series of that netns. */
  remove(labels: Record<string, string | number>): void {
    for (const [k, v] of this.series) if (v.labels.netns === labels.netns) this.series.delete(k);
  }
}

function sumStats(xs: LatencyStats[]): LatencyStats {
  const buckets: Record<string, number> = {};
  let count = 0;
  let sumUs = 0;
  for (const s of xs) {
    for (const [b, c] of Object.entries(s.buckets)) buckets[b] = (buckets[b] ?? 0) + c;
    count += s.count;
    sumUs += s.sumUs;
  }
  return { count, sumUs, maxUs: 0, p50Us: 0, p90Us: 0, p99Us: 0, buckets };
}

export interface LatencyMetrics {
  update(s: Snapshot, netnsLabel: string): void;
}

export function createLatencyMetrics(registry: Registry, maxPorts = MAX_LATENCY_PORTS): LatencyMetrics {
  const connect = new CumulativeHistogram(
    'tcpscope_connect_latency_seconds',
    'Connect latency (SYN sent to ESTABLISHED, measured in the kernel) per remote port.',
  );
  const lifetime = new CumulativeHistogram(
    'tcpscope_connection_lifetime_seconds',
    'Connection lifetime (ESTABLISHED to its first closing state) per service port and direction.',
  );
  const rtt = new CumulativeHistogram(
    'tcpscope_connection_rtt_seconds',
    'Smoothed RTT of connections when they close, per service port and direction.',
  );
  for (const h of [connect, lifetime, rtt])
    registry.registerMetric(h as unknown as Parameters<Registry['registerMetric']>[0]);
  const own = new Map<string, Set<string>>();
  const failures = new Map<string, { labels: Record<string, string>; n: number }>();
  const failMetric = {
    name: 'tcpscope_connect_failures_total',
    help: 'Failed connects (SYN_SENT to CLOSE) by outcome: refused, timed-out, unreachable, aborted.',
    type: 'counter',
    aggregator: 'sum',
    get: () =>
      Promise.resolve({
        name: 'tcpscope_connect_failures_total',
        help: failMetric.help,
        type: 'counter',
        aggregator: 'sum',
        values: [...failures.values()].map((f) => ({ labels: f.labels, value: f.n })),
      }),
    reset: () => failures.clear(),
    remove: (l: Record<string, string | number>) => {
      for (const [k, f] of failures) if (f.labels.netns === l.netns) failures.delete(k);
    },
  };
  registry.registerMetric(failMetric as unknown as Parameters<Registry['registerMetric']>[0]);

  /** Whether this (histogram, netns, port) keeps its own series; first come, first served. */
  const portLabel = (h: string, ns: string, port: string): string => {
    const key = `${h} ${ns}`;
    let set = own.get(key);
    if (!set) own.set(key, (set = new Set()));
    if (set.has(port)) return port;
    if (set.size < maxPorts) {
      set.add(port);
      return port;
    }
    return 'other';
  };

  function fill<R extends { netns: number; session: LatencyStats }>(
    h: CumulativeHistogram,
    rows: readonly R[],
    ns: (r: R) => string,
    labels: (r: R, port: string) => Record<string, string>,
    port: (r: R) => string,
    extraKey: (r: R) => string,
  ): void {
    const groups = new Map<string, { labels: Record<string, string>; stats: LatencyStats[] }>();
    for (const r of rows) {
      const p = portLabel(h.name, ns(r), `${extraKey(r)}${port(r)}`) === 'other' ? 'other' : port(r);
      const l = labels(r, p);
      const key = JSON.stringify(l);
      const g = groups.get(key) ?? { labels: l, stats: [] };
      g.stats.push(r.session);
      groups.set(key, g);
    }
    for (const [key, g] of groups) h.set(key, g.labels, sumStats(g.stats));
  }

  return {
    update(s, netnsLabel) {
      const l = s.latency;
      if (!l) return;
      const ns = (r: { netns: number }): string => (r.netns === s.netns.inode ? netnsLabel : String(r.netns));
      fill(
        connect,
        l.connect,
        ns,
        (r, dport) => ({ netns: ns(r), dport }),
        (r) => String(r.dport),
        () => '',
      );
      fill(
        lifetime,
        l.lifetime,
        ns,
        (r, port) => ({ netns: ns(r), direction: r.direction, port }),
        (r) => String(r.port),
        (r) => `${r.direction}:`,
      );
      fill(
        rtt,
        l.rtt,
        ns,
        (r, port) => ({ netns: ns(r), direction: r.direction, port }),
        (r) => String(r.port),
        (r) => `${r.direction}:`,
      );
      for (const f of l.failed) {
        const labels = { netns: ns(f), dport: portLabel('failures', ns(f), String(f.dport)), outcome: f.outcome };
        const key = JSON.stringify(labels);
        const prev = failures.get(key) ?? { labels, n: 0 };
        prev.n += f.count;
        failures.set(key, prev);
      }
    },
  };
}
