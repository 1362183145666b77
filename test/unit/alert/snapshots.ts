// Builds synthetic Snapshots for alert and export tests: only the fields a test sets differ from an idle interval.
import type { Snapshot } from '../../../src/model/snapshot.js';
import { idleSnapshot } from '../../helpers/snapshot.js';

export interface SnapPatch {
  counters?: Record<string, number>;
  states?: Record<string, number>;
  listeners?: Snapshot['census']['listeners'];
  events?: Partial<Snapshot['events']>;
  findings?: string[];
  transitions?: Record<string, number>;
  sysctls?: Record<string, string>;
  netns?: Snapshot['netns'];
}

export const T0 = 1_700_000_000_000;

export function snap(seq: number, p: SnapPatch = {}, intervalMs = 1000): Snapshot {
  return idleSnapshot({
    time: T0 + (seq + 1) * intervalMs,
    seq,
    intervalMs,
    netns: p.netns,
    transitions: p.transitions,
    events: p.events,
    counters: p.counters,
    census: { states: p.states, listeners: p.listeners },
    sysctls: p.sysctls,
    findings: (p.findings ?? []).map((id) => ({
      id,
      severity: 'warning',
      title: id,
      evidence: {},
      sysctls: [],
      explanation: '',
      advice: [],
      since: T0,
    })),
  });
}

/** A sequence of snapshots, one per patch, 1 s apart. */
export function series(patches: SnapPatch[], intervalMs = 1000): Snapshot[] {
  return patches.map((p, i) => snap(i, p, intervalMs));
}
