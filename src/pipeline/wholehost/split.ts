// Splits one decoded probe batch (one bpftrace program for every netns, rows keyed by netns inode) into one batch
// per netns, so each namespace's Snapshot is built from its own rows by the unchanged single-netns assembler.
import { emptyBatch, type ProbeBatch } from '../../model/probe-batch.js';

type RowLists = Omit<ProbeBatch, 'kernelNs' | 'suppressed' | 'lost'>;
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
  return out;
}
