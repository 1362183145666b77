// Splits one decoded probe batch (one bpftrace program for every netns, rows keyed by netns inode) into one batch
// per netns, so each namespace's Snapshot is built from its own rows by the unchanged single-netns assembler.
import { emptyBatch, type ProbeBatch } from '../../model/probe-batch.js';
import type { LatencyBatch } from '../../model/latency-batch.js';

type RowLists = Omit<ProbeBatch, 'kernelNs' | 'suppressed' | 'lost' | 'latency'>;
const LISTS: (keyof RowLists)[] = [
  'transitions',
  'synackRetrans',
  'synRetrans',
  'retrans',
  'resetsSent',
  'resetsReceived',
  'drops',
  'details',
];

/** inode -> that netns's rows; `suppressed` and `lost` are program-wide and stay with the caller. */
export function splitBatch(batch: ProbeBatch): Map<number, ProbeBatch> {
  const out = new Map<number, ProbeBatch>();
  const of = (ns: number): ProbeBatch => {
    let b = out.get(ns);
    if (!b) out.set(ns, (b = emptyBatch(batch.kernelNs)));
    return b;
  };
  for (const key of LISTS) {
    for (const row of batch[key] as { netns: number }[]) (of(row.netns)[key] as { netns: number }[]).push(row);
  }
  if (batch.latency) splitLatency(batch.latency, of);
  return out;
}

/**
 * The latency rows per netns. Every netns gets a (possibly empty) latency part, even one with only other rows, so
 * the section of each netns says "measured, nothing happened" once the probe runs.
 */
function splitLatency(l: LatencyBatch, of: (ns: number) => ProbeBatch): void {
  const part = (ns: number): LatencyBatch => {
    const b = of(ns);
    b.latency ??= {
      connect: [],
      failed: [],
      lifetime: [],
      rtt: [],
      ...(l.remote ? { remote: [] } : {}),
      ...(l.untracked ? { untracked: [] } : {}),
    };
    return b.latency;
  };
  for (const r of l.connect) part(r.netns).connect.push(r);
  for (const r of l.failed) part(r.netns).failed.push(r);
  for (const r of l.lifetime) part(r.netns).lifetime.push(r);
  for (const r of l.rtt) part(r.netns).rtt.push(r);
  for (const r of l.remote ?? []) part(r.netns).remote!.push(r);
  for (const r of l.untracked ?? []) part(r.netns).untracked!.push(r);
}
