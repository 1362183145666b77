// Which exported series an alert-expression metric reads, as PromQL that keeps the identity labels (netns, container,
// instance, …) and drops the ones that select (state, reason, listener), so comparisons between metrics match.
import type { MetricRef } from '../../alert/metrics.js';
import { nstatMetricName } from '../nstat-names.js';

/** A metric the exporter has no series for: the reason, for a one-line refusal. */
export class Untranslatable extends Error {}

export interface PromSource {
  /**
   * The expression, given how each raw selector is read (`x` → `rate(x[1m] offset 10s)`); the aggregation around it
   * removes the selecting labels.
   */
  build(read: (selector: string) => string): string;
  /** One series per identity label set: a range function may go inside the aggregation (no subquery needed). */
  single: boolean;
}

const str = (v: string): string => JSON.stringify(v);
const reEscape = (v: string): string => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function selector(metric: string, matchers: [string, '=' | '=~' | '!=', string][]): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.map(([k, op, v]) => `${k}${op}${str(v)}`).join(',')}}`;
}

/** `sum without(state) (read(metric{state="X"}))`, or the bare read when no label selects. */
function labelled(
  metric: string,
  labels: Readonly<Record<string, string>>,
  allowed: readonly string[],
  all: readonly string[],
  what: string,
): PromSource {
  for (const k of Object.keys(labels)) {
    if (!allowed.includes(k)) throw new Untranslatable(`${what}{${k}=...}: ${metric} has no "${k}" label`);
  }
  const sel = selector(
    metric,
    Object.entries(labels).map(([k, v]) => [k, '=', v]),
  );
  if (all.length === 0) return { build: (read) => read(sel), single: true };
  const single = all.every((k) => labels[k] !== undefined);
  return { build: (read) => `sum without(${all.join(', ')}) (${read(sel)})`, single };
}

const EVENTS: Record<string, { metric: string; labels: readonly string[] }> = {
  synackRetrans: { metric: 'tcpscope_synack_retransmits_total', labels: [] },
  synRetrans: { metric: 'tcpscope_syn_retransmits_total', labels: [] },
  retrans: { metric: 'tcpscope_retransmits_total', labels: ['state'] },
  resetsSent: { metric: 'tcpscope_resets_sent_total', labels: ['reason'] },
  resetsReceived: { metric: 'tcpscope_resets_received_total', labels: ['state'] },
  drops: { metric: 'tcpscope_drops_total', labels: ['reason'] },
  lost: { metric: 'tcpscope_events_lost_total', labels: [] },
  suppressed: { metric: 'tcpscope_events_suppressed_total', labels: [] },
};

/** Listener matchers: `listener` is `addr:port` or `[addr]:port`; "other" (listeners past the top 50) never matches a port. */
function listenerMatchers(labels: Readonly<Record<string, string>>): [string, '=~' | '!=', string][] {
  const { port, addr } = labels;
  if (port === undefined && addr === undefined) return [];
  const a = addr === undefined ? '.*' : `(${reEscape(addr)}|\\[${reEscape(addr)}\\])`;
  return [['listener', '=~', `${a}:${port ?? '[0-9]+'}`]];
}

function listenerSource(key: string, labels: Readonly<Record<string, string>>): PromSource {
  const m = listenerMatchers(labels);
  const notOther: [string, '!=', string][] = m.length === 0 ? [['listener', '!=', 'other']] : [];
  const q = selector('tcpscope_listener_queue', [...m, ...notOther]);
  const c = selector('tcpscope_listener_queue_capacity', [...m, ...notOther]);
  const qAll = selector('tcpscope_listener_queue', m);
  const cAll = selector('tcpscope_listener_queue_capacity', m);
  switch (key) {
    case 'maxQueue':
      return { build: (read) => `max without(listener) (${read(q)})`, single: false };
    case 'maxFill':
      return { build: (read) => `max without(listener) (${read(q)} / (${read(c)} > 0))`, single: false };
    case 'queue':
      return { build: (read) => `sum without(listener) (${read(qAll)})`, single: false };
    case 'capacity':
      return { build: (read) => `sum without(listener) (${read(cAll)})`, single: false };
    case 'atCapacity':
      return {
        build: (read) => `sum without(listener) ((${read(q)} >= bool ${read(c)}) * (${read(c)} > bool 0))`,
        single: false,
      };
    default:
      if (m.length === 0) return { build: (read) => read('tcpscope_listeners'), single: true };
      return { build: (read) => `count without(listener) (${read(q)})`, single: false };
  }
}

/** The counters of the latency section: connects = the connect histogram's _count, failures by outcome. */
const LATENCY_COUNTERS: Record<string, { metric: string; labels: readonly string[] }> = {
  connects: { metric: 'tcpscope_connect_latency_seconds_count', labels: ['dport'] },
  connectFailures: { metric: 'tcpscope_connect_failures_total', labels: ['dport', 'outcome'] },
};

/** Refuses a `netns` label: the exporter labels a netns by its name when it has one, the alert by its inode. */
export function checkLatencyLabels(ref: MetricRef, allowed: readonly string[], metric: string): void {
  for (const k of Object.keys(ref.labels)) {
    if (k === 'netns')
      throw new Untranslatable(
        `${ref.name}{netns=...}: the exported netns label is the namespace's name when it has one, not its inode: select it with a Prometheus label matcher instead`,
      );
    if (!allowed.includes(k)) throw new Untranslatable(`${ref.name}{${k}=...}: ${metric} has no "${k}" label`);
  }
}

/** The exported series behind one alert metric; throws Untranslatable when the exporter has none. */
export function promSource(ref: MetricRef): PromSource {
  const { name, labels } = ref;
  const dot = name.indexOf('.');
  const family = dot === -1 ? name : name.slice(0, dot);
  const key = dot === -1 ? '' : name.slice(dot + 1);
  if (family === 'transitions')
    return labelled('tcpscope_transitions_total', labels, ['from', 'to'], ['from', 'to'], name);
  const lat = LATENCY_COUNTERS[name];
  if (lat) {
    checkLatencyLabels(ref, lat.labels, lat.metric);
    return labelled(lat.metric, labels, lat.labels, lat.labels, name);
  }
  if (dot === -1) {
    const metric = nstatMetricName(name);
    if (metric === undefined) throw new Untranslatable(`${name} is a level, not a counter, and is not exported`);
    return labelled(metric, labels, [], [], name);
  }
  switch (family) {
    case 'events': {
      const e = EVENTS[key]!;
      return labelled(e.metric, labels, e.labels, e.labels, name);
    }
    case 'census':
      if (key === 'total')
        return { build: (read) => `sum without(state) (${read('tcpscope_sockets')})`, single: false };
      return labelled('tcpscope_sockets', { state: key }, ['state'], ['state'], name);
    case 'sockstat':
      return labelled('tcpscope_sockstat', { name: key }, ['name'], ['name'], name);
    case 'sysctl':
      return labelled('tcpscope_sysctl', { name: key }, ['name'], ['name'], name);
    case 'listeners':
      return listenerSource(key, labels);
    default:
      throw new Untranslatable(`${name} is not exported`);
  }
}
