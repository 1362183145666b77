// Who dropped the SYNs of slow connects: a listener of this host (this netns or another one) whose accept queue or
// SYN queue dropped them, or, when no local listener drops, the network or a remote server.
import type { PeerListener } from '../model/peer-listener.js';

/** A listener known on this host, with its drops over the recent window (any netns). */
export type KnownListener = PeerListener;

export type SynLossCause =
  | { kind: 'accept-queue'; listener: KnownListener }
  | { kind: 'syn-queue'; listener: KnownListener }
  | { kind: 'network' };

const WILDCARDS = new Set(['0.0.0.0', '::', '*', '']);

/**
 * The cause of SYN loss for connects to `dport` (at `daddr` when known): a listener on that port (same address or a
 * wildcard one) that overflowed or dropped SYNs in the window, preferring accept-queue overflows, then the most
 * drops; otherwise the network / a remote server. Listeners that dropped nothing are no explanation.
 */
export function attributeSynLoss(dport: number, listeners: readonly KnownListener[], daddr?: string): SynLossCause {
  const candidates = listeners.filter(
    (l) =>
      l.port === dport &&
      (daddr === undefined || WILDCARDS.has(l.addr) || l.addr === daddr || l.addr === `::ffff:${daddr}`),
  );
  const over = candidates.filter((l) => l.overflows > 0).sort((a, b) => b.overflows - a.overflows);
  if (over[0]) return { kind: 'accept-queue', listener: over[0] };
  const syn = candidates.filter((l) => l.synQueueDrops > 0).sort((a, b) => b.synQueueDrops - a.synQueueDrops);
  if (syn[0]) return { kind: 'syn-queue', listener: syn[0] };
  return { kind: 'network' };
}

/**
 * Other listeners on `dport` that also dropped SYNs in the window (accept or SYN queue): on a host where several
 * netns listen on the same port and address (identical lab pairs, replicas), the port alone cannot tell which one the
 * client reached, so the finding names them too.
 */
export function otherDroppers(
  dport: number,
  listeners: readonly KnownListener[],
  chosen: KnownListener,
  daddr?: string,
): KnownListener[] {
  return listeners.filter(
    (l) =>
      l !== chosen &&
      l.port === dport &&
      l.overflows + l.synQueueDrops > 0 &&
      (daddr === undefined || WILDCARDS.has(l.addr) || l.addr === daddr || l.addr === `::ffff:${daddr}`),
  );
}

/** "[::]:8080 of pid 812 (nginx) in netns web1" */
export function describeListener(l: KnownListener, thisNetns?: number): string {
  const addr = l.addr.includes(':') ? `[${l.addr}]` : l.addr;
  const who = l.pid !== undefined ? ` of pid ${l.pid}${l.comm ? ` (${l.comm})` : ''}` : '';
  const where = thisNetns !== undefined && l.netns === thisNetns ? '' : ` in netns ${l.netnsName ?? l.netns}`;
  return `${addr}:${l.port}${who}${where}`;
}
