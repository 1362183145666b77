// Whole host: every netns's listeners with its ListenOverflows / TCPReqQFullDrop over the last few polls, computed
// from each poll before any netns is diagnosed, so a client netns's slow connects can name the server netns that
// dropped their SYNs (the other netns may be sampled after the client's in the same poll).
import type { HostSetSample } from '../../model/host-set-sample.js';
import type { PeerListener } from '../../model/peer-listener.js';

/** Polls over which drops count (the slow-connects rule's window). */
export const PEER_WINDOW = 5;

const COUNTERS = ['TcpExtListenOverflows', 'TcpExtTCPReqQFullDrop'] as const;

export class PeerListenerTable {
  private readonly prev = new Map<number, number[]>();
  private readonly windows = new Map<number, number[][]>();
  private current: PeerListener[] = [];

  /** Folds one poll in; returns (and keeps) the table for this interval. */
  update(set: HostSetSample): readonly PeerListener[] {
    const present = new Set<number>();
    const out: PeerListener[] = [];
    for (const s of set.samples) {
      const ns = s.netns.inode;
      present.add(ns);
      const now = COUNTERS.map((c) => s.counters[c] ?? 0);
      const before = this.prev.get(ns);
      this.prev.set(ns, now);
      // First sight of a netns is its baseline; a smaller value is a restarted counter (a new netns on the inode).
      const delta = before ? now.map((v, i) => (v >= before[i]! ? v - before[i]! : v)) : now.map(() => 0);
      const w = this.windows.get(ns) ?? [];
      w.push(delta);
      if (w.length > PEER_WINDOW) w.shift();
      this.windows.set(ns, w);
      if (s.listeners.length === 0) continue;
      const overflows = w.reduce((t, d) => t + d[0]!, 0);
      const synQueueDrops = w.reduce((t, d) => t + d[1]!, 0);
      for (const l of s.listeners)
        out.push({
          netns: ns,
          netnsName: s.netns.name ?? s.netns.owner?.name,
          addr: l.addr,
          port: l.port,
          pid: l.pid,
          comm: l.comm,
          queue: l.queue,
          capacity: l.capacity,
          overflows,
          synQueueDrops,
        });
    }
    for (const ns of [...this.prev.keys()]) {
      if (present.has(ns)) continue;
      this.prev.delete(ns);
      this.windows.delete(ns);
    }
    this.current = out;
    return out;
  }

  get(): readonly PeerListener[] {
    return this.current;
  }
}
