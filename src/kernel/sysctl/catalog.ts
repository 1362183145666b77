// The sysctls tcpscope reads every poll, with kernel defaults and one line on what each governs (kernel-facts.md).

export type SysctlUnit = 'count' | 'seconds' | 'bool' | 'enum' | 'range' | 'pages' | 'sockets';

export interface SysctlSpec {
  name: string;
  /** Default of a current kernel (6.x); '' when it depends on memory size. */
  kernelDefault: string;
  unit: SysctlUnit;
  meaning: string;
  /** Present only on some kernels (added or removed): absence is reported, not an error. */
  optional?: { since?: string; removedIn?: string };
  /** Host-wide, visible only in the initial netns (tcp_mem, tcp_max_orphans): read from there for any netns. */
  global?: true;
}

export const SYSCTLS: SysctlSpec[] = [
  {
    name: 'net.ipv4.tcp_syn_retries',
    kernelDefault: '6',
    unit: 'count',
    meaning: 'SYN retransmits of a connect() before giving up (~127-131 s with 6)',
  },
  {
    name: 'net.ipv4.tcp_synack_retries',
    kernelDefault: '5',
    unit: 'count',
    meaning: 'SYN-ACK retransmits for a pending request (1,3,7,15,31 s; gives up at 63 s with 5)',
  },
  {
    name: 'net.ipv4.tcp_syn_linear_timeouts',
    kernelDefault: '4',
    unit: 'count',
    meaning: 'first SYN retries use a linear 1 s timeout before doubling',
    optional: { since: '6.7' },
  },
  {
    name: 'net.ipv4.tcp_max_syn_backlog',
    kernelDefault: '',
    unit: 'count',
    meaning: 'with syncookies=0, past 3/4 of it SYNs from unproven peers are dropped',
  },
  {
    name: 'net.core.somaxconn',
    kernelDefault: '4096',
    unit: 'count',
    meaning: 'cap on listen() backlog: accept queue capacity = min(backlog, somaxconn) at listen()',
  },
  {
    name: 'net.ipv4.tcp_syncookies',
    kernelDefault: '1',
    unit: 'enum',
    meaning: '0 off, 1 send cookies when the SYN queue overflows, 2 always',
  },
  {
    name: 'net.ipv4.tcp_abort_on_overflow',
    kernelDefault: '0',
    unit: 'bool',
    meaning: 'accept queue full on final ACK: 0 drop and retry SYN-ACK, 1 send RST',
  },
  {
    name: 'net.ipv4.tcp_fin_timeout',
    kernelDefault: '60',
    unit: 'seconds',
    meaning: 'lifetime of orphaned FIN_WAIT2 sockets (not TIME_WAIT, fixed at 60 s)',
  },
  {
    name: 'net.ipv4.tcp_max_tw_buckets',
    kernelDefault: '',
    unit: 'sockets',
    meaning: 'TIME_WAIT sockets beyond this are not created (TCPTimeWaitOverflow)',
  },
  {
    name: 'net.ipv4.tcp_tw_reuse',
    kernelDefault: '2',
    unit: 'enum',
    meaning: 'reuse TIME_WAIT for outgoing connects: 0 no, 1 yes, 2 loopback only (needs timestamps)',
  },
  {
    name: 'net.ipv4.tcp_timestamps',
    kernelDefault: '1',
    unit: 'enum',
    meaning: 'RFC 7323 timestamps (needed by tw_reuse and PAWS): 0 off, 1 on with random offset, 2 no offset',
  },
  {
    name: 'net.ipv4.tcp_orphan_retries',
    kernelDefault: '0',
    unit: 'count',
    meaning: 'retries before killing an orphaned socket (0 means 8)',
  },
  {
    name: 'net.ipv4.tcp_max_orphans',
    kernelDefault: '',
    unit: 'sockets',
    meaning: 'orphans beyond this are reset (TCPAbortOnMemory)',
    global: true,
  },
  {
    name: 'net.ipv4.tcp_keepalive_time',
    kernelDefault: '7200',
    unit: 'seconds',
    meaning: 'idle time before the first keepalive probe (SO_KEEPALIVE sockets only)',
  },
  {
    name: 'net.ipv4.tcp_keepalive_intvl',
    kernelDefault: '75',
    unit: 'seconds',
    meaning: 'interval between keepalive probes',
  },
  {
    name: 'net.ipv4.tcp_keepalive_probes',
    kernelDefault: '9',
    unit: 'count',
    meaning: 'unanswered keepalive probes before the connection is dropped',
  },
  {
    name: 'net.ipv4.ip_local_port_range',
    kernelDefault: '32768 60999',
    unit: 'range',
    meaning: 'ephemeral ports for outgoing connections (per destination 4-tuple)',
  },
  {
    name: 'net.ipv4.tcp_fastopen',
    kernelDefault: '1',
    unit: 'enum',
    meaning: 'TCP Fast Open bitmask: 1 client, 2 server',
  },
  {
    name: 'net.ipv4.tcp_retries1',
    kernelDefault: '3',
    unit: 'count',
    meaning: 'RTO retransmits before asking the route layer to re-check',
  },
  {
    name: 'net.ipv4.tcp_retries2',
    kernelDefault: '15',
    unit: 'count',
    meaning: 'RTO retransmits before an established connection is killed (~924 s)',
  },
  {
    name: 'net.ipv4.tcp_mem',
    kernelDefault: '',
    unit: 'pages',
    meaning: 'low / pressure / high TCP memory in pages (sockstat TCP.mem compares to it)',
    global: true,
  },
  {
    name: 'net.ipv4.tcp_tw_recycle',
    kernelDefault: '',
    unit: 'bool',
    meaning: 'removed in 4.12 (broke clients behind NAT); absent on modern kernels',
    optional: { removedIn: '4.12' },
  },
];

export const GLOBAL_SYSCTLS: ReadonlySet<string> = new Set(SYSCTLS.filter((s) => s.global).map((s) => s.name));

/** `net.ipv4.tcp_syn_retries` -> `/proc/sys/net/ipv4/tcp_syn_retries`. */
export const sysctlPath = (name: string): string => `/proc/sys/${name.replace(/\./g, '/')}`;

/** `/proc/sys/net/ipv4/tcp_mem` -> `net.ipv4.tcp_mem`. */
export const sysctlName = (path: string): string => path.replace(/^\/proc\/sys\//, '').replace(/\//g, '.');

/** Multi-value sysctls (tcp_mem, ip_local_port_range) use tabs: normalise to single spaces. */
export const normalizeSysctlValue = (raw: string): string => raw.trim().split(/\s+/).join(' ');
