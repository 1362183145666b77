// Connect-latency fixtures of the sinks' unit tests (alert, export, ui): connlat.bt's rows made from latency samples
// (µs) bucketed as the probe buckets them, and snapshots whose latency section the real LatencyAccumulator builds.
import type { ConnectLatencyRow, LatencyBatch, Log2Buckets } from '../../src/model/latency-batch.js';
import { bucketOf } from '../../src/model/latency-stats.js';
import { emptyBatch } from '../../src/model/probe-batch.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { LatencyAccumulator } from '../../src/pipeline/latency.js';

/** Connect latencies (µs) per remote port. */
export type SamplesByPort = Record<number, readonly number[]>;

/** The probe's histogram of `us`: counts per log2 sub-bucket (`bucketOf`). */
export function histogramOf(us: readonly number[]): Log2Buckets {
  const buckets: Log2Buckets = {};
  for (const u of us) buckets[bucketOf(u)] = (buckets[bucketOf(u)] ?? 0) + 1;
  return buckets;
}

/** One row per remote port with samples (a port without any has no row: the probe prints none). */
export function connectRows(netns: number, byPort: SamplesByPort): ConnectLatencyRow[] {
  return Object.entries(byPort)
    .filter(([, us]) => us.length > 0)
    .map(([dport, us]) => ({
      netns,
      dport: Number(dport),
      count: us.length,
      sumUs: us.reduce((a, x) => a + x, 0),
      maxUs: Math.max(...us),
      buckets: histogramOf(us),
      synRetrans: {},
    }));
}

/**
 * One snapshot per interval, `snapshotAt(i)` with `latency` set by one accumulator (netns `netns`) from a probe batch
 * holding interval i's connects and `rows(i)`'s failed/lifetime/rtt rows (none unless given).
 */
export function latencySnapshots(
  netns: number,
  intervals: readonly SamplesByPort[],
  snapshotAt: (i: number) => Snapshot,
  rows: (i: number) => Partial<Omit<LatencyBatch, 'connect'>> = () => ({}),
): Snapshot[] {
  const acc = new LatencyAccumulator();
  return intervals.map((byPort, i) => {
    const b = emptyBatch();
    b.latency = { connect: connectRows(netns, byPort), failed: [], lifetime: [], rtt: [], ...rows(i) };
    const s = snapshotAt(i);
    s.latency = acc.add([b], netns);
    return s;
  });
}
