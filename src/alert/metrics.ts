// What a metric name in an alert expression reads from one Snapshot, and whether it is a counter or a gauge.
import { counterOf, type Snapshot } from '../model/snapshot.js';
import { TCP_STATES } from '../kernel/tcp-states.js';
import { ExprError } from './tokenizer.js';
import { DROP_REASONS, RESET_REASONS } from './reason-names.js';
import { didYouMean } from './suggest.js';
import { latencyMetric, LATENCY_METRICS, type IntervalHistogram } from './latency-metrics.js';

/**
 * counter: a per-interval count (summable over a window, rate() applies); gauge: a level at the interval's end;
 * histogram: a latency distribution (read with p50/p90/p99/max; `read` gives its count).
 */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

export interface MetricRef {
  /** Canonical text, e.g. `events.resetsSent{reason="NO_SOCKET"}`. */
  text: string;
  /** The name and labels as written (`events.resetsSent`, {reason: 'NO_SOCKET'}), for translations (Prometheus rules). */
  name: string;
  labels: Readonly<Record<string, string>>;
  kind: MetricKind;
  read(s: Snapshot): number;
  /** Histogram metrics: this interval's merged histogram of the matching rows. */
  hist?(s: Snapshot): IntervalHistogram;
}

export interface MetricScope {
  /** Known nstat counter names (the static list plus names seen in a snapshot). */
  counterNames: ReadonlySet<string>;
}

type Labels = Record<string, string>;
interface LabelSpec {
  names: readonly string[];
  check?: (label: string, value: string, col: number) => void;
}

const EVENT_METRICS: Record<string, LabelSpec> = {
  synackRetrans: { names: ['port'] },
  synRetrans: { names: [] },
  retrans: { names: ['state'] },
  resetsSent: { names: ['reason'] },
  resetsReceived: { names: ['state', 'port'] },
  drops: { names: ['reason'] },
  lost: { names: [] },
  suppressed: { names: [] },
};
const LISTENER_METRICS = ['maxFill', 'maxQueue', 'queue', 'capacity', 'atCapacity', 'count'] as const;
const FAMILIES = ['events', 'census', 'sockstat', 'listeners', 'sysctl', 'transitions'];
const STATE_NAMES: readonly string[] = TCP_STATES;

function checkState(label: string, value: string, col: number): void {
  if (!STATE_NAMES.includes(value)) {
    throw new ExprError(col, `unknown TCP state ${label}="${value}"${didYouMean(value, STATE_NAMES)}`);
  }
}
function checkPort(label: string, value: string, col: number): void {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535)
    throw new ExprError(col, `${label}="${value}" is not a port (1-65535)`);
}

function checkLabels(metric: string, labels: Labels, labelCols: Record<string, number>, spec: LabelSpec): void {
  for (const [k, v] of Object.entries(labels)) {
    const col = labelCols[k] ?? 1;
    if (!spec.names.includes(k)) {
      const allowed =
        spec.names.length === 0 ? `${metric} takes no labels` : `${metric} takes ${spec.names.join(', ')}`;
      throw new ExprError(col, `unknown label "${k}"${didYouMean(k, spec.names)} (${allowed})`);
    }
    if (k === 'state' || k === 'from' || k === 'to') checkState(k, v, col);
    if (k === 'port') checkPort(k, v, col);
    if (k === 'reason') checkReason(metric, v, col);
  }
}

/** A reason no kernel has would never match: refused with the closest name (issue 13 item 3). */
function checkReason(metric: string, value: string, col: number): void {
  const names = metric === 'events.drops' ? DROP_REASONS : RESET_REASONS;
  if (!names.includes(value)) {
    const kind = metric === 'events.drops' ? 'skb drop reason' : 'reset reason';
    throw new ExprError(
      col,
      `unknown ${kind} "${value}"${didYouMean(value.toUpperCase(), names) || ` (kernel enum names such as ${names.slice(0, 2).join(', ')})`}`,
    );
  }
}

const sum = (rec: Record<string, number>, pick: (key: string) => boolean): number => {
  let t = 0;
  for (const [k, v] of Object.entries(rec)) if (pick(k)) t += v;
  return t;
};

function labelText(labels: Labels): string {
  const e = Object.entries(labels);
  return e.length === 0 ? '' : `{${e.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

function eventMetric(key: string, labels: Labels): (s: Snapshot) => number {
  const { reason, state, port } = labels;
  switch (key) {
    case 'synackRetrans':
      return port === undefined
        ? (s) => s.events.synackRetrans
        : (s) =>
            s.events.synackRetransByListener.filter((l) => l.lport === Number(port)).reduce((t, l) => t + l.count, 0);
    case 'synRetrans':
      return (s) => s.events.synRetrans;
    case 'retrans':
      return state === undefined
        ? (s) => sum(s.events.retransByState, () => true)
        : (s) => s.events.retransByState[state] ?? 0;
    case 'resetsSent':
      return reason === undefined ? (s) => s.events.resetsSent : (s) => s.events.resetsSentByReason[reason] ?? 0;
    case 'resetsReceived':
      if (state === undefined && port === undefined) return (s) => s.events.resetsReceived;
      return (s) =>
        sum(s.events.resetsReceivedByStatePort, (k) => {
          const i = k.lastIndexOf(':');
          return (state === undefined || k.slice(0, i) === state) && (port === undefined || k.slice(i + 1) === port);
        });
    case 'drops':
      return reason === undefined ? (s) => s.events.drops : (s) => s.events.dropsByReason[reason] ?? 0;
    case 'lost':
      return (s) => s.events.lost;
    default:
      return (s) => s.events.suppressed;
  }
}

function listenerMetric(key: (typeof LISTENER_METRICS)[number], labels: Labels): (s: Snapshot) => number {
  const port = labels.port === undefined ? undefined : Number(labels.port);
  const addr = labels.addr;
  return (s) => {
    const ls = s.census.listeners.filter(
      (l) => (port === undefined || l.port === port) && (addr === undefined || l.addr === addr),
    );
    switch (key) {
      case 'maxFill':
        return ls.reduce((m, l) => Math.max(m, l.capacity > 0 ? l.queue / l.capacity : 0), 0);
      case 'maxQueue':
        return ls.reduce((m, l) => Math.max(m, l.queue), 0);
      case 'queue':
        return ls.reduce((t, l) => t + l.queue, 0);
      case 'capacity':
        return ls.reduce((t, l) => t + l.capacity, 0);
      case 'atCapacity':
        return ls.filter((l) => l.atCapacity).length;
      default:
        return ls.length;
    }
  };
}

/**
 * Resolves `name{labels}` (col = column of the name) to a reader, or throws an ExprError with a suggestion. Any metric
 * takes a `netns` label (whole-host mode evaluates rules per netns): `TcpExtListenOverflows{netns="web1"}` reads
 * only in the netns with that name (or inode) and is NaN (never true) elsewhere.
 */
export function resolveMetric(
  name: string,
  labels: Labels,
  col: number,
  labelCols: Record<string, number>,
  scope: MetricScope,
): MetricRef {
  const { netns, ...rest } = labels;
  if (netns === undefined) return resolveOne(name, labels, col, labelCols, scope);
  const inner = resolveOne(name, rest, col, labelCols, scope);
  const isIt = (s: Snapshot): boolean => s.netns.name === netns || String(s.netns.inode) === netns;
  return {
    text: `${name}${labelText(labels)}`,
    name,
    labels,
    kind: inner.kind,
    read: (s) => (isIt(s) ? inner.read(s) : Number.NaN),
  };
}

function resolveOne(
  name: string,
  labels: Labels,
  col: number,
  labelCols: Record<string, number>,
  scope: MetricScope,
): MetricRef {
  const dot = name.indexOf('.');
  const family = dot === -1 ? name : name.slice(0, dot);
  const key = dot === -1 ? '' : name.slice(dot + 1);
  const text = `${name}${labelText(labels)}`;

  const latency = LATENCY_METRICS[name];
  if (latency !== undefined) {
    checkLabels(name, labels, labelCols, latency);
    for (const [k, v] of Object.entries(labels)) latency.check?.(k, v, labelCols[k] ?? col);
    return latencyMetric(name, text, labels);
  }
  if (dot === -1 && family !== 'transitions') {
    if (!scope.counterNames.has(name)) {
      const hint = didYouMean(name, scope.counterNames);
      const family2 = hint === '' ? didYouMean(name, FAMILIES) : '';
      throw new ExprError(col, `unknown metric "${name}"${hint || family2}`);
    }
    checkLabels(name, labels, labelCols, { names: [] });
    return { text, name, labels, kind: 'counter', read: (s) => counterOf(s, name) };
  }
  switch (family) {
    case 'transitions': {
      if (key !== '')
        throw new ExprError(
          col,
          `unknown metric "${name}": transitions takes labels, e.g. transitions{to="CLOSE_WAIT"}`,
        );
      checkLabels('transitions', labels, labelCols, { names: ['from', 'to'] });
      const { from, to } = labels;
      return {
        text,
        name,
        labels,
        kind: 'counter',
        read: (s) =>
          sum(s.transitions, (k) => {
            const [f, t] = k.split('->');
            return (from === undefined || f === from) && (to === undefined || t === to);
          }),
      };
    }
    case 'events': {
      const spec = EVENT_METRICS[key];
      if (spec === undefined)
        throw new ExprError(
          col,
          `unknown metric "${name}"${didYouMean(key, Object.keys(EVENT_METRICS)).replace('mean ', 'mean events.')}`,
        );
      checkLabels(name, labels, labelCols, spec);
      return { text, name, labels, kind: 'counter', read: eventMetric(key, labels) };
    }
    case 'census': {
      const states = [...STATE_NAMES, 'total'];
      if (!states.includes(key))
        throw new ExprError(
          col,
          `unknown TCP state "${key}" in ${name}${didYouMean(key, states).replace('mean ', 'mean census.')}`,
        );
      checkLabels(name, labels, labelCols, { names: [] });
      return {
        text,
        name,
        labels,
        kind: 'gauge',
        read: key === 'total' ? (s) => sum(s.census.states, () => true) : (s) => s.census.states[key] ?? 0,
      };
    }
    case 'sockstat':
      if (key === '') throw new ExprError(col, `"sockstat" needs a key, e.g. sockstat.TCP.tw`);
      checkLabels(name, labels, labelCols, { names: [] });
      return { text, name, labels, kind: 'gauge', read: (s) => s.census.sockstat[key] ?? 0 };
    case 'sysctl':
      if (key === '') throw new ExprError(col, `"sysctl" needs a name, e.g. sysctl.net.core.somaxconn`);
      checkLabels(name, labels, labelCols, { names: [] });
      return {
        text,
        name,
        labels,
        kind: 'gauge',
        read: (s) => {
          const v = s.sysctls[key];
          return v === undefined || v.trim() === '' ? NaN : Number(v);
        },
      };
    case 'listeners': {
      const k = LISTENER_METRICS.find((m) => m === key);
      if (k === undefined)
        throw new ExprError(
          col,
          `unknown metric "${name}"${didYouMean(key, LISTENER_METRICS).replace('mean ', 'mean listeners.')}`,
        );
      checkLabels(name, labels, labelCols, { names: ['port', 'addr'] });
      return { text, name, labels, kind: 'gauge', read: listenerMetric(k, labels) };
    }
    default:
      throw new ExprError(col, `unknown metric "${name}"${didYouMean(family, FAMILIES).replace(/\?$/, `.${key}?`)}`);
  }
}
