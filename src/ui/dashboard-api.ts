// What the dashboard offers its owner (runDashboard, a command) and what it asks of it, apart from how it draws.
import type { Widgets } from 'blessed';
import type { ReplayControl, SessionInfo } from '../model/session.js';
import type { Snapshot } from '../model/snapshot.js';
import type { AlertNotice } from './model/findings.js';

/** What the header shows of the flight recorder: how much past it holds and what it saved. */
export interface FlightState {
  depthMs: number;
  incidents: number;
  /** The incident being written, if one is open. */
  open: string | undefined;
}

export interface NetnsChoice {
  name: string;
  /** Shown instead of the name (the host's own netns has none). */
  label?: string;
  inode?: number;
}

/** What the dashboard asks of its owner (runDashboard / the command). */
export interface DashboardHandlers {
  /** `q` (reason 'key') or Ctrl-C (reason 'ctrl-c'; the owner forces exit on the second one). */
  quit(reason: 'key' | 'ctrl-c'): void;
  /** `/`: a validated port, or undefined to watch all ports. */
  setPort?(port: number | undefined): void;
  /** `n`: the namespaces to offer. */
  listNetns?(): Promise<NetnsChoice[]>;
  setNetns?(choice: NetnsChoice): void;
  /** `r`: start or stop recording; the owner calls setRecording() with the outcome. */
  toggleRecording?(): void;
  /** `R`: save the flight recorder's ring now, as an incident (only with --on-alert). */
  saveRing?(): void;
  /** Esc (no popup open): back to the whole-host overview this dashboard was opened from. */
  back?(): void;
  /** A replay's controls: `p` pauses the replay itself, `.` steps, `+`/`-` speed, `]` skips a minute. */
  replay?: ReplayControl;
}

export interface DashboardOptions {
  screen: Widgets.Screen;
  info: SessionInfo;
  handlers: DashboardHandlers;
  /** Default: colour unless NO_COLOR is set (non-empty). */
  color?: boolean;
  /** Minimum time between frames (default 250 ms: at most 4 frames/s). */
  minFrameMs?: number;
  historySize?: number;
}

export interface Dashboard {
  /** Takes one snapshot (cheap: no drawing here; a frame is scheduled). */
  update(snapshot: Snapshot): void;
  pushAlert(alert: AlertNotice): void;
  setRecording(path: string | undefined): void;
  /** The flight recorder's state for the header (--on-alert), undefined without one. */
  setFlight(state: FlightState | undefined): void;
  /** New session (port / netns change): new header info, history starts over. */
  setInfo(info: SessionInfo): void;
  /** A transient line in the header (errors of key actions), undefined to clear. */
  setMessage(text: string | undefined): void;
  /** The snapshot stream ended (duration reached, replay finished). */
  setEnded(reason: string | undefined): void;
  readonly paused: boolean;
  /** Frames drawn so far (self-monitoring, tests). */
  readonly frames: number;
  /** Draws now if anything changed (tests, shutdown). */
  flush(): void;
  destroy(): void;
}
