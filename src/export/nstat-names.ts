// Maps nstat counter names to Prometheus names: snake_case (promtool's lint), with node_exporter's group_field split
// kept visible (TcpExtListenOverflows → node_netstat_TcpExt_ListenOverflows → tcpscope_netstat_tcpext_listen_overflows_total).

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

/**
 * The counters alerts are built on: exported at 0 from the first scrape (before they move), so `increase()` and
 * `rate()` see their first spike. Others appear the first time they move.
 */
export const ALERT_COUNTERS: readonly string[] = [
  'TcpExtListenOverflows',
  'TcpExtListenDrops',
  'TcpExtTCPReqQFullDrop',
  'TcpExtTCPReqQFullDoCookies',
  'TcpExtSyncookiesSent',
  'TcpExtSyncookiesRecv',
  'TcpExtSyncookiesFailed',
  'TcpExtTCPSynRetrans',
  'TcpExtTCPTimeWaitOverflow',
  'TcpExtTCPAbortOnData',
  'TcpExtTCPAbortOnClose',
  'TcpExtTCPAbortOnMemory',
  'TcpExtTCPAbortOnTimeout',
  'TcpExtTCPAbortOnLinger',
  'TcpExtTCPAbortFailed',
  'TcpExtTCPBacklogDrop',
  'TcpOutRsts',
  'TcpEstabResets',
  'TcpAttemptFails',
  'TcpActiveOpens',
  'TcpPassiveOpens',
  'TcpRetransSegs',
];

function split(name: string): { group: string; field: string } | undefined {
  if (LEVELS.has(name)) return undefined;
  const group = GROUPS.find((g) => name.startsWith(g) && name.length > g.length && /[A-Z0-9]/.test(name[g.length]!));
  if (group === undefined) return undefined;
  const field = name.slice(group.length);
  if (!/^[A-Za-z0-9]+$/.test(field)) return undefined;
  return { group, field };
}

/** node_exporter's stem, `TcpExt_ListenOverflows`, or undefined for levels and names that are not nstat counters. */
export function nstatMetricStem(name: string): string | undefined {
  const p = split(name);
  return p === undefined ? undefined : `${p.group}_${p.field}`;
}

/** `TCPReqQFullDrop` → `tcp_req_q_full_drop`, `InMLDv2Reports` → `in_mldv2_reports`, `InECT0Pkts` → `in_ect0_pkts`. */
export function snakeCase(field: string): string {
  return field
    .replace(/MLDv2/g, 'Mldv2')
    .replace(/HMac/g, 'Hmac') // not h_mac: promtool reads a lone _h_ as an abbreviated unit (hours)
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** `tcpscope_netstat_tcpext_listen_overflows_total`, or undefined for levels and names that are not nstat counters. */
export function nstatMetricName(name: string): string | undefined {
  const p = split(name);
  return p === undefined ? undefined : `tcpscope_netstat_${p.group.toLowerCase()}_${snakeCase(p.field)}_total`;
}
