// Static checks of the sysctls in force (shared by the risky-settings rule and `tcpscope sysctl`): settings that are
// known to hurt, stated with what they do on this kernel.
import type { Severity } from '../model/finding.js';
import { fmtS, portCapacity, synackSchedule, synSchedule } from './timelines.js';
import { sysctlNumber } from './values.js';

export interface RiskyWarning {
  name: string;
  value: string;
  severity: Severity;
  warning: string;
  /** Value to set instead, when there is one. */
  suggest: string | undefined;
}

/** counters: this interval's deltas, to escalate settings that are hurting right now. */
export function riskySettings(
  get: (name: string) => string | undefined,
  counters: Record<string, number> = {},
): RiskyWarning[] {
  const out: RiskyWarning[] = [];
  const n = (name: string): number | undefined => sysctlNumber(get(name));
  const add = (name: string, severity: Severity, warning: string, suggest?: string): void => {
    out.push({ name, value: get(name) ?? '', severity, warning, suggest });
  };

  if (get('net.ipv4.tcp_tw_recycle') !== undefined && n('net.ipv4.tcp_tw_recycle') !== 0) {
    add(
      'net.ipv4.tcp_tw_recycle',
      'critical',
      'drops SYNs from clients behind NAT (per-host timestamps); removed from the kernel in 4.12',
      '0',
    );
  }
  if (n('net.ipv4.tcp_abort_on_overflow') === 1) {
    add(
      'net.ipv4.tcp_abort_on_overflow',
      'warning',
      'a momentarily full accept queue resets clients (ECONNRESET) instead of letting the SYN-ACK retry absorb the burst',
      '0',
    );
  }
  const cookies = n('net.ipv4.tcp_syncookies');
  if (cookies === 0) {
    const dropping =
      (counters.TcpExtTCPReqQFullDrop ?? 0) > 0 ||
      (counters.TcpExtListenDrops ?? 0) > (counters.TcpExtListenOverflows ?? 0);
    add(
      'net.ipv4.tcp_syncookies',
      dropping ? 'critical' : 'warning',
      `SYNs are dropped when a SYN queue is full, and past 3/4 of tcp_max_syn_backlog for unproven peers${dropping ? ' (happening now)' : ''}: no SYN-flood protection`,
      '1',
    );
  }
  const ka = n('net.ipv4.tcp_keepalive_time');
  if (ka !== undefined && ka < 60)
    add(
      'net.ipv4.tcp_keepalive_time',
      'warning',
      `keepalive probes after ${ka} s idle: extra traffic and wakeups on every idle keepalive connection`,
      '600',
    );
  const tw = n('net.ipv4.tcp_max_tw_buckets');
  if (tw !== undefined && tw < 4096)
    add(
      'net.ipv4.tcp_max_tw_buckets',
      'warning',
      `only ${tw} TIME_WAIT sockets: past it connections close without TIME_WAIT (old duplicates may corrupt new connections)`,
      '262144',
    );
  const somax = n('net.core.somaxconn');
  if (somax !== undefined && somax < 128)
    add(
      'net.core.somaxconn',
      'warning',
      `every listen() backlog is capped at ${somax}: accept and SYN queues overflow under modest bursts`,
      '4096',
    );
  const synRetries = n('net.ipv4.tcp_syn_retries');
  if (synRetries !== undefined && synRetries <= 1) {
    const g = synSchedule(synRetries, n('net.ipv4.tcp_syn_linear_timeouts') ?? 0).giveUpMs;
    add(
      'net.ipv4.tcp_syn_retries',
      'warning',
      `connect() fails after ${fmtS(g)} s: one or two lost SYNs make a connection fail`,
      '3',
    );
  }
  const synack = n('net.ipv4.tcp_synack_retries');
  if (synack !== undefined && synack <= 1) {
    add(
      'net.ipv4.tcp_synack_retries',
      'warning',
      `half-open requests are dropped after ${fmtS(synackSchedule(synack).giveUpMs)} s: clients on lossy paths fail to connect`,
      '2',
    );
  }
  if (n('net.ipv4.tcp_timestamps') === 0) {
    add(
      'net.ipv4.tcp_timestamps',
      'warning',
      `no PAWS protection and no RTT timestamps${n('net.ipv4.tcp_tw_reuse') === 1 ? '; tcp_tw_reuse=1 has no effect without them' : ''}`,
      '1',
    );
  }
  const range = get('net.ipv4.ip_local_port_range');
  const ports = range === undefined ? undefined : portCapacity(range);
  if (ports && ports.ports < 5000) {
    add(
      'net.ipv4.ip_local_port_range',
      'warning',
      `only ${ports.ports} ephemeral ports: ${ports.perSecond} new outgoing connections/s per destination with 60 s TIME_WAIT`,
      '32768 60999',
    );
  }
  const orphans = n('net.ipv4.tcp_max_orphans');
  if (orphans !== undefined && orphans < 1024)
    add(
      'net.ipv4.tcp_max_orphans',
      'warning',
      `only ${orphans} orphaned sockets before the kernel resets them (TCPAbortOnMemory)`,
      '65536',
    );
  return out;
}
