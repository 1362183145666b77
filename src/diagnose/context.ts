// Builds the RuleContext a rule sees from a snapshot and the engine's history, plus small window helpers for rules.
import type { Snapshot } from '../pipeline/snapshot.js';
import type { RuleContext } from './rule.js';
import { sysctlNumber } from './values.js';

export function makeContext(snapshot: Snapshot, history: readonly Snapshot[], reference?: Record<string, string>): RuleContext {
  return {
    snapshot,
    history,
    reference,
    sysctl: (name) => snapshot.sysctls[name],
    num: (name) => sysctlNumber(snapshot.sysctls[name]),
  };
}

/** Counter delta of this interval (0 when absent). */
export function counter(s: Snapshot, name: string): number {
  return s.counters[name] ?? 0;
}

/** Sum of a counter delta over the last `n` snapshots of the history (the whole history by default). */
export function counterOverHistory(history: readonly Snapshot[], name: string, n = history.length): number {
  let sum = 0;
  for (const s of history.slice(-n)) sum += s.counters[name] ?? 0;
  return sum;
}

/** Sockets in a state per the census (0 when absent). */
export function censusState(s: Snapshot, state: string): number {
  return s.census.states[state] ?? 0;
}

/** Whether the netns is named (commands need `ip netns exec <name>`). */
export function netnsLabel(s: Snapshot): string {
  return s.netns.name ? `netns ${s.netns.name}` : `netns ${s.netns.inode}`;
}
