// The live (or replayed) session as sinks see it: metadata plus the snapshot stream, and one way to stop it.
import type { Observable } from 'rxjs';
import type { NetnsRef } from './host-sample.js';
import type { RawInput } from './inputs.js';
import type { Mode, Snapshot } from './snapshot.js';

/** What the user asks for: `auto` falls back to procfs (with the reason) when eBPF is not available. */
export type RequestedMode = 'auto' | 'ebpf' | 'procfs';

/** A live session: which netns and port to watch, how often, in which mode, for how long. */
export interface SessionOptions {
  /** Name, path, pid or inode; undefined = tcpscope's own netns. */
  netns?: string | undefined;
  port?: number | undefined;
  intervalMs: number;
  mode?: RequestedMode;
  /** End the session after this long (snapshots$ completes). */
  durationMs?: number | undefined;
  /** Per-interval cap of per-event detail lines printed by the kernel. */
  detailCap?: number;
}

/** A replay: how fast, and which part of the recording. */
export interface ReplayWindow {
  /** 1 = real time, 10 = ten times faster, 'max' = as fast as possible. */
  speed: number | 'max';
  /** ms from the start of the recording (its first input): snapshots before it are computed but not emitted. */
  from?: number | undefined;
  /** ms from the start of the recording: the replay ends there. */
  to?: number | undefined;
}

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
  /** Present on replays: pause, step and speed, for the dashboard's replay keys. */
  replay?: ReplayControl;
}

/** Where a replay is and how it runs (what the dashboard header shows). */
export interface ReplayState {
  paused: boolean;
  speed: number | 'max';
  /** Milliseconds from the start of the recording to the last input replayed. */
  elapsedMs: number;
  /** A forward skip is running (snapshots come as fast as possible until the target). */
  seeking: boolean;
}

/** Controls of a running replay; every call takes effect before the next recorded input is replayed. */
export interface ReplayControl {
  state(): ReplayState;
  pause(): void;
  resume(): void;
  /** Paused: replays up to the next snapshot (one interval), then pauses again. */
  step(): void;
  setSpeed(speed: number | 'max'): void;
  /** Replays the next `ms` of the recording as fast as possible, then continues as before. */
  skip(ms: number): void;
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
  inputs$: Observable<RawInput>;
  describe(): SessionDescription;
  /**
   * Emits the number of probes each time tracing is live (first start, then every restart): at the first probe tick
   * after bpftrace reported them attached (it reports before it has loaded them). Replays the last one; never emits
   * in procfs mode; completes when the session ends. Optional for other producers.
   */
  attached$?: Observable<number>;
}
