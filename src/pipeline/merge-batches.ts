// Folds the probe batches of one interval into Snapshot.transitions/events, keeping only the target netns.
import type { ProbeBatch } from '../model/probe-batch.js';
import type { SnapshotEvents, SynackListenerStat } from '../model/snapshot.js';

export function emptyEvents(): SnapshotEvents {
  return {
    synackRetrans: 0,
    synackRetransByListener: [],
    synRetrans: 0,
    retransByState: {},
    resetsSent: 0,
    resetsSentByReason: {},
    resetsReceived: 0,
    resetsReceivedByStatePort: {},
    drops: 0,
    dropsByReason: {},
    details: [],
    suppressed: 0,
    lost: 0,
  };
}

const add = (rec: Record<string, number>, key: string, n: number): void => {
  rec[key] = (rec[key] ?? 0) + n;
};

/** `netns` undefined = keep every namespace (the probes were not filtered). */
export function mergeBatches(
  batches: readonly ProbeBatch[],
  netns: number | undefined,
): { transitions: Record<string, number>; events: SnapshotEvents } {
  const keep = (n: number): boolean => netns === undefined || n === netns;
  const transitions: Record<string, number> = {};
  const ev = emptyEvents();
  const listeners = new Map<string, SynackListenerStat>();
  for (const b of batches) {
    for (const t of b.transitions) if (keep(t.netns)) add(transitions, `${t.from}->${t.to}`, t.count);
    for (const s of b.synackRetrans) {
      if (!keep(s.netns)) continue;
      ev.synackRetrans += s.count;
      const key = `${s.laddr}:${s.lport}`;
      const prev = listeners.get(key);
      listeners.set(key, {
        laddr: s.laddr,
        lport: s.lport,
        count: (prev?.count ?? 0) + s.count,
        acceptQueue: s.acceptQueue,
        acceptCapacity: s.acceptCapacity,
        synQueue: s.synQueue,
      });
    }
    for (const s of b.synRetrans) if (keep(s.netns)) ev.synRetrans += s.count;
    for (const r of b.retrans) if (keep(r.netns)) add(ev.retransByState, r.state, r.count);
    for (const r of b.resetsSent) {
      if (!keep(r.netns)) continue;
      ev.resetsSent += r.count;
      add(ev.resetsSentByReason, r.reason, r.count);
    }
    for (const r of b.resetsReceived) {
      if (!keep(r.netns)) continue;
      ev.resetsReceived += r.count;
      add(ev.resetsReceivedByStatePort, `${r.state}:${r.port}`, r.count);
    }
    for (const d of b.drops) {
      if (!keep(d.netns)) continue;
      ev.drops += d.count;
      add(ev.dropsByReason, d.reason, d.count);
    }
    for (const d of b.details) if (keep(d.netns)) ev.details.push(d);
    ev.suppressed += b.suppressed;
    ev.lost += b.lost;
  }
  ev.synackRetransByListener = [...listeners.values()].sort((a, b) => b.count - a.count);
  return { transitions, events: ev };
}
