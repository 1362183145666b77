// The probe-decoding tests' input: bpftrace output captured on a real kernel (test/fixtures/bpftrace), decoded line by
// line by one BatchDecoder, as the session feeds it.
import { readFileSync } from 'node:fs';
import { BatchDecoder, type ProbeBatch, type ReasonTables } from '../../../../src/kernel/probes/index.js';

/** The lines of test/fixtures/bpftrace/`name` (the last one empty, as the file ends with a newline). */
export const capturedLines = (name: string): string[] =>
  readFileSync(new URL(`../../../fixtures/bpftrace/${name}`, import.meta.url), 'utf8').split('\n');

/** Every batch one decoder makes of `input`, and the decoder (its stats count lines, bad lines, lost events). */
export function decodeLines(
  input: readonly string[],
  tables: ReasonTables = {},
): { batches: ProbeBatch[]; dec: BatchDecoder } {
  const dec = new BatchDecoder(tables);
  const batches: ProbeBatch[] = [];
  for (const l of input) {
    const b = dec.push(l);
    if (b) batches.push(b);
  }
  return { batches, dec };
}
