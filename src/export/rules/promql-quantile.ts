// Latency quantiles of alert expressions (p50/p90/p99 of connectLatency, connectionLifetime, rtt) as PromQL:
// histogram_quantile() over the rate of the exported `le` buckets, in ms like tcpscope's own comparison.
import type { Selector } from '../../alert/ast.js';
import { checkLatencyLabels, Untranslatable } from './promql-metrics.js';

/** The exported histogram behind each alert histogram metric, and the alert labels it has as Prometheus labels. */
const HISTOGRAMS: Record<string, { metric: string; labels: readonly string[] }> = {
  connectLatency: { metric: 'tcpscope_connect_latency_seconds', labels: ['dport'] },
  connectionLifetime: { metric: 'tcpscope_connection_lifetime_seconds', labels: ['port', 'direction'] },
  rtt: { metric: 'tcpscope_connection_rtt_seconds', labels: ['port', 'direction'] },
};

const Q = { p50: 0.5, p90: 0.9, p99: 0.99 } as const;

const matchers = (labels: Readonly<Record<string, string>>): string => {
  const m = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return m.length === 0 ? '' : `{${m.join(',')}}`;
};

/**
 * `p99(connectLatency{dport="5432"}[1m] offset 10s)` →
 * `histogram_quantile(0.99, sum without(dport) (rate(tcpscope_connect_latency_seconds_bucket{dport="5432"}[1m] offset 10s))) * 1000`.
 * The rate over the window is what tcpscope's merged window is; the result is in ms. Prometheus interpolates inside
 * the exported power-of-two buckets, so its value stays in the same log2 bucket as tcpscope's (finer) one.
 */
export function quantileToPromQL(
  fn: 'p50' | 'p90' | 'p99' | 'max',
  sel: Selector,
  promDuration: (ms: number) => string,
): string {
  const ref = sel.metric;
  const h = HISTOGRAMS[ref.name];
  if (!h) throw new Untranslatable(`${ref.name} is not an exported histogram`);
  checkLatencyLabels(ref, h.labels, h.metric);
  const call = `${fn}(${ref.text})`;
  if (fn === 'max')
    throw new Untranslatable(
      `${call}: the exported histogram has buckets, not the largest value (its top bucket's bound is no maximum): use p99(${ref.text}[1m])`,
    );
  if (sel.windowMs === undefined)
    throw new Untranslatable(
      `${call} has no window (tcpscope reads one interval, which Prometheus does not have): write ${fn}(${ref.text}[1m])`,
    );
  const offset = sel.offsetMs > 0 ? ` offset ${promDuration(sel.offsetMs)}` : '';
  const rate = `rate(${h.metric}_bucket${matchers(ref.labels)}[${promDuration(sel.windowMs)}]${offset})`;
  return `histogram_quantile(${Q[fn]}, sum without(${h.labels.join(', ')}) (${rate})) * 1000`;
}
