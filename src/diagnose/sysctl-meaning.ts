// What one sysctl's live value means on this kernel, in a line (computed timelines), for `tcpscope sysctl`.
import { computeTimelines } from './kernel-timelines.js';
import { fmtS, formatSeconds } from './timelines.js';
import { sysctlNumber } from './values.js';

function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 120) return `${fmtS(ms)} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = Math.round(s % 60);
  return `${fmtS(ms)} s (${h > 0 ? `${h} h ` : ''}${m} min${rest ? ` ${rest} s` : ''})`;
}

/** undefined when there is nothing to compute beyond the catalog's meaning. */
export function meaningOnThisKernel(name: string, get: (name: string) => string | undefined): string | undefined {
  const v = get(name);
  const n = sysctlNumber(v);
  const t = computeTimelines(get);
  switch (name) {
    case 'net.ipv4.tcp_syn_retries':
    case 'net.ipv4.tcp_syn_linear_timeouts':
      if (t.synGiveUpMs === undefined || !t.synRetransmitsAtMs) return undefined;
      return (
        `connect() retransmits its SYN at ${formatSeconds(t.synRetransmitsAtMs)} and fails with ETIMEDOUT at ${fmtS(t.synGiveUpMs)} s` +
        (get('net.ipv4.tcp_syn_linear_timeouts') === undefined ? ' (no linear SYN timeouts on this kernel)' : '')
      );
    case 'net.ipv4.tcp_synack_retries':
      if (t.synackGiveUpMs === undefined || !t.synackRetransmitsAtMs) return undefined;
      return `a half-open request gets SYN-ACKs at ${t.synackRetransmitsAtMs.length ? formatSeconds(t.synackRetransmitsAtMs) : '(none)'} and is dropped at ${fmtS(t.synackGiveUpMs)} s`;
    case 'net.core.somaxconn':
      return n === undefined
        ? undefined
        : `listen(fd, backlog) gets an accept queue of min(backlog, ${n}); the SYN queue overflows past the same limit`;
    case 'net.ipv4.tcp_max_syn_backlog': {
      if (n === undefined) return undefined;
      const cookies = sysctlNumber(get('net.ipv4.tcp_syncookies'));
      return cookies === 0
        ? `syncookies=0: past ${n - (n >> 2)} (3/4) pending requests on a listener, SYNs from unproven peers are dropped`
        : `no effect while tcp_syncookies=${cookies ?? '?'}: the SYN queue limit is min(backlog, somaxconn)`;
    }
    case 'net.ipv4.tcp_syncookies':
      return n === 0
        ? 'off: SYNs are dropped when a SYN queue is full'
        : n === 2
          ? 'every SYN is answered with a cookie'
          : 'cookies only when a SYN queue is full';
    case 'net.ipv4.tcp_abort_on_overflow':
      return n === 1
        ? 'a full accept queue resets clients (ECONNRESET)'
        : 'a full accept queue drops the final ACK; the SYN-ACK is retried and clients see a slow connect';
    case 'net.ipv4.tcp_fin_timeout':
      return t.finWait2HoldMs === undefined
        ? undefined
        : `orphaned FIN_WAIT2 sockets are dropped after ${fmtS(t.finWait2HoldMs)} s; TIME_WAIT stays 60 s regardless`;
    case 'net.ipv4.tcp_max_tw_buckets':
      return n === undefined
        ? undefined
        : `past ${n} TIME_WAIT sockets, closing connections skip TIME_WAIT (TCPTimeWaitOverflow)`;
    case 'net.ipv4.tcp_tw_reuse':
      return n === 0
        ? 'TIME_WAIT ports are never reused by connect()'
        : n === 2
          ? 'connect() reuses TIME_WAIT ports on loopback only'
          : `connect() reuses TIME_WAIT ports older than 1 s${sysctlNumber(get('net.ipv4.tcp_timestamps')) === 0 ? ' — but tcp_timestamps=0 disables it' : ''} (never helps incoming connections)`;
    case 'net.ipv4.tcp_orphan_retries':
      return t.orphanRetries === undefined
        ? undefined
        : `orphaned sockets retransmit ${t.orphanRetries} times before being killed${n === 0 ? ' (0 means 8)' : ''}`;
    case 'net.ipv4.tcp_keepalive_time':
    case 'net.ipv4.tcp_keepalive_intvl':
    case 'net.ipv4.tcp_keepalive_probes':
      return t.keepaliveDetectionMs === undefined
        ? undefined
        : `a dead peer is detected after ${duration(t.keepaliveDetectionMs)} (time + probes × intvl; SO_KEEPALIVE sockets only)`;
    case 'net.ipv4.ip_local_port_range':
      return t.ports
        ? `${t.ports.ports} ephemeral ports: at most ${t.ports.ports} concurrent and ~${t.ports.perSecond} new connections/s to one destination (60 s TIME_WAIT)`
        : undefined;
    case 'net.ipv4.tcp_tw_recycle':
      return v === undefined
        ? 'absent: removed in 4.12'
        : 'present: this kernel predates 4.12; 1 breaks clients behind NAT';
    default:
      return undefined;
  }
}
