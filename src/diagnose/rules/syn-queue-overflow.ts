// syn-queue-overflow: SYNs dropped because the SYN queue is full (or, without syncookies, past 3/4 of
// tcp_max_syn_backlog); corrects the folklore that tcp_max_syn_backlog sizes the SYN queue.
import type { Rule } from '../rule.js';
import { counter } from '../context.js';
import { sysctlCommand } from '../values.js';

export const synQueueOverflow: Rule = {
  id: 'syn-queue-overflow',
  kind: 'event',
  evaluate(ctx) {
    const s = ctx.snapshot;
    const reqQFullDrop = counter(s, 'TcpExtTCPReqQFullDrop');
    const listenDrops = counter(s, 'TcpExtListenDrops');
    const overflows = counter(s, 'TcpExtListenOverflows');
    const syncookies = ctx.num('net.ipv4.tcp_syncookies');
    const maxSynBacklog = ctx.num('net.ipv4.tcp_max_syn_backlog');
    // Listener drops not explained by accept-queue overflows: with syncookies=0 these include the 3/4 rule.
    const otherDrops = Math.max(0, listenDrops - overflows - reqQFullDrop);
    const backlogDrops = syncookies === 0 ? otherDrops : 0;
    if (reqQFullDrop === 0 && backlogDrops === 0) return undefined;

    const somaxconn = ctx.num('net.core.somaxconn');
    const threeQuarters = maxSynBacklog === undefined ? undefined : maxSynBacklog - (maxSynBacklog >> 2);
    const evidence: Record<string, number | string> = { reqQFullDrop, listenDrops, listenOverflows: overflows };
    if (backlogDrops > 0) evidence.synBacklogDrops = backlogDrops;
    if (s.census.states.SYN_RECV !== undefined) evidence.synRecv = s.census.states.SYN_RECV;
    const biggest = s.events.synackRetransByListener.reduce((m, r) => Math.max(m, r.synQueue), -1);
    if (biggest >= 0) evidence.synQueue = biggest;

    const cookiesText =
      syncookies === 0
        ? 'tcp_syncookies=0 NOW: when the queue is full the SYN is dropped (TCPReqQFullDrop), and ' +
          `once the SYN queue passes 3/4 of tcp_max_syn_backlog${threeQuarters !== undefined ? ` (${threeQuarters} of ${maxSynBacklog})` : ''}, SYNs from peers not proven by an earlier connection are dropped too (ListenDrops).`
        : syncookies === 2
          ? 'tcp_syncookies=2 NOW: cookies are sent for every SYN, so drops here come from the accept queue or memory, not the SYN queue.'
          : `tcp_syncookies=${syncookies ?? '?'} NOW: a full queue is answered with cookies (TCPReqQFullDoCookies); TCPReqQFullDrop counts only while cookies are off, so syncookies was 0 during part of this interval or the kernel lacks CONFIG_SYN_COOKIES.`;
    const advice: string[] = [];
    if (syncookies !== 1 && syncookies !== 2)
      advice.push(
        `${sysctlCommand(s.netns, 'net.ipv4.tcp_syncookies', 1)}  # answer with cookies instead of dropping when the SYN queue is full`,
      );
    advice.push(
      "raise the listener's listen() backlog and net.core.somaxconn (the SYN queue limit is min(backlog, somaxconn)), then restart the service",
    );
    if (syncookies === 0 && maxSynBacklog !== undefined) {
      advice.push(
        `${sysctlCommand(s.netns, 'net.ipv4.tcp_max_syn_backlog', Math.max(maxSynBacklog * 4, 8192))}  # only matters because syncookies=0`,
      );
    } else {
      advice.push(
        'raising net.ipv4.tcp_max_syn_backlog alone changes nothing here: with syncookies on it is not the SYN queue limit',
      );
    }
    advice.push(
      'if the SYNs come from few sources, this is a flood: rate-limit them upstream (nft limit rate / meter) rather than tuning',
    );

    return {
      id: 'syn-queue-overflow',
      severity: 'critical',
      title: `${reqQFullDrop + backlogDrops} SYNs dropped this interval: SYN queue full`,
      evidence,
      sysctls: [
        ctx.ref('net.ipv4.tcp_syncookies', 'cookies (1 on overflow, 2 always) instead of dropping SYNs'),
        ctx.ref(
          'net.ipv4.tcp_max_syn_backlog',
          'with syncookies=0 only: past 3/4 of it, SYNs from unproven peers are dropped',
        ),
        ctx.ref('net.core.somaxconn', 'caps the listen() backlog, which bounds the SYN queue'),
      ],
      explanation:
        "Each SYN creates a request (SYN_RECV) in the listener's SYN queue until the handshake completes. The queue is full when its length exceeds " +
        `min(listen() backlog, somaxconn${somaxconn !== undefined ? ` = ${somaxconn}` : ''}), not tcp_max_syn_backlog. ${cookiesText} ` +
        'The dropped client retransmits its SYN after 1 s (doubling), so connects become slow rather than failing at once. ' +
        'When the SYN queue is more than half full the kernel also cuts SYN-ACK retries of old requests toward 2.',
      advice,
    };
  },
};
