// The whole-host Snapshot: host totals plus one section per network namespace, each holding exactly what a
// single-netns Snapshot holds (the same type, so rules, reports and the per-netns dashboard reuse it), ranked by trouble.
import type { Severity } from './finding.js';
import type { NetnsIdentity } from './host-set-sample.js';
import type { Mode, Snapshot } from './snapshot.js';

/** Version of the whole-host shape (a single-netns Snapshot stays at its own schemaVersion 1). */
export const HOST_SNAPSHOT_SCHEMA_VERSION = 2;

/**
 * `ok`: sampled this interval; `new`: first interval in view (no deltas yet); `gone`: vanished since the previous
 * interval (shown once, then dropped); `unreadable`: known but not readable (see notes).
 */
export type NetnsStatus = 'ok' | 'new' | 'gone' | 'unreadable';

/** The per-interval rates the overview and the ranking use, per second. */
export interface NetnsRates {
  connIn: number;
  connOut: number;
  /** Accept-queue overflows (TcpExtListenOverflows). */
  overflows: number;
  /** SYN-queue drops (TcpExtTCPReqQFullDrop). */
  synDrops: number;
  rstSent: number;
  rstRecv: number;
  synackRetrans: number;
  /** Probe drops (skb:kfree_skb) or, in procfs mode, TcpExtListenDrops. */
  drops: number;
}

export interface FullestListener {
  addr: string;
  port: number;
  queue: number;
  capacity: number;
}

export interface NetnsSection {
  netns: NetnsIdentity;
  status: NetnsStatus;
  /** 1 = most troubled. */
  rank: number;
  /** Worst finding severity, undefined when none. */
  worst: Severity | undefined;
  rates: NetnsRates;
  fullestListener: FullestListener | undefined;
  /** The netns's own Snapshot; undefined for `new` (baseline only), `gone` and `unreadable`. */
  snapshot: Snapshot | undefined;
  notes: string[];
}

export interface HostTotals {
  /** Namespaces in the view (with TCP sockets or events), and how many have findings. */
  namespaces: number;
  troubled: number;
  /** Namespaces without any TCP socket or event (not shown). */
  idle: number;
  states: Record<string, number>;
  rates: NetnsRates;
  findings: Record<Severity, number>;
}

export interface HostSnapshot {
  schemaVersion: typeof HOST_SNAPSHOT_SCHEMA_VERSION;
  kind: 'host';
  time: number;
  seq: number;
  intervalMs: number;
  mode: Mode;
  modeReason: string | undefined;
  totals: HostTotals;
  /** Sorted by trouble: worst finding severity, then overflow/drop rates, then name. */
  namespaces: NetnsSection[];
  /** bpftrace-wide (not per netns): lost events and detail lines over the cap. */
  events: { lost: number; suppressed: number };
  gaps: { reason: string; durationMs: number | undefined }[];
  notes: string[];
  /** Wall time of the host poll that closed the interval (ms). */
  pollMs: number;
}
