// Per-second rates of counters, transitions and events over sliding windows (10 s, 1 min) of the snapshot stream.
import { map, type OperatorFunction } from 'rxjs';
import type { Snapshot } from '../model/snapshot.js';
import { slidingWindow } from './window.js';

export interface EventRates {
  synackRetrans: number;
  synRetrans: number;
  resetsSent: number;
  resetsReceived: number;
  drops: number;
  resetsSentByReason: Record<string, number>;
  dropsByReason: Record<string, number>;
}

export interface WindowRates {
  /** Time of the newest snapshot in the window. */
  time: number;
  windowMs: number;
  /** Time the window's snapshots actually cover (sum of their intervals): less than windowMs at start-up. */
  coveredMs: number;
  samples: number;
  /** Per second, nstat names. */
  counters: Record<string, number>;
  /** `FROM->TO` per second. */
  transitions: Record<string, number>;
  events: EventRates;
}

function addInto(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

function perSecond(rec: Record<string, number>, seconds: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(rec).sort()) out[k] = (rec[k] ?? 0) / seconds;
  return out;
}

/** Rates over the given snapshots (oldest first). Pure: the operator below and tests use it. */
export function windowRates(window: readonly Snapshot[], windowMs: number): WindowRates {
  const counters: Record<string, number> = {};
  const transitions: Record<string, number> = {};
  const resetsSentByReason: Record<string, number> = {};
  const dropsByReason: Record<string, number> = {};
  let coveredMs = 0;
  let synackRetrans = 0,
    synRetrans = 0,
    resetsSent = 0,
    resetsReceived = 0,
    drops = 0;
  for (const s of window) {
    coveredMs += s.intervalMs;
    addInto(counters, s.counters);
    addInto(transitions, s.transitions);
    addInto(resetsSentByReason, s.events.resetsSentByReason);
    addInto(dropsByReason, s.events.dropsByReason);
    synackRetrans += s.events.synackRetrans;
    synRetrans += s.events.synRetrans;
    resetsSent += s.events.resetsSent;
    resetsReceived += s.events.resetsReceived;
    drops += s.events.drops;
  }
  const sec = coveredMs > 0 ? coveredMs / 1000 : 1;
  return {
    time: window[window.length - 1]?.time ?? 0,
    windowMs,
    coveredMs,
    samples: window.length,
    counters: perSecond(counters, sec),
    transitions: perSecond(transitions, sec),
    events: {
      synackRetrans: synackRetrans / sec,
      synRetrans: synRetrans / sec,
      resetsSent: resetsSent / sec,
      resetsReceived: resetsReceived / sec,
      drops: drops / sec,
      resetsSentByReason: perSecond(resetsSentByReason, sec),
      dropsByReason: perSecond(dropsByReason, sec),
    },
  };
}

/** One WindowRates per snapshot: per-second rates over the last `windowMs` of snapshot time. */
export function slidingRates(windowMs: number): OperatorFunction<Snapshot, WindowRates> {
  return (source) =>
    source.pipe(
      slidingWindow(windowMs),
      map((w) => windowRates(w, windowMs)),
    );
}
