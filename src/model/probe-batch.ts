// One interval of in-kernel aggregates from the probes: the typed contract between src/kernel and src/pipeline.

/** Every row carries the netns inode, so one run can tell namespaces apart. */
export interface TransitionCount {
  netns: number;
  from: string;
  to: string;
  count: number;
}
export interface SynackRetransCount {
  netns: number;
  laddr: string;
  lport: number;
  count: number;
  /** Accept queue depth (sk_ack_backlog) at the last retransmit of the interval. */
  acceptQueue: number;
  /** Accept queue capacity (sk_max_ack_backlog) = min(listen backlog, somaxconn at listen()). */
  acceptCapacity: number;
  /** SYN queue length (icsk_accept_queue.qlen) at the last retransmit, -1 when unreadable. */
  synQueue: number;
}
export interface NetnsCount {
  netns: number;
  count: number;
}
export interface StateCount {
  netns: number;
  state: string;
  count: number;
}
export interface ReasonCount {
  netns: number;
  reason: string;
  count: number;
}
export interface ResetReceivedCount {
  netns: number;
  state: string;
  port: number;
  count: number;
}

/** Per-event detail of a rare event (capped in the kernel per interval). */
export interface ProbeDetail {
  kind: 'reset-sent' | 'reset-received' | 'synack-retrans' | 'listen-drop';
  netns: number;
  saddr: string;
  sport: number;
  daddr: string;
  dport: number;
  state: string;
  /** Reset or drop reason name, '' when not applicable. */
  reason: string;
  pid: number;
  comm: string;
}

export interface ProbeBatch {
  /** Kernel monotonic ns at the interval print (from bpftrace's tick marker). */
  kernelNs: number;
  transitions: TransitionCount[];
  synackRetrans: SynackRetransCount[];
  /** Client SYN retransmits: tcp_retransmit_skb in SYN_SENT. */
  synRetrans: NetnsCount[];
  /** Every retransmitted segment by socket state. */
  retrans: StateCount[];
  /** RSTs sent per reason name ('UNKNOWN' when the kernel has no reason field). */
  resetsSent: ReasonCount[];
  resetsReceived: ResetReceivedCount[];
  /** TCP skb drops per skb_drop_reason name. */
  drops: ReasonCount[];
  details: ProbeDetail[];
  /** Detail events over the in-kernel cap this interval (they are still counted in the aggregates). */
  suppressed: number;
  /** bpftrace lost_events since the previous batch. */
  lost: number;
}

export function emptyBatch(kernelNs = 0): ProbeBatch {
  return {
    kernelNs,
    transitions: [],
    synackRetrans: [],
    synRetrans: [],
    retrans: [],
    resetsSent: [],
    resetsReceived: [],
    drops: [],
    details: [],
    suppressed: 0,
    lost: 0,
  };
}
