// slow-connects: measured connect latency (connlat.bt) that shows SYN retransmission steps (~1 s, 2 s, 3 s...), with
// the live tcp_syn_retries/tcp_syn_linear_timeouts schedule and who lost the SYNs (a local listener's queue or the path).
import type { Rule, RuleContext, FindingDraft } from '../rule.js';
import { counterOf } from '../../model/snapshot.js';
import type { ConnectLatencyStat } from '../../model/latency.js';
import { attributeSynLoss, describeListener, otherDroppers, type KnownListener } from '../connect-attribution.js';
import { fmtS, formatSeconds, synSchedule } from '../timelines.js';

/** A connect this slow needed at least one SYN retransmit (the first RTO is 1 s; 0.9 s leaves room for timer slack). */
export const SLOW_CONNECT_US = 900_000;
/** Overflows over this many recent snapshots count as "the local listener dropped SYNs". */
const WINDOW = 5;

const ms = (us: number): string =>
  us >= 10_000 ? `${(us / 1e6).toFixed(us >= 1e6 ? 2 : 3)} s` : `${(us / 1000).toFixed(1)} ms`;

/** Sum of a counter delta over the last `n` snapshots of the history. */
function counterOverHistory(history: readonly RuleContext['snapshot'][], name: string, n: number): number {
  let sum = 0;
  for (const s of history.slice(-n)) sum += counterOf(s, name);
  return sum;
}

/** Listeners of this snapshot's netns with the netns's drops over the window. */
function ownListeners(ctx: RuleContext): KnownListener[] {
  const s = ctx.snapshot;
  const overflows = counterOverHistory(ctx.history, 'TcpExtListenOverflows', WINDOW);
  const synQueueDrops = counterOverHistory(ctx.history, 'TcpExtTCPReqQFullDrop', WINDOW);
  return s.census.listeners.map((l) => ({
    netns: s.netns.inode,
    netnsName: s.netns.name,
    addr: l.addr,
    port: l.port,
    pid: l.pid,
    comm: l.comm,
    queue: l.queue,
    capacity: l.capacity,
    overflows,
    synQueueDrops,
  }));
}

/** The finding for slow connects in this snapshot, attributing SYN loss with `listeners` (this netns and others). */
export function slowConnectsFinding(ctx: RuleContext, listeners: readonly KnownListener[]): FindingDraft | undefined {
  const s = ctx.snapshot;
  // The section holds the snapshot's netns only (the pipeline filters it) or, unfiltered, every netns traced.
  const rows = (s.latency?.connect ?? []).filter(
    (r) => r.interval.count > 0 && (Object.keys(r.synRetrans).length > 0 || r.interval.maxUs >= SLOW_CONNECT_US),
  );
  if (rows.length === 0) return undefined;
  const worst: ConnectLatencyStat = rows.reduce((a, b) => (b.interval.p99Us > a.interval.p99Us ? b : a));
  const retrans = Object.entries(worst.synRetrans)
    .map(([n, c]) => [Number(n), c] as const)
    .sort(([a], [b]) => a - b);
  const slow = retrans.reduce((t, [, c]) => t + c, 0);

  const retries = ctx.num('net.ipv4.tcp_syn_retries');
  const linear = ctx.num('net.ipv4.tcp_syn_linear_timeouts');
  const sched =
    retries === undefined ? undefined : synSchedule(retries, linear ?? 0, ctx.num('net.ipv4.tcp_rto_max_ms'));
  const steps = retrans.map(
    ([n, c]) =>
      `${c} after ${n} lost SYN${n > 1 ? 's' : ''}${sched?.retransmitsAtMs[n - 1] !== undefined ? ` (~${fmtS(sched.retransmitsAtMs[n - 1]!)} s)` : ''}`,
  );

  // The remote these slow connects went to (the kernel's per-remote rows), when one stands out.
  const remote = (s.latency?.remotes ?? [])
    .filter((r) => r.netns === worst.netns && r.dport === worst.dport && r.interval.slow > 0)
    .sort((a, b) => b.interval.slow - a.interval.slow)[0];
  const cause = attributeSynLoss(worst.dport, listeners, remote?.daddr);
  const evidence: Record<string, number | string> = {
    dport: worst.dport,
    connects: worst.interval.count,
    slowConnects: slow,
    p50Ms: Math.round(worst.interval.p50Us / 1000),
    p90Ms: Math.round(worst.interval.p90Us / 1000),
    p99Ms: Math.round(worst.interval.p99Us / 1000),
    maxMs: Math.round(worst.interval.maxUs / 1000),
  };
  if (sched) evidence.connectGiveUpS = sched.giveUpMs / 1000;
  if (remote) {
    evidence.remote = remote.daddr.includes(':')
      ? `[${remote.daddr}]:${remote.dport}`
      : `${remote.daddr}:${remote.dport}`;
    evidence.remoteSlowConnects = remote.interval.slow;
  }
  let why: string;
  const advice: string[] = [];
  if (cause.kind === 'accept-queue') {
    const l = cause.listener;
    evidence.listener = describeListener(l, s.netns.inode);
    evidence.listenOverflows = l.overflows;
    why = `The destination is a listener on this host, ${describeListener(l, s.netns.inode)}: its accept queue (${l.queue}/${l.capacity}) overflowed ${l.overflows} times in the last ${WINDOW} intervals, and a SYN arriving while it is full is dropped (even with syncookies), so the client waits for its SYN retransmit.`;
    advice.push(
      `make ${l.comm ?? 'the server'}${l.pid !== undefined ? ` (pid ${l.pid})` : ''} accept faster or raise its listen() backlog (capacity = min(backlog, net.core.somaxconn of its netns) = ${l.capacity}) and restart it`,
    );
  } else if (cause.kind === 'syn-queue') {
    const l = cause.listener;
    evidence.listener = describeListener(l, s.netns.inode);
    evidence.synQueueDrops = l.synQueueDrops;
    why = `The destination is a listener on this host, ${describeListener(l, s.netns.inode)}: its SYN queue dropped ${l.synQueueDrops} SYNs (TcpExtTCPReqQFullDrop) in the last ${WINDOW} intervals.`;
    advice.push(
      'enable net.ipv4.tcp_syncookies=1 in that netns, or raise the listen() backlog (it caps the SYN queue too)',
    );
  } else {
    why =
      'No listener on this host dropped SYNs for that port in the window: the network path (loss, a firewall rule, a congested link) or the remote server lost the SYN or its SYN-ACK.';
    advice.push(
      `check the path to port ${worst.dport}: packet loss, firewall drops, and the server's own ListenOverflows / ListenDrops (run tcpscope there)`,
    );
  }
  if (cause.kind !== 'network') {
    const others = otherDroppers(worst.dport, listeners, cause.listener, remote?.daddr);
    if (others.length > 0)
      why += ` Other listeners on port ${worst.dport} dropped SYNs in the window too (the port alone cannot tell which one these clients reached): ${others
        .slice(0, 3)
        .map(
          (l) => `${describeListener(l, s.netns.inode)} (${l.overflows} overflows, ${l.synQueueDrops} SYN-queue drops)`,
        )
        .join('; ')}.`;
  }
  const timeline = sched
    ? `tcp_syn_retries=${retries}${linear !== undefined ? `, tcp_syn_linear_timeouts=${linear}` : ''}: a lost SYN is retransmitted at ${formatSeconds(sched.retransmitsAtMs)} and connect() fails with ETIMEDOUT at ${fmtS(sched.giveUpMs)} s.`
    : 'tcp_syn_retries is unreadable here.';
  advice.push('set a connect timeout in the client shorter than the retransmit step it can afford, and retry');
  return {
    id: 'slow-connects',
    severity: worst.interval.p99Us >= 2 * SLOW_CONNECT_US || cause.kind !== 'network' ? 'warning' : 'info',
    title: `slow connects to port ${worst.dport}: p99 ${ms(worst.interval.p99Us)}, max ${ms(worst.interval.maxUs)} over ${worst.interval.count} connects${slow ? `; ${slow} needed SYN retransmits` : ''}${cause.kind === 'network' ? ' (SYN lost on the path or by the server)' : ` (${cause.kind === 'accept-queue' ? 'accept queue' : 'SYN queue'} of ${describeListener(cause.listener, s.netns.inode)})`}`,
    evidence,
    sysctls: [
      ctx.ref('net.ipv4.tcp_syn_retries', 'SYN retransmits before connect() fails'),
      ctx.ref('net.ipv4.tcp_syn_linear_timeouts', 'first retries with a linear 1 s timeout'),
    ],
    explanation: `Measured connect latency (SYN sent to ESTABLISHED, in the kernel) shows SYN retransmission steps${steps.length ? `: ${steps.join(', ')}` : ''}. Each lost SYN costs the RTO: ${timeline} ${why}`,
    advice,
  };
}

/** This netns's listeners, then (whole host) every other netns's: a client's SYNs may be dropped next door. */
function knownListeners(ctx: RuleContext): KnownListener[] {
  const own = ownListeners(ctx);
  const others = (ctx.peers ?? []).filter((l) => l.netns !== ctx.snapshot.netns.inode);
  return [...own, ...others];
}

export const slowConnects: Rule = {
  id: 'slow-connects',
  kind: 'event',
  evaluate: (ctx) => slowConnectsFinding(ctx, knownListeners(ctx)),
};
