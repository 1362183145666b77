// The accept queue: net.core.somaxconn, the listen() backlog of each busy listener (app side) and
// tcp_abort_on_overflow. Capacity = min(backlog, somaxconn at listen()); a full queue drops SYNs even with syncookies.
import { endpoint, nextPow2, owner } from '../../diagnose/listeners.js';
import { change, dur, keep, pct, type Advice, type AdviceContext } from '../advice.js';
import type { ListenerProfile } from '../profile.js';

/** A listener that overflowed or came within this fraction of its capacity is "busy". */
const BUSY_FRACTION = 0.5;
const MIN_BACKLOG = 128;

const busy = (l: ListenerProfile): boolean =>
  l.intervalsAtCapacity > 0 || (l.capacity > 0 && l.peakQueue >= l.capacity * BUSY_FRACTION);

/** The backlog that would have held the measured burst with 2× headroom. */
function proposedBacklog(l: ListenerProfile, overflowsPerInterval: number): number {
  const demand = l.capacity + 1 + (l.intervalsAtCapacity > 0 ? overflowsPerInterval : 0);
  return Math.max(MIN_BACKLOG, nextPow2(Math.max(demand * 2, (l.peakQueue + 1) * 2)));
}

export function acceptQueue(ctx: AdviceContext): Advice[] {
  const p = ctx.profile;
  const somaxconn = ctx.num('net.core.somaxconn');
  const overflows = p.totals.listenOverflows;
  const hot = p.listeners.filter(busy);
  const out: Advice[] = [];
  // Overflows are counted per netns: attributed to the listeners that were at capacity (exact when only one was).
  const full = hot.filter((l) => l.intervalsAtCapacity > 0);
  const perInterval = p.peaks.listenOverflowsPerInterval / Math.max(1, full.length);
  let needed = 0;
  for (const l of hot.slice(0, 5)) {
    const name = `${endpoint(l.addr, l.port)} ${owner(l.pid, l.comm)}`;
    const capped = somaxconn !== undefined && l.capacity >= somaxconn;
    const evidence = [
      `peak accept queue ${l.peakQueue} of capacity ${l.capacity} (${pct(l.peakQueue, l.capacity)}); at capacity in ${l.intervalsAtCapacity} of ${p.intervals} intervals`,
    ];
    if (l.intervalsAtCapacity > 0 && overflows > 0)
      evidence.push(
        `${overflows} accept-queue overflows (ListenOverflows) in the netns${full.length === 1 ? ', all on this listener' : ''}, up to ${p.peaks.listenOverflowsPerInterval} in one interval`,
      );
    if (l.synackRetrans > 0) evidence.push(`${l.synackRetrans} SYN-ACK retransmits on this listener`);
    if (l.intervalsAtCapacity === 0) {
      out.push(
        keep({
          topic: 'accept-queue',
          setting: 'listen() backlog',
          kind: 'app',
          target: name,
          current: String(l.capacity),
          evidence,
          consequence: `the queue never filled: ${l.capacity - l.peakQueue} slots of headroom at the peak`,
          risk: 'none',
          wrongIf: 'bursts grow (the recording did not contain the busiest hour)',
        }),
      );
      continue;
    }
    const proposed = proposedBacklog(l, perInterval);
    needed = Math.max(needed, proposed);
    out.push(
      change({
        topic: 'accept-queue',
        setting: 'listen() backlog',
        kind: 'app',
        target: name,
        current: String(l.capacity),
        proposed: String(proposed),
        evidence,
        consequence:
          `the queue holds ${proposed + 1} completed connections instead of ${l.capacity + 1} (capacity = min(backlog, somaxconn) + 1); ` +
          `the measured peak burst (${l.capacity + 1} queued + ${Math.round(perInterval)} overflowing in one interval) fits with 2× headroom. ` +
          `${capped ? `The capacity equals somaxconn=${somaxconn}: the app may already ask for more, so somaxconn must rise too. ` : ''}` +
          'Takes effect when the service calls listen() again (restart it)',
        risk: 'connections wait in a longer queue instead of being retried: if the app is simply too slow, latency grows; the real fix may be accepting faster (more workers)',
        wrongIf:
          'the app stalls for long (GC, blocking I/O): then no backlog is enough and clients time out either way',
      }),
    );
  }
  const biggest = p.listeners.reduce((m, l) => Math.max(m, l.capacity), 0);
  if (somaxconn !== undefined && needed > somaxconn) {
    const proposed = Math.max(needed, 4096);
    out.push(
      change({
        topic: 'accept-queue',
        setting: 'net.core.somaxconn',
        kind: 'sysctl',
        current: String(somaxconn),
        proposed: String(proposed),
        evidence: [
          `a busy listener needs a backlog of ${needed}; somaxconn=${somaxconn} caps every listen() at ${somaxconn}`,
          `${overflows} accept-queue overflows (ListenOverflows)`,
        ],
        consequence: `listen(fd, N) gets min(N, ${proposed}): the proposed backlog of ${needed} is no longer cut to ${somaxconn}. ${proposed === 4096 ? '4096 is the kernel default since 5.4. ' : ''}Only listeners that call listen() after the change get it`,
        risk: 'low: it is a cap, memory is only used by connections actually queued',
        wrongIf:
          'the application asks for a small backlog itself: then its own setting must change too (see the listen() backlog lines)',
      }),
    );
  } else {
    out.push(
      keep({
        topic: 'accept-queue',
        setting: 'net.core.somaxconn',
        kind: 'sysctl',
        current: somaxconn === undefined ? undefined : String(somaxconn),
        evidence: [
          p.listeners.length === 0
            ? 'no listener in this netns'
            : `largest listener capacity ${biggest}${hot.length ? `; busy listeners need at most ${needed || biggest}` : '; no listener came near its capacity'}`,
        ],
        consequence: `listen(fd, N) gets min(N, ${somaxconn ?? '?'})${needed > 0 ? `: the proposed backlog of ${needed} fits, so raising somaxconn would change nothing` : ''}`,
        risk: 'none',
        wrongIf: 'a listener overflows at exactly somaxconn (capacity = somaxconn): then the cap is what limits it',
      }),
    );
  }
  out.push(abortOnOverflow(ctx, overflows));
  return out;
}

function abortOnOverflow(ctx: AdviceContext, overflows: number): Advice {
  const v = ctx.num('net.ipv4.tcp_abort_on_overflow');
  const synack = ctx.timelines.synackGiveUpMs;
  const evidence = [
    `${overflows} accept-queue overflows`,
    `${ctx.profile.totals.estabResets} connections reset after the handshake (EstabResets)`,
  ];
  if (v === 1 && overflows > 0) {
    return change({
      topic: 'accept-queue',
      setting: 'net.ipv4.tcp_abort_on_overflow',
      kind: 'sysctl',
      current: '1',
      proposed: '0',
      evidence,
      consequence: `an overflow drops the final ACK instead of resetting: the server retries the SYN-ACK (gives up after ${dur(synack)}), clients see a slower connect instead of ECONNRESET on their first request`,
      risk: 'a permanently overloaded server makes clients wait rather than fail fast',
      wrongIf: 'clients are built to fail over at once on a reset (then 1 is a deliberate choice)',
    });
  }
  return keep({
    topic: 'accept-queue',
    setting: 'net.ipv4.tcp_abort_on_overflow',
    kind: 'sysctl',
    current: v === undefined ? undefined : String(v),
    evidence,
    consequence:
      v === 1
        ? 'a full accept queue resets clients (ECONNRESET): no overflow happened, so it did not matter here'
        : `a full accept queue drops the final ACK; the SYN-ACK is retried (up to ${dur(synack)}) and the connection usually succeeds a little later`,
    risk: 'none',
    wrongIf:
      'clients must fail over immediately instead of waiting (then 1, knowing it turns every overflow into a reset)',
  });
}
