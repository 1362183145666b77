// The whole-host pipeline wiring, shared by the live whole-host session and its replay (like wiring.ts for one
// netns): probe lines decoded with the recorded reason tables, one diagnoser per netns with the host's sysctls as the
// sysctl-drift reference.
import { createDiagnoser } from '../diagnose/index.js';
import { BatchDecoder } from '../kernel/probes/decode.js';
import { WholeHostAssembler, type WholeHostOptions } from '../pipeline/wholehost/assemble.js';
import type { WiringOptions } from './wiring.js';

export function hostPipelineOptions(o: Omit<WiringOptions, 'overrides'>): WholeHostOptions {
  const d = o.description;
  const ebpf = d.program !== undefined || d.info.mode === 'ebpf';
  const make = o.services?.createDiagnoser;
  return {
    intervalMs: d.info.intervalMs,
    mode: o.mode,
    modeReason: d.info.modeReason,
    decoder: ebpf ? new BatchDecoder(d.reasonTables ?? {}) : undefined,
    diagnoserFor: (_n, reference, peers) => (make ? make() : createDiagnoser({ reference, peers })),
  };
}

export function createHostPipeline(
  o: Omit<WiringOptions, 'overrides'>,
  extra: Partial<WholeHostOptions> = {},
): WholeHostAssembler {
  return new WholeHostAssembler({ ...hostPipelineOptions(o), ...extra });
}
