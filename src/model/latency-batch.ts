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

export interface LatencyBatch {
  connect: ConnectLatencyRow[];
  failed: FailedConnectRow[];
  lifetime: DurationRow[];
  rtt: DurationRow[];
}
