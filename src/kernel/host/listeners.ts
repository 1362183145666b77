// LISTEN sockets with accept queue and capacity, and the "accept queue full" test the kernel applies.
import type { Listener } from '../../model/host-sample.js';
import type { Owner } from './owners.js';
import type { SsRow } from './ss-table.js';
import type { TcpRow } from './tcp-table.js';

const LISTEN = 10;

/** From sock_diag rows: Recv-Q = sk_ack_backlog (queue), Send-Q = sk_max_ack_backlog (capacity). */
export function listenersFromSs(rows: SsRow[], owners: Map<number, Owner>): Listener[] {
  return rows
    .filter((r) => r.state === LISTEN)
    .map((r) => ({
      family: r.family,
      addr: r.localAddr,
      port: r.localPort,
      queue: r.recvQ,
      capacity: r.sendQ,
      inode: r.inode,
      pid: owners.get(r.inode)?.pid,
      comm: owners.get(r.inode)?.comm,
    }))
    .sort(byPort);
}

/** Fallback from /proc/net/tcp: rx_queue is the accept queue, but the capacity is not shown there (0 = unknown). */
export function listenersFromScan(rows: TcpRow[], owners: Map<number, Owner>): Listener[] {
  return rows
    .filter((r) => r.state === LISTEN)
    .map((r) => ({
      family: r.family,
      addr: r.localAddr,
      port: r.localPort,
      queue: r.rxQueue,
      capacity: 0,
      inode: r.inode,
      pid: owners.get(r.inode)?.pid,
      comm: owners.get(r.inode)?.comm,
    }))
    .sort(byPort);
}

function byPort(a: Listener, b: Listener): number {
  return a.port - b.port || a.family - b.family || a.addr.localeCompare(b.addr);
}

/**
 * The kernel drops a SYN / final ACK when sk_ack_backlog > sk_max_ack_backlog, so once queue >= capacity the
 * next arrival overflows. Unknown capacity (0 from the /proc fallback) is never "at capacity".
 */
export const listenerAtCapacity = (l: Pick<Listener, 'queue' | 'capacity'>): boolean =>
  l.capacity > 0 && l.queue >= l.capacity;
