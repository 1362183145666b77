// Sliding windows over the snapshot stream, by snapshot time (never wall clock), so replay equals live.
import { scan, type OperatorFunction } from 'rxjs';
import type { Snapshot } from '../model/snapshot.js';

/** The snapshots of the window (newest.time - windowMs, newest.time], oldest first. Pure. */
export function pushWindow(window: readonly Snapshot[], next: Snapshot, windowMs: number): Snapshot[] {
  const last = window[window.length - 1];
  // Time went backwards (a new session or recording): start over.
  const kept = last !== undefined && next.time < last.time ? [] : window.filter((s) => s.time > next.time - windowMs);
  kept.push(next);
  return kept;
}

/** Emits, for each snapshot, the snapshots of the last `windowMs` (including it). */
export function slidingWindow(windowMs: number): OperatorFunction<Snapshot, readonly Snapshot[]> {
  return scan<Snapshot, Snapshot[]>((w, s) => pushWindow(w, s, windowMs), []);
}
