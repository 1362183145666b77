// A bounded window of per-snapshot rates (not whole snapshots) plus the latest snapshot: what every panel reads.
import { counterOf, type Snapshot, type SysctlChange } from '../../model/snapshot.js';
import { perSecond } from './format.js';
import { keyRates, type RateKey } from './rates.js';
import { QUEUE_COUNTERS } from './queue-counters.js';

export interface RatePoint {
  time: number;
  seq: number;
  rates: Record<RateKey, number | undefined>;
  /** Queue counter rates by QUEUE_COUNTERS key. */
  queue: Record<string, number>;
  /** Drop reasons per second (eBPF). */
  drops: Record<string, number>;
  states: Record<string, number>;
}

/** 10 minutes at the default 1 s interval. */
export const DEFAULT_HISTORY = 600;

export class History {
  private readonly points: RatePoint[] = [];
  private last: Snapshot | undefined;
  /** Latest change per sysctl name during the session. */
  readonly changes = new Map<string, SysctlChange>();
  lostTotal = 0;
  suppressedTotal = 0;
  gapsTotal = 0;
  count = 0;

  constructor(private readonly capacity = DEFAULT_HISTORY) {}

  push(s: Snapshot): void {
    const drops: Record<string, number> = {};
    for (const [k, v] of Object.entries(s.events.dropsByReason)) drops[k] = perSecond(v, s.intervalMs);
    const queue: Record<string, number> = {};
    for (const q of QUEUE_COUNTERS) queue[q.key] = perSecond(counterOf(s, q.counter), s.intervalMs);
    this.points.push({ time: s.time, seq: s.seq, rates: keyRates(s), queue, drops, states: { ...s.census.states } });
    if (this.points.length > this.capacity) this.points.splice(0, this.points.length - this.capacity);
    for (const ch of s.sysctlChanges) this.changes.set(ch.name, ch);
    this.lostTotal += s.events.lost;
    this.suppressedTotal += s.events.suppressed;
    this.gapsTotal += s.gaps.length;
    this.count += 1;
    this.last = s;
  }

  get latest(): Snapshot | undefined {
    return this.last;
  }

  get window(): readonly RatePoint[] {
    return this.points;
  }

  series<T>(pick: (p: RatePoint) => T): T[] {
    return this.points.map(pick);
  }
}
