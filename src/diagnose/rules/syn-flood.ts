// syn-flood: the SYN queue overflowed and syncookies are answering (or failing): a flood or a burst bigger than the queue.
import type { Rule } from '../rule.js';
import { counter } from '../context.js';
import { sysctlCommand } from '../values.js';

export const synFlood: Rule = {
  id: 'syn-flood',
  kind: 'event',
  evaluate(ctx) {
    const s = ctx.snapshot;
    const doCookies = counter(s, 'TcpExtTCPReqQFullDoCookies');
    const sent = counter(s, 'TcpExtSyncookiesSent');
    const recv = counter(s, 'TcpExtSyncookiesRecv');
    const failed = counter(s, 'TcpExtSyncookiesFailed');
    const syncookies = ctx.num('net.ipv4.tcp_syncookies');
    // With syncookies=2 every SYN gets a cookie and the kernel counts each in TCPReqQFullDoCookies too (the lab's flood
    // at an empty queue: DoCookies = Sent = 1000): cookies alone are configuration; only unanswered ones are a flood.
    const unansweredFlood = sent >= 10 && 1 - recv / sent > 0.9;
    const overflowSignal = syncookies === 2 ? (unansweredFlood ? sent : 0) : Math.max(doCookies, sent);
    if (overflowSignal === 0) return undefined;

    const passive = counter(s, 'TcpPassiveOpens');
    const evidence: Record<string, number | string> = {
      reqQFullDoCookies: doCookies,
      syncookiesSent: sent,
      syncookiesRecv: recv,
      syncookiesFailed: failed,
      passiveOpens: passive,
    };
    if (s.census.states.SYN_RECV !== undefined) evidence.synRecv = s.census.states.SYN_RECV;
    if (s.events.synackRetrans > 0) evidence.synackRetrans = s.events.synackRetrans;
    // Cookies sent but few come back: the SYNs did not come from real clients.
    const unanswered = sent > 0 ? 1 - recv / sent : 0;
    const flood = sent >= 10 && unanswered > 0.9;
    if (sent > 0) evidence.cookiesUnansweredPct = Math.round(unanswered * 100);
    const advice = [
      "raise the listener's listen() backlog and net.core.somaxconn and restart it if these are real clients (the SYN queue limit is min(backlog, somaxconn))",
    ];
    if (flood)
      advice.unshift(
        'find the sources (tcpscope details / `ss -tn state syn-recv`) and rate-limit SYNs upstream: e.g. nft add rule inet filter input tcp flags syn limit rate over 1000/second drop',
      );
    if (ctx.num('net.ipv4.tcp_synack_retries') !== undefined && (ctx.num('net.ipv4.tcp_synack_retries') ?? 0) > 2) {
      advice.push(
        `${sysctlCommand(s.netns, 'net.ipv4.tcp_synack_retries', 2)}  # during a flood: half-open requests give up after 7 s instead of holding queue slots`,
      );
    }
    return {
      id: 'syn-flood',
      severity: flood ? 'critical' : 'warning',
      title: flood
        ? `SYN flood: ${sent} syncookies sent this interval, ${recv} came back`
        : `SYN queue overflowing: ${Math.max(doCookies, sent)} SYNs answered with syncookies this interval`,
      evidence,
      sysctls: [
        ctx.ref('net.ipv4.tcp_syncookies', 'why these SYNs were answered instead of dropped'),
        ctx.ref('net.core.somaxconn', 'caps the listen() backlog, which bounds the SYN queue'),
        ctx.ref('net.ipv4.tcp_synack_retries', 'how long each half-open request holds a queue slot'),
      ],
      explanation:
        'The SYN queue of a listener is full when its length exceeds min(listen() backlog, somaxconn); with syncookies the kernel then answers each SYN with a cookie ' +
        'and keeps no state, so real clients still connect (TCP options such as window scaling may be degraded). ' +
        `${flood ? `Only ${recv} of ${sent} cookies came back: the SYNs are not from real clients (spoofed or a scanner).` : 'Most cookies came back: real clients arrive faster than the queue drains.'} ` +
        'tcp_max_syn_backlog is not the SYN queue limit here; it only matters with syncookies=0.',
      advice,
    };
  },
};
