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
