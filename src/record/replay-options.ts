// The pipeline a replay runs: the same assembler, decoder and diagnoser as live mode, configured from the header.
import { createDiagnoser } from '../diagnose/index.js';
import { BatchDecoder } from '../kernel/probes/decode.js'; // not the index: no bpftrace runner (execa) in a replay
import type { AssemblerOptions } from '../pipeline/assemble.js';
import type { WholeHostOptions } from '../pipeline/wholehost/assemble.js';
import type { RecordingHeader } from './format.js';

/** Mirrors startSession's toSnapshots options (src/pipeline/session.ts) except mode, which is 'replay'. */
export function replayAssemblerOptions(header: RecordingHeader): AssemblerOptions {
  const d = header.description;
  const ebpf = d.program !== undefined || d.info.mode === 'ebpf';
  return {
    intervalMs: d.info.intervalMs,
    netns: d.info.netns,
    mode: 'replay',
    modeReason: d.info.modeReason,
    decoder: ebpf ? new BatchDecoder(d.reasonTables ?? {}) : undefined,
    diagnoser: createDiagnoser(),
    netnsFilter: d.info.netns.inode,
  };
}

/** Mirrors startWholeHostSession's assembler (src/pipeline/wholehost/session.ts) except mode, which is 'replay'. */
export function replayHostAssemblerOptions(header: RecordingHeader): WholeHostOptions {
  const d = header.description;
  const ebpf = d.program !== undefined || d.info.mode === 'ebpf';
  return {
    intervalMs: d.info.intervalMs,
    mode: 'replay',
    modeReason: d.info.modeReason,
    decoder: ebpf ? new BatchDecoder(d.reasonTables ?? {}) : undefined,
    diagnoserFor: (_n, reference) => createDiagnoser({ reference }),
  };
}
