// Whole-host export: each netns's own snapshot goes to the exporter under its `netns` label. Cardinality is bounded:
// the first `maxNetns` namespaces seen keep their own label (sticky, so series do not flap with the ranking); the rest
// are summed into netns="other". A vanished netns's series are removed (its slot goes to the next one).
import { Observable } from 'rxjs';
import type { HostSnapshot } from '../model/host-snapshot.js';
import type { Snapshot } from '../model/snapshot.js';
import type { Metrics } from './metrics.js';

export const DEFAULT_MAX_NETNS = 100;
export const OTHER_NETNS = 'other';

const labelOf = (s: Snapshot): string => s.netns.name ?? String(s.netns.inode);
const add = (into: Record<string, number>, from: Record<string, number>): void => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

/** The sum of several netns snapshots as one snapshot labelled netns="other": counts and levels add up. */
export function sumSnapshots(list: Snapshot[]): Snapshot {
  const first = list[0]!;
  const out: Snapshot = structuredClone({
    ...first,
    netns: { inode: 0, name: OTHER_NETNS },
    sysctls: {},
    findings: [],
  });
  for (const s of list.slice(1)) {
    add(out.counters, s.counters);
    add(out.transitions, s.transitions);
    add(out.census.states, s.census.states);
    add(out.census.sockstat, s.census.sockstat);
    out.census.listeners.push(...s.census.listeners);
    const e = out.events;
    e.synackRetrans += s.events.synackRetrans;
    e.synRetrans += s.events.synRetrans;
    e.resetsSent += s.events.resetsSent;
    e.resetsReceived += s.events.resetsReceived;
    e.drops += s.events.drops;
    add(e.retransByState, s.events.retransByState);
    add(e.resetsSentByReason, s.events.resetsSentByReason);
    add(e.resetsReceivedByStatePort, s.events.resetsReceivedByStatePort);
    add(e.dropsByReason, s.events.dropsByReason);
  }
  out.findings = list.flatMap((s) => s.findings);
  return out;
}

/** Per-netns snapshots for the exporter, from whole-host snapshots (forgets vanished namespaces in `metrics`). */
export function hostSnapshotsForExport(
  host$: Observable<HostSnapshot>,
  metrics: Metrics,
  maxNetns = DEFAULT_MAX_NETNS,
): Observable<Snapshot> {
  return new Observable<Snapshot>((sub) => {
    const own = new Set<string>();
    let otherShown = false;
    return host$.subscribe({
      next: (h) => {
        const others: Snapshot[] = [];
        const live = h.namespaces.filter((x) => x.status !== 'gone');
        const present = new Set(live.map((x) => x.netns.name ?? String(x.netns.inode)));
        // Vanished first, so their slots go to namespaces of this very interval.
        for (const label of [...own]) {
          if (present.has(label)) continue;
          own.delete(label);
          void metrics.forget(label);
        }
        for (const sec of live) {
          const s = sec.snapshot;
          if (!s) continue;
          const label = labelOf(s);
          if (own.has(label) || own.size < maxNetns) {
            own.add(label);
            sub.next(s);
          } else others.push(s);
        }
        if (others.length > 0) {
          otherShown = true;
          sub.next(sumSnapshots(others));
        } else if (otherShown) {
          otherShown = false;
          void metrics.forget(OTHER_NETNS);
        }
      },
      error: (e: unknown) => sub.error(e),
      complete: () => sub.complete(),
    });
  });
}
