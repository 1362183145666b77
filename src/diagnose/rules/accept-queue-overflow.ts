// accept-queue-overflow: completed connections find the accept queue full because the application accepts too slowly
// or its queue (min(backlog, somaxconn)) is too small; says which limit applies and what abort_on_overflow does now.
import type { Rule } from '../rule.js';
import { counter } from '../context.js';
import { endpoint, fullestListener, matchListener, nextPow2, owner } from '../listeners.js';
import { synackSchedule, formatSeconds, fmtS } from '../timelines.js';
import { sysctlCommand } from '../values.js';

export const acceptQueueOverflow: Rule = {
  id: 'accept-queue-overflow',
  kind: 'event',
  evaluate(ctx) {
    const s = ctx.snapshot;
    const overflows = counter(s, 'TcpExtListenOverflows');
    const listenDrops = counter(s, 'TcpExtListenDrops');
    const overflowDrops = s.events.dropsByReason.TCP_LISTEN_OVERFLOW ?? 0;
    const full = s.census.listeners.filter((l) => l.atCapacity);
    // eBPF: SYN-ACK retransmits of a listener whose accept queue was full at that moment.
    const fullRetrans = s.events.synackRetransByListener.filter(
      (r) => r.acceptCapacity > 0 && r.acceptQueue >= r.acceptCapacity,
    );
    if (overflows === 0 && overflowDrops === 0 && full.length === 0 && fullRetrans.length === 0) return undefined;

    const fromRetrans = fullRetrans[0]
      ? matchListener(s.census.listeners, fullRetrans[0].laddr, fullRetrans[0].lport)
      : undefined;
    const l = fullestListener(full) ?? fromRetrans ?? fullestListener(s.census.listeners);
    const somaxconn = ctx.num('net.core.somaxconn');
    const abort = ctx.num('net.ipv4.tcp_abort_on_overflow') ?? 0;
    const synackRetries = ctx.num('net.ipv4.tcp_synack_retries');
    const capacity = l?.capacity ?? fullRetrans[0]?.acceptCapacity;
    const where = l ? `${endpoint(l.addr, l.port)} of ${owner(l.pid, l.comm)}` : 'a listener';

    const evidence: Record<string, number | string> = { listenOverflows: overflows, listenDrops };
    if (overflowDrops > 0) evidence.listenOverflowDrops = overflowDrops;
    if (fullRetrans.length > 0) evidence.synackRetransWhileFull = fullRetrans.reduce((a, r) => a + r.count, 0);
    if (l) {
      evidence.listener = endpoint(l.addr, l.port);
      if (l.pid !== undefined) evidence.pid = l.pid;
      if (l.comm) evidence.comm = l.comm;
      evidence.acceptQueue = l.queue;
      evidence.acceptCapacity = l.capacity;
    }
    if (somaxconn !== undefined) evidence.somaxconn = somaxconn;

    // Which limit is binding: capacity = min(backlog, somaxconn at listen()).
    let limit: string;
    const advice: string[] = [];
    const who = l ? owner(l.pid, l.comm) : 'the service';
    if (capacity !== undefined && somaxconn !== undefined && capacity < somaxconn) {
      limit = `the listen() backlog is the limit: the queue is min(backlog, somaxconn) = min(${capacity}, ${somaxconn}) = ${capacity}`;
      advice.push(
        `raise the listen() backlog of ${who} and restart it: the queue is min(backlog, somaxconn) = ${capacity}` +
          ` (e.g. nginx "listen ... backlog=${Math.max(4096, nextPow2(capacity * 4))}", Java/Netty SO_BACKLOG)`,
      );
    } else {
      const target = Math.max(4096, nextPow2((capacity ?? somaxconn ?? 128) * 4));
      limit =
        capacity !== undefined
          ? `net.core.somaxconn is the limit: the queue is min(backlog, somaxconn) = ${capacity}`
          : 'the queue is min(listen() backlog, net.core.somaxconn)';
      advice.push(sysctlCommand(s.netns, 'net.core.somaxconn', target));
      advice.push(
        `then restart ${who} so it calls listen() again (the capacity is fixed at listen()), with a backlog >= ${target}`,
      );
    }
    advice.push(
      `make ${who} accept faster (more acceptor threads/workers; check it is not blocked): the queue fills only when accept() lags`,
    );

    const synack = synackRetries === undefined ? undefined : synackSchedule(synackRetries);
    const abortText =
      abort === 1
        ? 'tcp_abort_on_overflow=1 NOW: a final ACK that finds the queue full is answered with RST, clients see ECONNRESET ("connection reset by peer") right after connecting.'
        : `tcp_abort_on_overflow=0 NOW: a final ACK that finds the queue full is dropped; the server keeps the request and retransmits the SYN-ACK${
            synack
              ? ` (tcp_synack_retries=${synackRetries}: at ${formatSeconds(synack.retransmitsAtMs)}, gives up at ${fmtS(synack.giveUpMs)} s)`
              : ''
          }, so clients see slow connects, and data they already sent is retransmitted.`;
    if (abort === 1)
      advice.push(
        `${sysctlCommand(s.netns, 'net.ipv4.tcp_abort_on_overflow', 0)}  # ride out short bursts instead of resetting clients`,
      );

    return {
      id: 'accept-queue-overflow',
      severity: overflows > 0 || overflowDrops > 0 ? 'critical' : 'warning',
      title:
        overflows > 0
          ? `accept queue overflow on ${where}: ${overflows} connections dropped this interval`
          : `accept queue full on ${where}`,
      evidence,
      sysctls: [
        ctx.ref('net.core.somaxconn', 'caps every listen() backlog; read at listen() time'),
        ctx.ref(
          'net.ipv4.tcp_abort_on_overflow',
          'what happens to a final ACK when the accept queue is full (0 drop, 1 RST)',
        ),
        ctx.ref('net.ipv4.tcp_synack_retries', 'how long a dropped handshake is retried'),
      ],
      explanation:
        `Completed connections wait in the accept queue until the application calls accept(); ${limit}. ` +
        `It is full when it holds more than its capacity. ${abortText} ` +
        'A SYN arriving while the accept queue is full is dropped too (ListenOverflows + ListenDrops), even with syncookies; the client retries after its SYN timeout (1 s, doubling).',
      advice,
    };
  },
};
