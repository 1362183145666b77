// Raw inputs with receive timestamps: what live mode feeds the pipeline and what a recording stores (inputs, not outputs).
import type { HostSample } from './host-sample.js';

/** One raw stdout line of bpftrace `-f json` (parsed again on replay, so parser fixes apply to old recordings). */
export interface ProbeLineInput {
  kind: 'probe';
  t: number;
  line: string;
}
/** One host-state poll; a snapshot is cut at each one. */
export interface HostInput {
  kind: 'host';
  t: number;
  sample: HostSample;
  /**
   * The non-zero counter deltas since the host input at `since`, when the producer already knows them (a replay
   * reads only the changed counters from the file); used only when that is the pipeline's previous host input.
   */
  counterDeltas?: { since: number; deltas: Record<string, number> };
}
/** The tracer stopped (crash, restart): the pipeline marks a gap. */
export interface GapInput {
  kind: 'gap';
  t: number;
  reason: string;
  durationMs: number | undefined;
}

export type RawInput = ProbeLineInput | HostInput | GapInput;
