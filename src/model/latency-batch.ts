// Connect latency, failed connects, lifetimes and RTT of one interval (probes/connlat.bt), as the decoder types them.

/** Log2 histogram with 4 sub-buckets per power of two: key 4*b + q (see latency-stats.ts bucketLowUs), microseconds. */
export type Log2Buckets = Record<number, number>;

/** SYN_SENT -> ESTABLISHED per (netns, remote port). */
export interface ConnectLatencyRow {
  netns: number;
  dport: number;
  count: number;
  sumUs: number;
  /** Largest latency of the interval (0 when the peak map lost it between print and clear). */
  maxUs: number;
  buckets: Log2Buckets;
  /** Connects that needed n SYN retransmits (n >= 1; tcp_sock.total_retrans at ESTABLISHED, 15 = 15 or more). */
  synRetrans: Record<number, number>;
}

/** SYN_SENT -> CLOSE per (netns, remote port, sk_err at that moment). */
export interface FailedConnectRow {
  netns: number;
  dport: number;
  errno: number;
  count: number;
  sumUs: number;
  maxUs: number;
}

/** ESTABLISHED -> first closing state (lifetime) or the srtt then (rtt), per (netns, direction, service port). */
export interface DurationRow {
  netns: number;
  /** in = accepted (port = local listening port); out = connected (port = remote port). */
  direction: 'in' | 'out';
  port: number;
  count: number;
  sumUs: number;
  buckets: Log2Buckets;
}

/** Connects to one remote (netns, remote address, remote port) the kernel tracks (the first 256 of a run). */
export interface RemoteConnectRow {
  netns: number;
  daddr: string;
  dport: number;
  /** Connects that completed, their latency sum and largest (0 when the peak map lost it). */
  count: number;
  sumUs: number;
  maxUs: number;
  /** Completed connects that needed at least one SYN retransmit. */
  slow: number;
  /** Failed connects by sk_err (111 refused, 110 timed out, ...). */
  failed: Record<number, number>;
}

export interface LatencyBatch {
  connect: ConnectLatencyRow[];
  failed: FailedConnectRow[];
  lifetime: DurationRow[];
  rtt: DurationRow[];
  /** Per-remote rows (absent in recordings made before the probe had them). */
  remote?: RemoteConnectRow[];
  /** Connects (completed or failed) to remotes past the in-kernel cap, per netns. */
  untracked?: { netns: number; count: number }[];
}
