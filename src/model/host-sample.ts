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

/** What runs in a netns, resolved through cgroups and the runtimes' own metadata (src/kernel/runtimes). */
export type OwnerRuntime = 'docker' | 'podman' | 'kubernetes' | 'systemd';

export interface NetnsOwner {
  runtime: OwnerRuntime;
  /** What people call it: container name, `namespace/pod`, `nginx.service`; a short id when only the id is known. */
  name: string;
  /** Full container id (docker, podman; the first container's id for a pod) when known. */
  id?: string;
  /** Container image (`nginx:1.27`) when the engine told us. */
  image?: string;
  /** docker compose labels com.docker.compose.project / .service. */
  compose?: { project: string; service: string };
  /** Kubernetes pod; `name` is then `namespace/pod`. */
  pod?: { namespace: string; name: string; uid: string };
  /** Names of the containers sharing this netns (a pod's, or `--network container:`), when known. */
  containers?: string[];
  /** systemd unit (`nginx.service`) for systemd owners. */
  unit?: string;
  /** The engine under Kubernetes: containerd, cri-o or docker. */
  engine?: string;
}

/**
 * A network namespace as sinks see it. `name` is its `ip netns` name (usable with nsenter); `owner` what runs in it
 * and `pid` a process inside, both as they were when the sample was taken (optional: older recordings lack them).
 */
export interface NetnsRef {
  inode: number;
  name: string | undefined;
  owner?: NetnsOwner;
  /** Whole-host mode, a netns without a name: a process inside, for `nsenter -t PID -n` advice. */
  pid?: number | undefined;
  /** Whole-host mode: the netns tcpscope runs in (the host's), the reference for sysctl drift. */
  isHost?: boolean | undefined;
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
