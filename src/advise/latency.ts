// Connect latency is an optional part of a snapshot (a later probe adds it): read it structurally, keep the worst seen.
import type { Snapshot } from '../model/snapshot.js';

export interface ConnectLatency {
  /** Connects measured. */
  count: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  maxMs: number | undefined;
}

const num = (o: Record<string, unknown>, ...keys: string[]): number | undefined => {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
};

/** Folds the snapshot's `connectLatency` (top level or under events), if any, into the running summary. */
export function connectLatencyOf(s: Snapshot, prev: ConnectLatency | undefined): ConnectLatency | undefined {
  const loose = s as unknown as Record<string, unknown>;
  const events = s.events as unknown as Record<string, unknown>;
  const raw = loose.connectLatency ?? events.connectLatency;
  if (raw === null || typeof raw !== 'object') return prev;
  const o = raw as Record<string, unknown>;
  const count = num(o, 'count', 'n') ?? 0;
  if (count === 0) return prev;
  const max = (a: number | undefined, b: number | undefined): number | undefined =>
    a === undefined ? b : b === undefined ? a : Math.max(a, b);
  return {
    count: (prev?.count ?? 0) + count,
    // Per-interval percentiles cannot be merged exactly: keep the worst interval's (an upper bound, said so in the text).
    p50Ms: max(prev?.p50Ms, num(o, 'p50Ms', 'p50')),
    p99Ms: max(prev?.p99Ms, num(o, 'p99Ms', 'p99')),
    maxMs: max(prev?.maxMs, num(o, 'maxMs', 'max')),
  };
}
