// Maps nstat counter names to node_exporter-style metric names (TcpExtListenOverflows → TcpExt_ListenOverflows).

/** Longest first, so `TcpExt` wins over `Tcp` and `Icmp6` over `Icmp`. */
const GROUPS = [
  'MPTcpExt',
  'UdpLite6',
  'IcmpMsg',
  'UdpLite',
  'TcpExt',
  'IpExt',
  'Icmp6',
  'Udp6',
  'Ip6',
  'Icmp',
  'Tcp',
  'Udp',
  'Ip',
];

/**
 * Levels, not counters, in /proc/net/snmp: a delta of them is meaningless as a Prometheus counter, so they are not
 * re-exported (TcpCurrEstab is better read from tcpscope_sockets{state="ESTABLISHED"}).
 */
const LEVELS = new Set([
  'TcpRtoAlgorithm',
  'TcpRtoMin',
  'TcpRtoMax',
  'TcpMaxConn',
  'TcpCurrEstab',
  'IpForwarding',
  'IpDefaultTTL',
]);

/** `TcpExt_ListenOverflows`, or undefined for levels and names that do not look like nstat counters. */
export function nstatMetricStem(name: string): string | undefined {
  if (LEVELS.has(name)) return undefined;
  const group = GROUPS.find((g) => name.startsWith(g) && name.length > g.length && /[A-Z0-9]/.test(name[g.length]!));
  if (group === undefined) return undefined;
  const field = name.slice(group.length);
  if (!/^[A-Za-z0-9_]+$/.test(field)) return undefined;
  return `${group}_${field}`;
}
