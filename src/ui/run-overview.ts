// Owns the whole-host overview's lifetime: screen, subscription, recording, and the one shutdown path (bpftrace first).
import type { Widgets } from 'blessed';
import type { Observable, Subscription } from 'rxjs';
import { messageOf } from '../errors.js';
import type { HostSnapshot } from '../model/host-snapshot.js';
import type { SessionInfo } from '../model/session.js';
import { SIGNAL_EXIT_CODES, createInterrupter, onTermSignals } from '../shutdown.js';
import { noColorRequested } from './dashboard.js';
import { createOverview, type Overview } from './overview.js';
import { createTerminalScreen } from './run.js';
import { stopSession } from './stop-session.js';

/** What the overview needs of a whole-host session (live or replayed). */
export interface HostSessionLike {
  info: SessionInfo;
  snapshots$: Observable<HostSnapshot>;
  stop(): Promise<void>;
}

export interface RunOverviewOptions {
  /** `r`: starts recording (resolves to the file) or stops it (resolves to undefined). */
  toggleRecording?: () => Promise<string | undefined>;
  /** `R`: save the flight recorder's ring now (only with --on-alert). */
  saveRing?: () => void;
  startRecording?: boolean;
  /** Called once with the overview: wire alerts here (overview.pushAlert). */
  onOverview?: (overview: Overview) => void;
  /** Quit when the snapshot stream completes (--duration). */
  exitOnEnd?: boolean;
  screen?: Widgets.Screen;
  color?: boolean;
  handleSignals?: boolean;
  forceExit?: (code: number) => void;
  stopTimeoutMs?: number;
}

/** Runs the overview until q (0), a signal (128+n) or a session failure (rejects after cleanup). */
export function runOverview(session: HostSessionLike, opts: RunOverviewOptions = {}): Promise<number> {
  const ownScreen = opts.screen === undefined;
  const screen = opts.screen ?? createTerminalScreen();
  const forceExit = opts.forceExit ?? ((code: number) => process.exit(code));
  let sub: Subscription | undefined;
  let recording: string | undefined;
  let finishing = false;

  return new Promise<number>((resolve, reject) => {
    const finish = (code: number, error?: unknown): void => {
      if (finishing) return;
      finishing = true;
      void (async () => {
        sub?.unsubscribe();
        overview.setMessage('stopping…');
        overview.flush();
        const stopError = await stopSession(() => session.stop(), opts.stopTimeoutMs ?? 10_000);
        if (recording !== undefined && opts.toggleRecording) await opts.toggleRecording().catch(() => undefined);
        overview.destroy();
        if (ownScreen) screen.destroy();
        removeSignals();
        const failure = error ?? stopError;
        if (failure !== undefined && (error !== undefined || code === 0)) reject(failure);
        else resolve(code);
      })();
    };
    const force = (code: number): void => {
      overview.destroy();
      if (ownScreen) screen.destroy();
      removeSignals();
      forceExit(code);
    };
    const interrupter = createInterrupter(
      (code) => finish(code),
      (code) => force(code),
    );
    const interrupt = (code: number): void => {
      if (finishing) interrupter.markStopping();
      interrupter.interrupt(code);
    };
    const removeSignals = (opts.handleSignals ?? ownScreen) ? onTermSignals(interrupt) : (): void => undefined;

    const toggleRec = (): void => {
      const toggle = opts.toggleRecording;
      if (!toggle || finishing) return;
      toggle().then(
        (path) => {
          const stopped = recording;
          recording = path;
          overview.setRecording(path);
          overview.setMessage(path === undefined ? `recording stopped: ${stopped ?? 'file closed'}` : undefined);
        },
        (err: unknown) => overview.setMessage(`recording: ${messageOf(err)}`),
      );
    };

    const overview: Overview = createOverview({
      screen,
      info: session.info,
      color: opts.color ?? !noColorRequested(),
      handlers: {
        quit: (reason) => (reason === 'ctrl-c' ? interrupt(SIGNAL_EXIT_CODES.SIGINT) : finish(0)),
        ...(opts.toggleRecording ? { toggleRecording: () => toggleRec() } : {}),
        ...(opts.saveRing ? { saveRing: () => opts.saveRing?.() } : {}),
      },
    });
    opts.onOverview?.(overview);
    sub = session.snapshots$.subscribe({
      next: (h) => overview.update(h),
      error: (err: unknown) => finish(0, err),
      complete: () => {
        if (finishing) return;
        if (opts.exitOnEnd) finish(0);
        else
          overview.setEnded(
            session.info.mode === 'replay' ? 'replay finished — q to quit' : 'session ended — q to quit',
          );
      },
    });
    if (opts.startRecording) toggleRec();
  });
}
