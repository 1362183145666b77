// Prometheus metrics (prom-client registry) updated from each Snapshot, with bounded label cardinality.
import { Counter, Gauge, Registry, type LabelValues } from 'prom-client';
import type { Snapshot } from '../model/snapshot.js';
import { TCP_STATES } from '../kernel/tcp-states.js';
import { ALERT_COUNTERS, nstatMetricName, nstatMetricStem } from './nstat-names.js';
import { createLatencyMetrics } from './latency-metrics.js';
import { removeSeries } from './remove-series.js';
import { createRemoteMetrics } from './remote-metrics.js';

/** Listener series per netns; the rest are summed into listener="other". */
export const MAX_LISTENER_SERIES = 50;

export interface Metrics {
  registry: Registry;
  update(s: Snapshot): void;
  /** Removes every series of a netns (whole-host mode: the netns vanished). */
  forget(netns: string): Promise<void>;
  /** Creates the alert-relevant counters of this netns at 0 before its first snapshot (called by `serve` at start). */
  prime(netns: Snapshot['netns']): void;
  /** The exposition text (Prometheus text format 0.0.4). */
  text(): Promise<string>;
  contentType: string;
}

export interface MetricsOptions {
  maxListenerSeries?: number;
}

/** Labels of every series: the netns and what runs in it (one value per netns, so cardinality stays one per netns). */
const NS = ['netns', 'runtime', 'container', 'pod', 'namespace'] as const;
type NsLabel = (typeof NS)[number];
type NsLabels = { netns: string } & Partial<Record<NsLabel, string>>;

/**
 * container: the container's name (docker, podman) or the pod's containers; pod/namespace for Kubernetes. Labels
 * without a value are left out (as Prometheus does), so a netns with no known owner keeps only `netns`.
 */
export function netnsLabels(s: Snapshot): NsLabels {
  return refLabels(s.netns);
}

function refLabels(ref: Snapshot['netns']): NsLabels {
  const o = ref.owner;
  const out: NsLabels = { netns: ref.name ?? String(ref.inode) };
  if (!o) return out;
  out.runtime = o.runtime;
  const container = o.runtime === 'docker' || o.runtime === 'podman' ? o.name : (o.containers ?? []).join(',');
  if (container) out.container = container;
  if (o.pod) {
    out.pod = o.pod.name;
    out.namespace = o.pod.namespace;
  }
  return out;
}

export function listenerLabel(l: { family: 4 | 6; addr: string; port: number }): string {
  return l.family === 6 ? `[${l.addr}]:${l.port}` : `${l.addr}:${l.port}`;
}

/** The breakdown plus what the total has beyond it under `UNKNOWN`, so the labelled series sum to the total. */
function withRemainder(rec: Record<string, number>, total: number): Record<string, number> {
  const sum = Object.values(rec).reduce((t, v) => t + v, 0);
  return total > sum ? { ...rec, UNKNOWN: (rec.UNKNOWN ?? 0) + total - sum } : rec;
}

export function createMetrics(registry: Registry = new Registry(), opts: MetricsOptions = {}): Metrics {
  const maxListeners = opts.maxListenerSeries ?? MAX_LISTENER_SERIES;
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers });

  const m = {
    snapshots: counter('tcpscope_snapshots_total', 'Snapshots (intervals) processed.', [...NS]),
    time: gauge('tcpscope_last_snapshot_timestamp_seconds', 'End of the last interval (unix seconds).', [...NS]),
    mode: gauge('tcpscope_mode', '1 for the data source in use: ebpf, procfs or replay.', [...NS, 'mode']),
    transitions: counter('tcpscope_transitions_total', 'TCP state transitions (sock:inet_sock_set_state), eBPF mode.', [
      ...NS,
      'from',
      'to',
    ]),
    resetsSent: counter('tcpscope_resets_sent_total', 'RSTs sent, by kernel reset reason (tcp:tcp_send_reset).', [
      ...NS,
      'reason',
    ]),
    resetsReceived: counter(
      'tcpscope_resets_received_total',
      'RSTs received, by socket state (tcp:tcp_receive_reset).',
      [...NS, 'state'],
    ),
    synackRetrans: counter('tcpscope_synack_retransmits_total', 'SYN-ACK retransmits (tcp:tcp_retransmit_synack).', [
      ...NS,
    ]),
    synRetrans: counter('tcpscope_syn_retransmits_total', 'Client SYN retransmits (tcp_retransmit_skb in SYN_SENT).', [
      ...NS,
    ]),
    retrans: counter('tcpscope_retransmits_total', 'Retransmitted segments by socket state.', [...NS, 'state']),
    drops: counter('tcpscope_drops_total', 'TCP skb drops by kernel drop reason (skb:kfree_skb).', [...NS, 'reason']),
    lost: counter('tcpscope_events_lost_total', 'Events bpftrace reported lost.', [...NS]),
    suppressed: counter(
      'tcpscope_events_suppressed_total',
      'Detail events over the in-kernel cap (still counted in aggregates).',
      [...NS],
    ),
    gaps: counter('tcpscope_gaps_total', 'Tracer restarts (gaps in eBPF data).', [...NS]),
    sockets: gauge('tcpscope_sockets', 'Sockets per TCP state (IPv4 + IPv6).', [...NS, 'state']),
    sockstat: gauge('tcpscope_sockstat', '/proc/net/sockstat{,6} values, e.g. name="TCP.tw".', [...NS, 'name']),
    listeners: gauge('tcpscope_listeners', 'Listening sockets.', [...NS]),
    lQueue: gauge(
      'tcpscope_listener_queue',
      `Accept queue length per listener (top ${maxListeners} by queue, the rest in listener="other").`,
      [...NS, 'listener'],
    ),
    lCapacity: gauge(
      'tcpscope_listener_queue_capacity',
      'Accept queue capacity = min(backlog, somaxconn at listen()).',
      [...NS, 'listener'],
    ),
    sysctl: gauge('tcpscope_sysctl', 'Numeric sysctl values in force in the netns.', [...NS, 'name']),
    finding: gauge('tcpscope_finding_active', '1 while a diagnosis finding is active (by finding id).', [
      ...NS,
      'id',
      'severity',
    ]),
  };
  const latency = createLatencyMetrics(registry);
  const remotes = createRemoteMetrics(registry);
  const nstat = new Map<string, Counter<NsLabel>>();
  const seenListeners = new Map<string, Set<string>>();
  const seenFindings = new Map<string, Map<string, string>>();
  const seenModes = new Map<string, string>();
  const seenOwners = new Map<string, string>();
  const primed = new Set<string>();
  /** Pending removal of a renamed netns's old-labelled series (text() waits for it). */
  let removing: Promise<void> = Promise.resolve();

  function incAll<K extends string>(c: Counter<NsLabel | K>, ns: NsLabels, key: K, rec: Record<string, number>): void {
    for (const [k, v] of Object.entries(rec)) if (v > 0) c.inc({ ...ns, [key]: k } as LabelValues<NsLabel | K>, v);
  }

  function updateListeners(s: Snapshot, ns: NsLabels): void {
    const ls = [...s.census.listeners].sort(
      (a, b) => b.queue - a.queue || b.capacity - a.capacity || listenerLabel(a).localeCompare(listenerLabel(b)),
    );
    const now = new Set<string>();
    ls.slice(0, maxListeners).forEach((l) => {
      const label = listenerLabel(l);
      now.add(label);
      m.lQueue.set({ ...ns, listener: label }, l.queue);
      m.lCapacity.set({ ...ns, listener: label }, l.capacity);
    });
    const rest = ls.slice(maxListeners);
    if (rest.length > 0) {
      now.add('other');
      m.lQueue.set(
        { ...ns, listener: 'other' },
        rest.reduce((t, l) => t + l.queue, 0),
      );
      m.lCapacity.set(
        { ...ns, listener: 'other' },
        rest.reduce((t, l) => t + l.capacity, 0),
      );
    }
    for (const old of seenListeners.get(ns.netns) ?? []) {
      if (!now.has(old)) {
        m.lQueue.remove({ ...ns, listener: old });
        m.lCapacity.remove({ ...ns, listener: old });
      }
    }
    seenListeners.set(ns.netns, now);
    m.listeners.set(ns, ls.length);
  }

  function updateFindings(s: Snapshot, ns: NsLabels): void {
    const seen = seenFindings.get(ns.netns) ?? new Map<string, string>();
    const active = new Set<string>();
    for (const f of s.findings) {
      const prevSeverity = seen.get(f.id);
      if (prevSeverity !== undefined && prevSeverity !== f.severity)
        m.finding.remove({ ...ns, id: f.id, severity: prevSeverity });
      seen.set(f.id, f.severity);
      active.add(f.id);
      m.finding.set({ ...ns, id: f.id, severity: f.severity }, 1);
    }
    for (const [id, severity] of seen) if (!active.has(id)) m.finding.set({ ...ns, id, severity }, 0);
    seenFindings.set(ns.netns, seen);
  }

  function nstatCounter(name: string): Counter<NsLabel> | undefined {
    let c = nstat.get(name);
    if (c === undefined) {
      const metric = nstatMetricName(name);
      if (metric === undefined) return undefined;
      c = counter(
        metric,
        `${name} (nstat; node_exporter node_netstat_${nstatMetricStem(name)}): sum of deltas since tcpscope started.`,
        [...NS],
      );
      nstat.set(name, c);
    }
    return c;
  }

  /** Alert counters and tcpscope's own event counters at 0, so rate()/increase() see their first move. */
  function primeNs(ns: NsLabels): void {
    const key = JSON.stringify(ns);
    if (primed.has(key)) return;
    primed.add(key);
    for (const name of ALERT_COUNTERS) nstatCounter(name)!.inc(ns, 0);
    for (const c of [m.snapshots, m.synackRetrans, m.synRetrans, m.lost, m.suppressed, m.gaps]) c.inc(ns, 0);
  }

  function updateNstat(s: Snapshot, ns: NsLabels): void {
    for (const [name, delta] of Object.entries(s.counters)) {
      if (!(delta > 0)) continue; // a negative delta is a counter reset, not traffic
      nstatCounter(name)?.inc(ns, delta);
    }
  }

  return {
    registry,
    contentType: registry.contentType,
    // Old-labelled series of a renamed netns are removed before any exposition shows them next to the new ones.
    text: async () => {
      await removing;
      return registry.metrics();
    },
    async forget(ns: string): Promise<void> {
      await removeSeries(registry, (labels) => labels.netns === ns, false);
      seenListeners.delete(ns);
      seenFindings.delete(ns);
      seenModes.delete(ns);
      seenOwners.delete(ns);
      for (const key of primed) if ((JSON.parse(key) as NsLabels).netns === ns) primed.delete(key);
    },
    prime: (netns) => primeNs(refLabels(netns)),
    update(s: Snapshot): void {
      const ns = netnsLabels(s);
      // What runs in this netns changed (container renamed or replaced): its series under the old labels go, its new
      // ones start at 0 (new label set = new series); every other netns's series are untouched.
      const key = JSON.stringify(ns);
      const prevKey = seenOwners.get(ns.netns);
      if (prevKey !== undefined && prevKey !== key) {
        const old = JSON.parse(prevKey) as NsLabels;
        seenListeners.delete(ns.netns);
        seenFindings.delete(ns.netns);
        seenModes.delete(ns.netns);
        primed.delete(prevKey);
        removing = removing.then(() => removeSeries(registry, (l) => NS.every((k) => l[k] === old[k]), true));
      }
      seenOwners.set(ns.netns, key);
      primeNs(ns);
      m.snapshots.inc(ns);
      m.time.set(ns, s.time / 1000);
      const prevMode = seenModes.get(ns.netns);
      if (prevMode !== undefined && prevMode !== s.mode) m.mode.remove({ ...ns, mode: prevMode });
      seenModes.set(ns.netns, s.mode);
      m.mode.set({ ...ns, mode: s.mode }, 1);

      for (const [k, v] of Object.entries(s.transitions)) {
        const [from, to] = k.split('->');
        if (from !== undefined && to !== undefined && v > 0) m.transitions.inc({ ...ns, from, to }, v);
      }
      const e = s.events;
      incAll(m.resetsSent, ns, 'reason', withRemainder(e.resetsSentByReason, e.resetsSent));
      const byState: Record<string, number> = {};
      for (const [k, v] of Object.entries(e.resetsReceivedByStatePort)) {
        const state = k.slice(0, k.lastIndexOf(':'));
        byState[state] = (byState[state] ?? 0) + v;
      }
      incAll(m.resetsReceived, ns, 'state', withRemainder(byState, e.resetsReceived));
      incAll(m.retrans, ns, 'state', e.retransByState);
      incAll(m.drops, ns, 'reason', e.dropsByReason);
      // Create the series at 0 so rate() works from the first scrape.
      m.synackRetrans.inc(ns, e.synackRetrans);
      m.synRetrans.inc(ns, e.synRetrans);
      m.lost.inc(ns, e.lost);
      m.suppressed.inc(ns, e.suppressed);
      m.gaps.inc(ns, s.gaps.length);

      for (const state of new Set([...TCP_STATES, ...Object.keys(s.census.states)])) {
        m.sockets.set({ ...ns, state }, s.census.states[state] ?? 0);
      }
      for (const [k, v] of Object.entries(s.census.sockstat)) m.sockstat.set({ ...ns, name: k }, v);
      updateListeners(s, ns);
      for (const [name, value] of Object.entries(s.sysctls)) {
        const t = value.trim();
        if (/^-?\d+(?:\.\d+)?$/.test(t)) m.sysctl.set({ ...ns, name }, Number(t));
      }
      updateFindings(s, ns);
      updateNstat(s, ns);
      latency.update(s, ns.netns);
      remotes.update(s, ns.netns);
    },
  };
}
