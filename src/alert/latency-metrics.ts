// Alert metrics of the snapshot's latency section: histograms (connectLatency, connectionLifetime, rtt) read with
// p50/p90/p99/max, and the counters connects / connectFailures.
import type { Snapshot } from '../model/snapshot.js';
import type { LatencyStats } from '../model/latency-stats.js';
import { ExprError } from './tokenizer.js';
import type { MetricRef } from './metrics.js';
import type { NumExpr } from './ast.js';

export interface IntervalHistogram {
  buckets: Record<string, number>;
  maxUs: number;
}

interface Spec {
  names: readonly string[];
  check?: (label: string, value: string, col: number) => void;
}

const OUTCOMES = ['refused', 'timed-out', 'unreachable', 'aborted'];
function check(label: string, value: string, col: number): void {
  if ((label === 'dport' || label === 'port' || label === 'netns') && !/^\d+$/.test(value))
    throw new ExprError(col, `${label}="${value}" is not a number`);
  if (label === 'direction' && value !== 'in' && value !== 'out')
    throw new ExprError(col, `direction="${value}": use "in" (accepted) or "out" (connected)`);
  if (label === 'outcome' && !OUTCOMES.includes(value) && !/^error-\d+$/.test(value))
    throw new ExprError(col, `outcome="${value}": use ${OUTCOMES.join(', ')}`);
}

export const LATENCY_METRICS: Record<string, Spec> = {
  connectLatency: { names: ['dport', 'netns'], check },
  connectionLifetime: { names: ['port', 'direction', 'netns'], check },
  rtt: { names: ['port', 'direction', 'netns'], check },
  connects: { names: ['dport', 'netns'], check },
  connectFailures: { names: ['dport', 'outcome', 'netns'], check },
};

type Labels = Record<string, string>;

function merge(stats: LatencyStats[]): IntervalHistogram {
  const buckets: Record<string, number> = {};
  let maxUs = 0;
  for (const st of stats) {
    for (const [b, c] of Object.entries(st.buckets)) buckets[b] = (buckets[b] ?? 0) + c;
    maxUs = Math.max(maxUs, st.maxUs);
  }
  return { buckets, maxUs };
}

export function latencyMetric(name: string, text: string, labels: Labels): MetricRef {
  const ns = labels.netns === undefined ? undefined : Number(labels.netns);
  const dport = labels.dport === undefined ? undefined : Number(labels.dport);
  const port = labels.port === undefined ? undefined : Number(labels.port);
  const inNs = (r: { netns: number }): boolean => ns === undefined || r.netns === ns;
  const connectRows = (s: Snapshot) =>
    (s.latency?.connect ?? []).filter((r) => inNs(r) && (dport === undefined || r.dport === dport));
  const durRows = (s: Snapshot) => (name === 'rtt' ? s.latency?.rtt : s.latency?.lifetime) ?? [];
  const matchDur = (r: { netns: number; port: number; direction: string }): boolean =>
    inNs(r) &&
    (port === undefined || r.port === port) &&
    (labels.direction === undefined || r.direction === labels.direction);
  switch (name) {
    case 'connectLatency':
      return {
        text,
        name,
        labels,
        kind: 'histogram',
        read: (s) => connectRows(s).reduce((t, r) => t + r.interval.count, 0),
        hist: (s) => merge(connectRows(s).map((r) => r.interval)),
      };
    case 'connectionLifetime':
    case 'rtt':
      return {
        text,
        name,
        labels,
        kind: 'histogram',
        read: (s) =>
          durRows(s)
            .filter(matchDur)
            .reduce((t, r) => t + r.interval.count, 0),
        hist: (s) =>
          merge(
            durRows(s)
              .filter(matchDur)
              .map((r) => r.interval),
          ),
      };
    case 'connects':
      return {
        text,
        name,
        labels,
        kind: 'counter',
        read: (s) => connectRows(s).reduce((t, r) => t + r.interval.count, 0),
      };
    default:
      return {
        text,
        name,
        labels,
        kind: 'counter',
        read: (s) =>
          (s.latency?.failed ?? [])
            .filter(
              (r) =>
                inNs(r) &&
                (dport === undefined || r.dport === dport) &&
                (labels.outcome === undefined || r.outcome === labels.outcome),
            )
            .reduce((t, r) => t + r.count, 0),
      };
  }
}

/** Whether a number expression measures a latency (then durations like 200ms compare with it, in ms). */
export function isLatency(e: NumExpr): boolean {
  switch (e.kind) {
    case 'quantile':
      return true;
    case 'neg':
      return isLatency(e.arg);
    case 'arith':
      return isLatency(e.left) || isLatency(e.right);
    case 'extreme':
      return e.args.some(isLatency);
    default:
      return false;
  }
}
