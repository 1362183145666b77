// Builds the RuleContext a rule sees from a snapshot and the engine's history, plus small window helpers for rules.
import { counterOf, type Snapshot } from '../model/snapshot.js';
import type { RuleContext } from './rule.js';
import type { PeerListener } from '../model/peer-listener.js';
import { sysctlNumber } from './values.js';

export function makeContext(
  snapshot: Snapshot,
  history: readonly Snapshot[],
  reference?: Record<string, string>,
  peers?: readonly PeerListener[],
): RuleContext {
  return {
    snapshot,
    history,
    reference,
    peers,
    sysctl: (name) => snapshot.sysctls[name],
    num: (name) => sysctlNumber(snapshot.sysctls[name]),
    ref: (name, role) => ({ name, value: snapshot.sysctls[name], role }),
  };
}

/** Counter delta of this interval (0 when absent). */
export const counter = counterOf;

/** Sockets in a state per the census (0 when absent). */
export function censusState(s: Snapshot, state: string): number {
  return s.census.states[state] ?? 0;
}
