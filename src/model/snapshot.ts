// The Snapshot: one per interval, the only thing sinks (dashboard, recorder reports, alerts, exporter) consume.
import type { Finding } from './finding.js';
import type { Listener, NetnsRef, OwnerCount } from './host-sample.js';
import type { ProbeDetail } from './probe-batch.js';

export const SNAPSHOT_SCHEMA_VERSION = 1;

export type Mode = 'ebpf' | 'procfs' | 'replay';

export interface SynackListenerStat {
  laddr: string;
  lport: number;
  count: number;
  acceptQueue: number;
  acceptCapacity: number;
  synQueue: number;
}

export interface SnapshotEvents {
  synackRetrans: number;
  synackRetransByListener: SynackListenerStat[];
  synRetrans: number;
  /** All retransmitted segments, by state. */
  retransByState: Record<string, number>;
  resetsSent: number;
  resetsSentByReason: Record<string, number>;
  resetsReceived: number;
  /** keyed `STATE:port`. */
  resetsReceivedByStatePort: Record<string, number>;
  drops: number;
  dropsByReason: Record<string, number>;
  details: ProbeDetail[];
  suppressed: number;
  lost: number;
}

export interface SysctlChange {
  name: string;
  old: string | undefined;
  new: string | undefined;
  t: number;
}

export interface Snapshot {
  schemaVersion: typeof SNAPSHOT_SCHEMA_VERSION;
  /** ms epoch when the interval closed. */
  time: number;
  /** Sequence number in this session (0-based). */
  seq: number;
  intervalMs: number;
  netns: NetnsRef;
  mode: Mode;
  /** Why eBPF is not used, in procfs mode. */
  modeReason: string | undefined;
  /** Counts of `FROM->TO` state transitions in the interval (eBPF mode). */
  transitions: Record<string, number>;
  events: SnapshotEvents;
  /** Per-interval deltas with nstat names. Only non-zero deltas are present. */
  counters: Record<string, number>;
  census: {
    states: Record<string, number>;
    listeners: (Listener & { atCapacity: boolean })[];
    owners: OwnerCount[];
    sockstat: Record<string, number>;
  };
  sysctls: Record<string, string>;
  sysctlChanges: SysctlChange[];
  findings: Finding[];
  /** Gaps (tracer restarts) that fell into this interval. */
  gaps: { reason: string; durationMs: number | undefined }[];
  /** Problems reading sources this interval. */
  notes: string[];
}

/** A counter's delta in this interval: absent means it did not change (0). */
export function counterOf(s: Pick<Snapshot, 'counters'>, name: string): number {
  return s.counters[name] ?? 0;
}
