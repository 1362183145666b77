// Builds the RuleContext a rule sees from a snapshot and the engine's history, plus small window helpers for rules.
import type { Snapshot } from '../model/snapshot.js';
import type { RuleContext } from './rule.js';
import { sysctlNumber } from './values.js';

export function makeContext(snapshot: Snapshot, history: readonly Snapshot[]): RuleContext {
  return {
    snapshot,
    history,
    sysctl: (name) => snapshot.sysctls[name],
    num: (name) => sysctlNumber(snapshot.sysctls[name]),
  };
}

/** Counter delta of this interval (0 when absent). */
export function counter(s: Snapshot, name: string): number {
  return s.counters[name] ?? 0;
}

/** Sockets in a state per the census (0 when absent). */
export function censusState(s: Snapshot, state: string): number {
  return s.census.states[state] ?? 0;
}
