// One-line meanings of the TCP sysctls behind what the dashboard shows (kernel-accurate; see shared/kernel-facts.md).

export const SYSCTL_MEANINGS: readonly [name: string, meaning: string][] = [
  ['net.core.somaxconn', 'caps every listen() backlog (accept queue); read at listen()'],
  ['net.ipv4.tcp_max_syn_backlog', 'SYN-queue limit only with syncookies=0 (drops past 3/4)'],
  ['net.ipv4.tcp_syncookies', '1: send cookies when the SYN queue is full'],
  ['net.ipv4.tcp_abort_on_overflow', '1: RST when the accept queue is full; 0: drop, retry SYN-ACK'],
  ['net.ipv4.tcp_synack_retries', 'SYN-ACK retransmits before a half-open request is dropped'],
  ['net.ipv4.tcp_syn_retries', 'SYN retransmits before connect() gives up'],
  ['net.ipv4.tcp_syn_linear_timeouts', 'first N SYN retries use a linear 1 s timeout'],
  ['net.ipv4.tcp_max_tw_buckets', 'TIME_WAIT limit; past it sockets skip TIME_WAIT'],
  ['net.ipv4.tcp_tw_reuse', 'reuse TIME_WAIT ports for outgoing connects (2: loopback)'],
  ['net.ipv4.tcp_fin_timeout', 'orphaned FIN_WAIT2 lifetime (TIME_WAIT is fixed 60 s)'],
  ['net.ipv4.tcp_max_orphans', 'orphan limit; orphans past it are reset'],
  ['net.ipv4.tcp_orphan_retries', 'retries before an orphan is killed (0 means 8)'],
  ['net.ipv4.ip_local_port_range', 'ephemeral ports for outgoing connects'],
  ['net.ipv4.tcp_keepalive_time', 'idle seconds before keepalive probes (SO_KEEPALIVE)'],
];

export const SYSCTL_MEANING = new Map(SYSCTL_MEANINGS);

/** `net.ipv4.tcp_syn_retries` -> `tcp_syn_retries`, `net.core.somaxconn` -> `somaxconn`. */
export function shortSysctl(name: string): string {
  return name.replace(/^net\.(?:ipv4|core|ipv6)\./, '');
}
