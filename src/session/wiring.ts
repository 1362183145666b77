// The one place a session's pipeline is wired: live and replay both build their assembler here, from the session
// description (live: what it just started; replay: the recording header), so a replay runs exactly the live pipeline.
import { createDiagnoser } from '../diagnose/index.js';
import { BatchDecoder } from '../kernel/probes/decode.js'; // not the index: no bpftrace runner (execa) in a replay
import type { Observable } from 'rxjs';
import type { HostPoller } from '../kernel/host/poller.js';
import type { NetnsTarget } from '../kernel/netns/resolve.js';
import type { Diagnoser } from '../model/finding.js';
import type { RawInput } from '../model/inputs.js';
import type { Mode } from '../model/snapshot.js';
import type { RequestedMode, SessionDescription } from '../model/session.js';
import { SnapshotAssembler, type AssemblerOptions } from '../pipeline/assemble.js';
import type { ModeDecision } from './mode.js';

/** The parts every session uses that a test or a library user may replace. */
export interface PipelineServices {
  /** A fresh rule engine per pipeline (hysteresis state must not leak between sessions or replay segments). */
  createDiagnoser(): Diagnoser;
}

/** What a session pipeline is built from, live or replayed. */
export interface WiringOptions {
  description: SessionDescription;
  /** 'ebpf' or 'procfs' live, 'replay' on replay. */
  mode: Mode;
  services?: Partial<PipelineServices> | undefined;
  /** Last-word overrides (tests). */
  overrides?: Partial<AssemblerOptions> | undefined;
}

/** The assembler options of a session: eBPF sessions decode probe lines with their recorded reason tables. */
export function pipelineOptions(o: WiringOptions): AssemblerOptions {
  const d = o.description;
  const ebpf = d.program !== undefined || d.info.mode === 'ebpf';
  return {
    intervalMs: d.info.intervalMs,
    netns: d.info.netns,
    mode: o.mode,
    modeReason: d.info.modeReason,
    decoder: ebpf ? new BatchDecoder(d.reasonTables ?? {}) : undefined,
    diagnoser: (o.services?.createDiagnoser ?? createDiagnoser)(),
    netnsFilter: d.info.netns.inode,
    ...o.overrides,
  };
}

/** A fresh assembler for a session (replay builds one per concatenated recording). */
export function createPipeline(o: WiringOptions): SnapshotAssembler {
  return new SnapshotAssembler(pipelineOptions(o));
}

/** Everything a live session talks to; each can be substituted (`startSession({ services: { ... } })`). */
export interface SessionServices extends PipelineServices {
  resolveNetns(spec: string | undefined): Promise<NetnsTarget>;
  decideMode(requested: RequestedMode): Promise<ModeDecision>;
  createHostPoller(target: NetnsTarget): HostPoller;
  /** Raw probe lines and gaps of a running bpftrace program (restarted on crashes). */
  probeInputs(opts: {
    program: { text: string; args: readonly string[] };
    bpftrace?: string | undefined;
  }): Observable<RawInput>;
  /** Resolves when no tracer child process remains (stop() waits for it before closing the poller). */
  stopTracers(): Promise<void>;
}
