// Advice from the articles that is wrong or incomplete on a real kernel: refused with the reason, tied to this
// workload's numbers where they exist (kernel-facts.md).
import type { Refusal } from '../advice.js';
import type { AdviceContext } from '../advice.js';

export function folklore(ctx: AdviceContext): Refusal[] {
  const p = ctx.profile;
  const recycle = ctx.value('net.ipv4.tcp_tw_recycle');
  const out: Refusal[] = [
    {
      setting: 'net.ipv4.tcp_tw_recycle',
      folklore: 'set tcp_tw_recycle=1 to get rid of TIME_WAIT',
      why: `${recycle === undefined ? 'absent on this kernel: ' : ''}removed in Linux 4.12 because it dropped SYNs from clients behind NAT (per-host timestamps); use tcp_tw_reuse for outgoing connects or more ports`,
    },
    {
      setting: 'net.ipv4.tcp_tw_reuse',
      folklore: 'enable tcp_tw_reuse on the server to cut its TIME_WAIT',
      why: `it applies to outgoing connect() only (and needs tcp_timestamps=1); TIME_WAIT of accepted connections is untouched${p.totals.passiveOpens > 0 ? ` — here ${p.totals.passiveOpens} of the connections were accepted` : ''}`,
    },
    {
      setting: 'net.ipv4.tcp_max_syn_backlog',
      folklore: 'raise tcp_max_syn_backlog when connections are dropped under load',
      why: `it does nothing for an accept-queue overflow (capacity = min(listen() backlog, somaxconn))${p.totals.listenOverflows > 0 ? ` — the ${p.totals.listenOverflows} overflows measured here` : ''}; each SYN queue is full past the same min(backlog, somaxconn), and tcp_max_syn_backlog only matters with tcp_syncookies=0`,
    },
    {
      setting: 'net.ipv4.tcp_fin_timeout',
      folklore: 'lower tcp_fin_timeout to shorten TIME_WAIT',
      why: `TIME_WAIT lasts 60 s (TCP_TIMEWAIT_LEN, compiled in); tcp_fin_timeout only limits orphaned FIN_WAIT2${p.peaks.timeWait > 0 ? ` — the ${p.peaks.timeWait} TIME_WAIT sockets here would not change` : ''}`,
    },
    {
      setting: 'net.ipv4.tcp_abort_on_overflow',
      folklore: 'set tcp_abort_on_overflow=1 so clients know the server is overloaded',
      why: "it trades slow connects for resets: every overflow becomes ECONNRESET on the client's first request, where 0 lets the SYN-ACK retry succeed a moment later; fix the queue (backlog, somaxconn, accept faster) instead",
    },
    {
      setting: 'net.ipv4.tcp_synack_retries',
      folklore: 'set tcp_synack_retries (and tcp_syn_retries) to 2 or less everywhere',
      why: `only right for a clean path under a SYN flood: each lost SYN-ACK beyond the last retry is a failed handshake; the give-up time on this kernel is ${(ctx.timelines.synackGiveUpMs ?? 0) / 1000} s now and 7 s with 2 — see the handshake lines for the loss measured here`,
    },
  ];
  return out;
}
