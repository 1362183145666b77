// The overview's drill-down history: an opened netns dashboard replays the last intervals into its rate charts and
// findings log, which read only a few fields of the older ones (rates, counters, states, findings, sysctl changes).
// Keeping whole host snapshots instead held every netns's listeners, owners, sysctls and probe details 30 times over.
import type { HostSnapshot } from '../../model/host-snapshot.js';
import type { Snapshot } from '../../model/snapshot.js';

/**
 * What the dashboard's History and FindingLog read from a snapshot that is not the latest (history.ts, findings.ts):
 * the latest one is always fed whole. The fields dropped are read only from `history.latest`.
 */
export function historyOnly(s: Snapshot): Snapshot {
  const { latency: _latency, ...rest } = s;
  return {
    ...rest,
    events: {
      ...s.events,
      synackRetransByListener: [],
      retransByState: {},
      resetsSentByReason: {},
      resetsReceivedByStatePort: {},
      details: [],
    },
    census: { states: s.census.states, listeners: [], owners: [], sockstat: {} },
    sysctls: {},
    notes: [],
  };
}

/** The last `keep` host snapshots for the drill-down: the newest whole, the older ones per netns via historyOnly. */
export class DrillHistory {
  private readonly past: Map<number, Snapshot>[] = [];
  private newest: HostSnapshot | undefined;

  constructor(private readonly keep: number) {}

  push(h: HostSnapshot): void {
    const prev = this.newest;
    this.newest = h;
    if (prev && this.keep > 1) {
      const byInode = new Map<number, Snapshot>();
      for (const sec of prev.namespaces) if (sec.snapshot) byInode.set(sec.netns.inode, historyOnly(sec.snapshot));
      this.past.push(byInode);
    }
    if (this.past.length > this.keep - 1) this.past.splice(0, this.past.length - Math.max(0, this.keep - 1));
  }

  /** The newest host snapshot (what an unpaused overview shows). */
  get latest(): HostSnapshot | undefined {
    return this.newest;
  }

  /** How many intervals are held (the newest included). */
  get size(): number {
    return this.past.length + (this.newest ? 1 : 0);
  }

  /** One netns's snapshots, oldest first, to replay into a freshly opened dashboard (the newest one whole). */
  of(inode: number): Snapshot[] {
    const out: Snapshot[] = [];
    for (const m of this.past) {
      const s = m.get(inode);
      if (s) out.push(s);
    }
    const last = this.newest?.namespaces.find((x) => x.netns.inode === inode)?.snapshot;
    if (last) out.push(last);
    return out;
  }
}
