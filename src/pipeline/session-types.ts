// The live (or replayed) session as sinks see it: metadata plus the snapshot stream, and one way to stop it.
import type { Observable } from 'rxjs';
import type { NetnsRef } from '../kernel/host/sample.js';
import type { Mode, Snapshot } from './snapshot.js';

export interface SessionInfo {
  host: string;
  kernel: string;
  netns: NetnsRef;
  mode: Mode;
  /** Why eBPF is not used (procfs mode), e.g. "not root: run with sudo for eBPF". */
  modeReason: string | undefined;
  intervalMs: number;
  bpftraceVersion: string | undefined;
  /** Port filter in force, if any. */
  port: number | undefined;
}

export interface Session {
  info: SessionInfo;
  /** One Snapshot per interval; completes when the session ends (duration reached, replay finished, stop()). */
  snapshots$: Observable<Snapshot>;
  /** Stops bpftrace first, then pollers; idempotent; resolves when no child process remains. */
  stop(): Promise<void>;
}

/** Everything a recording header needs to replay a session through the same pipeline later. */
export interface SessionDescription {
  info: SessionInfo;
  tcpscopeVersion: string;
  /** Tracepoints found and their fields (capabilities), empty in procfs mode. */
  tracepoints: { id: string; present: boolean; fields: string[] }[];
  /** Reason number -> name tables from the tracefs print fmt (needed to decode recorded probe lines). */
  reasonTables: { dropReasons?: Record<number, string>; resetReasons?: Record<number, string> };
  /** Sysctls in force at start, in the target netns. */
  sysctls: Record<string, string>;
  /** The bpftrace program text and its positional arguments, undefined in procfs mode. */
  program: string | undefined;
  programArgs: string[];
}

/** A live session also exposes its raw inputs (for the recorder) and its description (for the header). */
export interface LiveSession extends Session {
  /** Hot stream of raw inputs (probe lines, host samples, gaps) in the order the pipeline consumed them. */
  inputs$: Observable<import('./inputs.js').RawInput>;
  describe(): SessionDescription;
  /**
   * Emits the number of probes each time tracing is live (first start, then every restart): at the first probe tick
   * after bpftrace reported them attached (it reports before it has loaded them). Replays the last one; never emits
   * in procfs mode; completes when the session ends. Optional for other producers.
   */
  attached$?: Observable<number>;
}
