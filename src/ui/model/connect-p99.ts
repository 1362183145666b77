// The overview's one latency number per netns: p99 of every connect its clients made this interval, all ports merged
// (the per-port rows are in that netns's dashboard, `l`).
import type { Snapshot } from '../../model/snapshot.js';
import { addBuckets, quantileUs, type Log2Histogram } from '../../model/latency-stats.js';

/** Undefined without the latency probe (`--latency`) or without a completed connect this interval. */
export function connectP99Us(s: Snapshot): number | undefined {
  const rows = s.latency?.connect ?? [];
  const merged: Log2Histogram = {};
  let count = 0;
  let maxUs = 0;
  for (const r of rows) {
    if (r.interval.count === 0) continue;
    addBuckets(merged, r.interval.buckets);
    count += r.interval.count;
    maxUs = Math.max(maxUs, r.interval.maxUs);
  }
  return count === 0 ? undefined : quantileUs(merged, 0.99, maxUs);
}
