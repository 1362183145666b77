// When a netns's socket table cannot have changed since the last read, so the read (a walk of the host-wide
// established hash, ≈ 1.5-3 ms of kernel time per netns however few sockets it has) can be skipped. The socket table
// changes only with a segment (Tcp InSegs/OutSegs in snmp), a socket hashed or unhashed (sockstat inuse), a timewait
// socket expiring (sockstat tw), or a timer of a transient state (SYN_SENT, SYN_RECV, FIN_WAIT*, CLOSING, LAST_ACK),
// plus accept() emptying a listener's queue. So the last read is reused while the counter files and the netns's own
// sockstat fields are byte-identical and the last read held only ESTABLISHED, TIME_WAIT, CLOSE_WAIT and listeners
// with empty queues; every `maxAge`-th poll reads anyway (owners, and anything this reasoning missed).
import type { Listener, OwnerCount } from '../../model/host-sample.js';

export interface Tables {
  census: Record<string, number>;
  listeners: Listener[];
  owners: OwnerCount[];
  /** Only states that change with a counter or sockstat field (see above). */
  stable: boolean;
}

const ESTABLISHED = 1;
const TIME_WAIT = 6;
const CLOSE_WAIT = 8;
const LISTEN = 10;
const STABLE = new Set([ESTABLISHED, TIME_WAIT, CLOSE_WAIT, LISTEN]);

export class TableReuse {
  private last: { fingerprint: string; poll: number; tables: Tables } | undefined;
  /** Reads skipped so far (self-monitoring, tests). */
  reused = 0;

  constructor(private readonly maxAge = 10) {}

  /** The per-netns sockstat fields (orphan, alloc and mem are host-wide: they move with every other netns). */
  static sockstatKey(s: Record<string, number>): string {
    return `${s['TCP.inuse'] ?? ''} ${s['TCP6.inuse'] ?? ''} ${s['TCP.tw'] ?? ''}`;
  }

  static stable(states: Iterable<number>, listeners: readonly Listener[]): boolean {
    for (const st of states) if (!STABLE.has(st)) return false;
    return listeners.every((l) => l.queue === 0);
  }

  /** The last tables when `fingerprint` (sockstat key + counter files) proves they are still true. */
  take(fingerprint: string, poll: number): Tables | undefined {
    const l = this.last;
    if (!l || !l.tables.stable || l.fingerprint !== fingerprint || poll - l.poll >= this.maxAge) return undefined;
    this.reused++;
    return l.tables;
  }

  keep(fingerprint: string, poll: number, tables: Tables): void {
    if (this.last?.tables === tables) this.last.fingerprint = fingerprint;
    else this.last = { fingerprint, poll, tables };
  }
}
