// resets-after-handshake: RSTs this host sends, with the kernel's reason (eBPF) or the abort counters (procfs), each
// mapped to its cause and fix (closed port, close() with unread data, SO_LINGER 0, overflow with abort_on_overflow=1...).
import type { Rule } from '../rule.js';
import { counter } from '../context.js';
import { sysctlCommand } from '../values.js';

/** What each sk_rst_reason / abort counter means for an operator. */
const CAUSES: Record<string, { cause: string; fix: string; serious: boolean }> = {
  NO_SOCKET: {
    cause:
      'segments to a port with no socket (closed port, service restarting, or a peer talking to a connection this host forgot)',
    fix: 'check the service is listening on the port clients use; a restart window shows as a burst',
    serious: false,
  },
  TCP_ABORT_ON_DATA: {
    cause: 'the application closed a socket with unread data in its receive buffer (or got data after close)',
    fix: 'read the request fully before close(), or shutdown(SHUT_WR) and drain',
    serious: true,
  },
  TCP_ABORT_ON_CLOSE: {
    cause: 'the application closed with unread data (abort on close)',
    fix: 'drain the socket before close()',
    serious: true,
  },
  TCP_ABORT_ON_LINGER: {
    cause: 'close() with SO_LINGER {on, 0}: the application resets deliberately',
    fix: 'remove SO_LINGER 0 from the application unless resets are intended',
    serious: true,
  },
  TCP_ABORT_ON_MEMORY: {
    cause: 'orphaned sockets reset because of tcp_max_orphans / TCP memory pressure',
    fix: 'see orphan-pressure',
    serious: true,
  },
  TCP_KEEPALIVE_TIMEOUT: {
    cause: 'keepalive probes unanswered: the peer is gone',
    fix: 'expected for dead peers; frequent ones mean a NAT/firewall dropping idle flows',
    serious: false,
  },
  TCP_TIMEWAIT_SOCKET: { cause: 'a segment hit a TIME_WAIT socket', fix: 'usually harmless', serious: false },
  TCP_DISCONNECT_WITH_DATA: {
    cause: 'connect(AF_UNSPEC) / disconnect with unsent or unread data',
    fix: "check the application's disconnect path",
    serious: true,
  },
  TCP_STATE: {
    cause: 'a segment invalid for the socket state',
    fix: 'look for middleboxes or half-dead peers',
    serious: false,
  },
};

/**
 * procfs fallback: abort counters → the reason they correspond to. Not TCPAbortOnTimeout: it counts every
 * tcp_write_err() (SYN and retransmission timeouts, which send no RST; only keepalive timeouts do).
 */
const COUNTERS: Record<string, string> = {
  TcpExtTCPAbortOnData: 'TCP_ABORT_ON_DATA',
  TcpExtTCPAbortOnClose: 'TCP_ABORT_ON_CLOSE',
  TcpExtTCPAbortOnLinger: 'TCP_ABORT_ON_LINGER',
  TcpExtTCPAbortOnMemory: 'TCP_ABORT_ON_MEMORY',
};

export const resetsAfterHandshake: Rule = {
  id: 'resets-after-handshake',
  kind: 'event',
  evaluate(ctx) {
    const s = ctx.snapshot;
    const outRsts = counter(s, 'TcpOutRsts');
    const estabResets = counter(s, 'TcpEstabResets');
    const overflows = counter(s, 'TcpExtListenOverflows');
    const abortOnOverflow = ctx.num('net.ipv4.tcp_abort_on_overflow') ?? 0;
    const byReason: Record<string, number> = {};
    // No RST sent, no finding: the lab's SYN timeouts bumped TCPAbortOnTimeout without any RST and this rule fired.
    const useEvents = s.mode !== 'procfs' && s.events.resetsSent > 0;
    const total = useEvents ? s.events.resetsSent : outRsts;
    if (total === 0) return undefined;
    if (useEvents) {
      Object.assign(byReason, s.events.resetsSentByReason);
    } else {
      for (const [c, reason] of Object.entries(COUNTERS)) if (counter(s, c) > 0) byReason[reason] = counter(s, c);
    }
    // There is no TCPAbortOnOverflow counter. With abort_on_overflow=1 only the final ACKs that overflow are reset
    // (tcp_check_req's embryonic reset, reason INVALID_SYN on 6.18); overflowing SYNs are dropped silently, so
    // ListenOverflows overstates them (lab: 11 overflows, 2 RSTs): count at most the RSTs actually sent.
    if (abortOnOverflow === 1 && overflows > 0) {
      const n = Math.min(overflows, useEvents ? (byReason.INVALID_SYN ?? 0) : outRsts);
      if (n > 0) {
        byReason.ACCEPT_QUEUE_OVERFLOW = n;
        if (useEvents) byReason.INVALID_SYN = (byReason.INVALID_SYN ?? 0) - n;
      }
    }

    const ranked = Object.entries(byReason)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const evidence: Record<string, number | string> = { resetsSent: total, outRsts, estabResets };
    for (const [r, n] of ranked) evidence[`reason.${r}`] = n;
    const lines: string[] = [];
    const advice: string[] = [];
    let serious = false;
    for (const [r, n] of ranked) {
      if (r === 'ACCEPT_QUEUE_OVERFLOW') {
        lines.push(
          `${n} from the accept queue overflowing with tcp_abort_on_overflow=1 (clients see ECONNRESET right after connecting)`,
        );
        advice.push(
          `${sysctlCommand(s.netns, 'net.ipv4.tcp_abort_on_overflow', 0)}  # and fix the overflow itself (see accept-queue-overflow)`,
        );
        serious = true;
        continue;
      }
      const c = CAUSES[r];
      lines.push(`${n} ${r}: ${c?.cause ?? "see the kernel's sk_rst_reason"}`);
      if (c) advice.push(`${r}: ${c.fix}`);
      serious ||= c?.serious ?? false;
    }
    if (ranked.length === 0)
      lines.push(
        `${total} RSTs without a known reason${s.mode === 'procfs' ? ' (procfs mode has no per-reset reason; eBPF mode names it)' : ''}`,
      );
    const top = ranked[0];
    return {
      id: 'resets-after-handshake',
      severity: serious ? 'warning' : 'info',
      title: `${total} RSTs sent this interval${top ? `, mostly ${top[0]}` : ''}`,
      evidence,
      sysctls: [ctx.ref('net.ipv4.tcp_abort_on_overflow', '1: a full accept queue answers with RST')],
      explanation: `This host sent RSTs: ${lines.join('; ')}. A RST ends the connection at once: the peer's pending data is discarded and it sees ECONNRESET.`,
      advice,
    };
  },
};
