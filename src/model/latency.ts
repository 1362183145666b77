// The optional `latency` section of a Snapshot (connect latency, failed connects, lifetimes, RTT): per-netns rows, so
// it fits a single-netns snapshot and a whole-host one alike. Additive: snapshots without the probe lack it.
import type { LatencyStats } from './latency-stats.js';

export type ConnectOutcome = 'refused' | 'timed-out' | 'unreachable' | 'aborted' | `error-${number}`;

/** Connects per (netns, remote port): this interval and the session so far. */
export interface ConnectLatencyStat {
  netns: number;
  dport: number;
  interval: LatencyStats;
  session: LatencyStats;
  /** This interval: connects that needed n SYN retransmits, keyed n (15 = 15 or more). */
  synRetrans: Record<string, number>;
}

/** Failed connects (SYN_SENT -> CLOSE) per (netns, remote port, outcome). */
export interface FailedConnectStat {
  netns: number;
  dport: number;
  outcome: ConnectOutcome;
  /** sk_err when the socket closed: 111 ECONNREFUSED, 110 ETIMEDOUT, 113/101/112 unreachable, 0 closed by the app. */
  errno: number;
  count: number;
  /** Time from the first SYN to the failure: average and largest of the interval. */
  avgUs: number;
  maxUs: number;
  sessionCount: number;
}

/** Lifetime (ESTABLISHED -> closing) or RTT at close, per (netns, direction, service port). */
export interface DurationStat {
  netns: number;
  /** in = accepted (port = local listening port), out = connected (port = remote port). */
  direction: 'in' | 'out';
  port: number;
  interval: LatencyStats;
  session: LatencyStats;
}

/** Connects to one remote: counts, average and largest latency, slow (SYN retransmitted) and failed connects. */
export interface RemoteTally {
  connects: number;
  avgUs: number;
  maxUs: number;
  /** Completed connects that needed at least one SYN retransmit. */
  slow: number;
  failed: number;
}

/** One remote (netns, remote address, remote port) of the per-netns top list: this interval and the session. */
export interface RemoteConnectStat {
  netns: number;
  daddr: string;
  dport: number;
  interval: RemoteTally;
  session: RemoteTally;
  /** This interval's failures by outcome. */
  failedBy: Partial<Record<ConnectOutcome, number>>;
}

export interface LatencySection {
  connect: ConnectLatencyStat[];
  failed: FailedConnectStat[];
  lifetime: DurationStat[];
  rtt: DurationStat[];
  /**
   * The remotes with the most trouble, at most REMOTE_TOP per netns: ranked by slow + failed connects this interval,
   * then the largest latency, then the session's slow + failed. Absent in older recordings.
   */
  remotes?: RemoteConnectStat[];
  /** Connects to remotes the kernel does not track (past its cap of 256 remotes per run), per netns. */
  untrackedRemotes?: { netns: number; interval: number; session: number }[];
}

/** Remotes listed per netns in the latency section (the kernel tracks up to 256 per run). */
export const REMOTE_TOP = 10;

export function outcomeOf(errno: number): ConnectOutcome {
  switch (errno) {
    case 111:
      return 'refused';
    case 110:
      return 'timed-out';
    case 113:
    case 101:
    case 112:
      return 'unreachable';
    case 0:
      return 'aborted';
    default:
      return `error-${errno}`;
  }
}
