// One poll of the procfs/sysctl half (absolute values): the typed contract between src/kernel/host and src/pipeline.

export interface Listener {
  family: 4 | 6;
  addr: string;
  port: number;
  /** Current accept queue (ss Recv-Q for a LISTEN socket). */
  queue: number;
  /** Accept queue capacity (ss Send-Q) = min(listen backlog, somaxconn at listen()). */
  capacity: number;
  inode: number;
  pid: number | undefined;
  comm: string | undefined;
}

/** Sockets in a state owned by one process (CLOSE_WAIT, FIN_WAIT1/2, LAST_ACK...). */
export interface OwnerCount {
  state: string;
  pid: number;
  comm: string;
  count: number;
}

export interface NetnsRef {
  inode: number;
  name: string | undefined;
}

export interface HostSample {
  netns: NetnsRef;
  /** Absolute counters with nstat names: TcpExtListenOverflows, TcpActiveOpens, IpExtInOctets... */
  counters: Record<string, number>;
  /** /proc/net/sockstat{,6}: keys like `TCP.inuse`, `TCP.orphan`, `TCP.tw`, `TCP.alloc`, `TCP.mem`, `TCP6.inuse`. */
  sockstat: Record<string, number>;
  /** Sockets per TCP state (IPv4 + IPv6), TIME_WAIT included; listeners counted under LISTEN. */
  census: Record<string, number>;
  listeners: Listener[];
  owners: OwnerCount[];
  /** Full sysctl name -> value as read in the target netns, e.g. `net.ipv4.tcp_syn_retries` -> '6'. Missing ones absent. */
  sysctls: Record<string, string>;
  /** How long the poll took (ms), for self-monitoring. */
  pollMs: number;
  /** Non-fatal problems of this poll (unreadable file...), shown as degraded-mode notes. */
  notes: string[];
}
