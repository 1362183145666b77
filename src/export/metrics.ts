// Prometheus metrics (prom-client registry) updated from each Snapshot, with bounded label cardinality.
import { Counter, Gauge, Registry, type LabelValues } from 'prom-client';
import type { Snapshot } from '../model/snapshot.js';
import { TCP_STATES } from '../kernel/tcp-states.js';
import { nstatMetricStem } from './nstat-names.js';

/** Listener series per netns; the rest are summed into listener="other". */
export const MAX_LISTENER_SERIES = 50;

export interface Metrics {
  registry: Registry;
  update(s: Snapshot): void;
  /** The exposition text (Prometheus text format 0.0.4). */
  text(): Promise<string>;
  contentType: string;
}

export interface MetricsOptions {
  maxListenerSeries?: number;
}

const netnsLabel = (s: Snapshot): string => s.netns.name ?? String(s.netns.inode);

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
    snapshots: counter('tcpscope_snapshots_total', 'Snapshots (intervals) processed.', ['netns']),
    time: gauge('tcpscope_last_snapshot_timestamp_seconds', 'End of the last interval (unix seconds).', ['netns']),
    mode: gauge('tcpscope_mode', '1 for the data source in use: ebpf, procfs or replay.', ['netns', 'mode']),
    transitions: counter('tcpscope_transitions_total', 'TCP state transitions (sock:inet_sock_set_state), eBPF mode.', [
      'netns',
      'from',
      'to',
    ]),
    resetsSent: counter('tcpscope_resets_sent_total', 'RSTs sent, by kernel reset reason (tcp:tcp_send_reset).', [
      'netns',
      'reason',
    ]),
    resetsReceived: counter(
      'tcpscope_resets_received_total',
      'RSTs received, by socket state (tcp:tcp_receive_reset).',
      ['netns', 'state'],
    ),
    synackRetrans: counter('tcpscope_synack_retransmits_total', 'SYN-ACK retransmits (tcp:tcp_retransmit_synack).', [
      'netns',
    ]),
    synRetrans: counter('tcpscope_syn_retransmits_total', 'Client SYN retransmits (tcp_retransmit_skb in SYN_SENT).', [
      'netns',
    ]),
    retrans: counter('tcpscope_retransmits_total', 'Retransmitted segments by socket state.', ['netns', 'state']),
    drops: counter('tcpscope_drops_total', 'TCP skb drops by kernel drop reason (skb:kfree_skb).', ['netns', 'reason']),
    lost: counter('tcpscope_events_lost_total', 'Events bpftrace reported lost.', ['netns']),
    suppressed: counter(
      'tcpscope_events_suppressed_total',
      'Detail events over the in-kernel cap (still counted in aggregates).',
      ['netns'],
    ),
    gaps: counter('tcpscope_gaps_total', 'Tracer restarts (gaps in eBPF data).', ['netns']),
    sockets: gauge('tcpscope_sockets', 'Sockets per TCP state (IPv4 + IPv6).', ['netns', 'state']),
    sockstat: gauge('tcpscope_sockstat', '/proc/net/sockstat{,6} values, e.g. name="TCP.tw".', ['netns', 'name']),
    listeners: gauge('tcpscope_listeners', 'Listening sockets.', ['netns']),
    lQueue: gauge(
      'tcpscope_listener_queue',
      `Accept queue length per listener (top ${maxListeners} by queue, the rest in listener="other").`,
      ['netns', 'listener'],
    ),
    lCapacity: gauge(
      'tcpscope_listener_queue_capacity',
      'Accept queue capacity = min(backlog, somaxconn at listen()).',
      ['netns', 'listener'],
    ),
    sysctl: gauge('tcpscope_sysctl', 'Numeric sysctl values in force in the netns.', ['netns', 'name']),
    finding: gauge('tcpscope_finding_active', '1 while a diagnosis finding is active (by finding id).', [
      'netns',
      'id',
      'severity',
    ]),
  };
  const nstat = new Map<string, Counter<'netns'>>();
  const seenListeners = new Map<string, Set<string>>();
  const seenFindings = new Map<string, Map<string, string>>();
  const seenModes = new Map<string, string>();

  function incAll<K extends string>(c: Counter<'netns' | K>, ns: string, key: K, rec: Record<string, number>): void {
    for (const [k, v] of Object.entries(rec)) if (v > 0) c.inc({ netns: ns, [key]: k } as LabelValues<'netns' | K>, v);
  }

  function updateListeners(s: Snapshot, ns: string): void {
    const ls = [...s.census.listeners].sort(
      (a, b) => b.queue - a.queue || b.capacity - a.capacity || listenerLabel(a).localeCompare(listenerLabel(b)),
    );
    const now = new Set<string>();
    ls.slice(0, maxListeners).forEach((l) => {
      const label = listenerLabel(l);
      now.add(label);
      m.lQueue.set({ netns: ns, listener: label }, l.queue);
      m.lCapacity.set({ netns: ns, listener: label }, l.capacity);
    });
    const rest = ls.slice(maxListeners);
    if (rest.length > 0) {
      now.add('other');
      m.lQueue.set(
        { netns: ns, listener: 'other' },
        rest.reduce((t, l) => t + l.queue, 0),
      );
      m.lCapacity.set(
        { netns: ns, listener: 'other' },
        rest.reduce((t, l) => t + l.capacity, 0),
      );
    }
    for (const old of seenListeners.get(ns) ?? []) {
      if (!now.has(old)) {
        m.lQueue.remove({ netns: ns, listener: old });
        m.lCapacity.remove({ netns: ns, listener: old });
      }
    }
    seenListeners.set(ns, now);
    m.listeners.set({ netns: ns }, ls.length);
  }

  function updateFindings(s: Snapshot, ns: string): void {
    const seen = seenFindings.get(ns) ?? new Map<string, string>();
    const active = new Set<string>();
    for (const f of s.findings) {
      const prevSeverity = seen.get(f.id);
      if (prevSeverity !== undefined && prevSeverity !== f.severity)
        m.finding.remove({ netns: ns, id: f.id, severity: prevSeverity });
      seen.set(f.id, f.severity);
      active.add(f.id);
      m.finding.set({ netns: ns, id: f.id, severity: f.severity }, 1);
    }
    for (const [id, severity] of seen) if (!active.has(id)) m.finding.set({ netns: ns, id, severity }, 0);
    seenFindings.set(ns, seen);
  }

  function updateNstat(s: Snapshot, ns: string): void {
    for (const [name, delta] of Object.entries(s.counters)) {
      if (!(delta > 0)) continue; // a negative delta is a counter reset, not traffic
      let c = nstat.get(name);
      if (c === undefined) {
        const stem = nstatMetricStem(name);
        if (stem === undefined) continue;
        c = counter(
          `tcpscope_netstat_${stem}_total`,
          `${name} (/proc/net nstat counter): sum of deltas since tcpscope started.`,
          ['netns'],
        );
        nstat.set(name, c);
      }
      c.inc({ netns: ns }, delta);
    }
  }

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    update(s: Snapshot): void {
      const ns = netnsLabel(s);
      m.snapshots.inc({ netns: ns });
      m.time.set({ netns: ns }, s.time / 1000);
      const prevMode = seenModes.get(ns);
      if (prevMode !== undefined && prevMode !== s.mode) m.mode.remove({ netns: ns, mode: prevMode });
      seenModes.set(ns, s.mode);
      m.mode.set({ netns: ns, mode: s.mode }, 1);

      for (const [k, v] of Object.entries(s.transitions)) {
        const [from, to] = k.split('->');
        if (from !== undefined && to !== undefined && v > 0) m.transitions.inc({ netns: ns, from, to }, v);
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
      m.synackRetrans.inc({ netns: ns }, e.synackRetrans);
      m.synRetrans.inc({ netns: ns }, e.synRetrans);
      m.lost.inc({ netns: ns }, e.lost);
      m.suppressed.inc({ netns: ns }, e.suppressed);
      m.gaps.inc({ netns: ns }, s.gaps.length);

      for (const state of new Set([...TCP_STATES, ...Object.keys(s.census.states)])) {
        m.sockets.set({ netns: ns, state }, s.census.states[state] ?? 0);
      }
      for (const [k, v] of Object.entries(s.census.sockstat)) m.sockstat.set({ netns: ns, name: k }, v);
      updateListeners(s, ns);
      for (const [name, value] of Object.entries(s.sysctls)) {
        const t = value.trim();
        if (/^-?\d+(?:\.\d+)?$/.test(t)) m.sysctl.set({ netns: ns, name }, Number(t));
      }
      updateFindings(s, ns);
      updateNstat(s, ns);
    },
  };
}
