// synack-retransmits: the server keeps resending SYN-ACKs because clients' final ACKs do not arrive (or are dropped
// at a full accept queue); says how long each half-open request lingers with the live tcp_synack_retries.
import type { Rule } from '../rule.js';
import { censusState, counter } from '../context.js';
import { endpoint, matchListener, owner } from '../listeners.js';
import { fmtS, formatSeconds, synackSchedule } from '../timelines.js';
import { sysctlCommand } from '../values.js';

export const synackRetransmits: Rule = {
  id: 'synack-retransmits',
  // An event rule: the kernel retransmits SYN-ACKs on timers 1, 2, 4... s apart, so with sub-second intervals two
  // consecutive intervals with retransmits are rare and a 'state' rule (raised after 2) never fired in the lab.
  kind: 'event',
  evaluate(ctx) {
    const s = ctx.snapshot;
    const synRecv = censusState(s, 'SYN_RECV');
    let count: number;
    let exact: boolean;
    if (s.mode === 'procfs') {
      // TCPSynRetrans counts SYN and SYN-ACK retransmits; attribute to SYN-ACKs only while requests are pending.
      count = synRecv > 0 ? counter(s, 'TcpExtTCPSynRetrans') : 0;
      exact = false;
    } else {
      count = s.events.synackRetrans;
      exact = true;
    }
    if (count === 0) return undefined;

    const retries = ctx.num('net.ipv4.tcp_synack_retries');
    const sched = retries === undefined ? undefined : synackSchedule(retries);
    const top = [...s.events.synackRetransByListener].sort((a, b) => b.count - a.count)[0];
    const evidence: Record<string, number | string> = exact ? { synackRetrans: count } : { tcpSynRetrans: count };
    evidence.synRecv = synRecv;
    let where = '';
    let queueFull = false;
    if (top) {
      const l = matchListener(s.census.listeners, top.laddr, top.lport);
      evidence.listener = endpoint(top.laddr, top.lport);
      evidence.acceptQueue = top.acceptQueue;
      evidence.acceptCapacity = top.acceptCapacity;
      if (top.synQueue >= 0) evidence.synQueue = top.synQueue;
      if (l?.pid !== undefined) evidence.pid = l.pid;
      if (l?.comm) evidence.comm = l.comm;
      where = ` on ${endpoint(top.laddr, top.lport)}${l ? ` of ${owner(l.pid, l.comm)}` : ''}`;
      queueFull = top.acceptCapacity > 0 && top.acceptQueue >= top.acceptCapacity;
    }
    const lingers = sched
      ? `tcp_synack_retries=${retries}: each request is retransmitted at ${formatSeconds(sched.retransmitsAtMs)} and dropped at ${fmtS(sched.giveUpMs)} s, holding a SYN-queue slot (SYN_RECV) all that time.`
      : 'tcp_synack_retries is unreadable here.';
    const advice: string[] = [];
    if (queueFull)
      advice.push(
        'the accept queue was full at these retransmits: the final ACKs are being dropped there, see accept-queue-overflow (accept faster, raise backlog/somaxconn)',
      );
    advice.push(
      "if real clients: check the path for a firewall/conntrack dropping the final ACK or asymmetric routing (tcpdump 'tcp[tcpflags] & (tcp-syn|tcp-ack) != 0')",
    );
    if (retries !== undefined && retries > 2) {
      const two = synackSchedule(2);
      advice.push(
        `${sysctlCommand(s.netns, 'net.ipv4.tcp_synack_retries', 2)}  # under a SYN flood: half-open requests give up at ${fmtS(two.giveUpMs)} s instead of ${fmtS(sched?.giveUpMs ?? 0)} s`,
      );
    }
    return {
      id: 'synack-retransmits',
      severity: 'warning',
      title: `clients not completing handshakes${where}: ${count} SYN-ACK retransmits this interval${exact ? '' : ' (SYN+SYN-ACK, procfs)'}`,
      evidence,
      sysctls: [
        ctx.ref('net.ipv4.tcp_synack_retries', 'how many SYN-ACK retransmits before a half-open request is dropped'),
        ctx.ref(
          'net.ipv4.tcp_abort_on_overflow',
          '0: final ACKs hitting a full accept queue are dropped, which also shows up as SYN-ACK retransmits',
        ),
      ],
      explanation:
        "The server sent a SYN-ACK and the client's final ACK did not arrive within the timeout (1 s, doubling). " +
        `${lingers} Causes: the ACK was lost or filtered, the client gave up or spoofed its SYN (flood), or the ACK reached a full accept queue and was dropped (tcp_abort_on_overflow=0).` +
        (exact
          ? ''
          : ' In procfs mode TcpExtTCPSynRetrans counts client SYN retransmits too; eBPF mode separates them.'),
      advice,
    };
  },
};
