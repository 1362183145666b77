// One lifetime for both full-screen views (dashboard, overview): the `r` recording toggle and the one shutdown path,
// the session stopped first (bpftrace), then the recording closed, then the terminal restored.
import type { Widgets } from 'blessed';
import { messageOf } from '../errors.js';
import { createInterrupter, onTermSignals } from '../shutdown.js';
import { stopSession } from './stop-session.js';
import { createTerminalScreen } from './terminal-screen.js';

/** What the lifetime drives of a view. */
export interface LifetimeView {
  setMessage(text: string | undefined): void;
  setRecording(path: string | undefined): void;
  flush(): void;
  destroy(): void;
}

/** The options of a full-screen run that are the lifetime's. */
export interface ScreenRunOptions {
  /** A screen to draw on (tests, left to the caller); default: the terminal, destroyed at the end. */
  screen?: Widgets.Screen;
  /** Install SIGINT/SIGTERM/SIGHUP handlers (default: true when the screen is ours). */
  handleSignals?: boolean;
  /** Called on a forced exit (second Ctrl-C / signal); default process.exit. */
  forceExit?: (code: number) => void;
  /** Longest wait for stop() before restoring the terminal anyway (default 10 s). */
  stopTimeoutMs?: number;
}

/** What the lifetime drives: the view, the session on screen, its recording and the run's outcome. */
export interface LifetimeParts {
  /** The view (created after the lifetime: its keys call finish and interrupt). */
  view(): LifetimeView;
  /** Drops the view's subscription: the first step of the shutdown. */
  detach(): void;
  /** Stops the session on screen. */
  stop(): Promise<void>;
  /** Starts recording the session on screen (resolves to the file) or stops it (resolves to undefined). */
  toggleRecording?: (() => Promise<string | undefined>) | undefined;
  /** Settles the run: the exit code, or the session's failure. */
  resolve(code: number): void;
  reject(err: unknown): void;
}

export interface ViewLifetime {
  readonly screen: Widgets.Screen;
  readonly finishing: boolean;
  /** Once: detach, stop (bounded), close the recording, destroy the view (and our screen), then settle the run. */
  finish(code: number, error?: unknown): void;
  /** The first interrupt finishes with `code`; another one, or one while finishing, forces the exit. */
  interrupt(code: number): void;
  /** `r`: starts or stops recording and says so (nothing without toggleRecording or while finishing). */
  toggleRecording(): void;
  /** Stops a running recording (before a restart). */
  closeRecording(): Promise<void>;
}

export function createViewLifetime(run: ScreenRunOptions, o: LifetimeParts): ViewLifetime {
  const ownScreen = run.screen === undefined;
  const screen = run.screen ?? createTerminalScreen();
  const forceExit = run.forceExit ?? ((code: number) => process.exit(code));
  let recording: string | undefined;
  let finishing = false;

  const finish = (code: number, error?: unknown): void => {
    if (finishing) return;
    finishing = true;
    void (async () => {
      o.detach();
      o.view().setMessage('stopping…');
      o.view().flush();
      const stopError = await stopSession(() => o.stop(), run.stopTimeoutMs ?? 10_000);
      if (recording !== undefined && o.toggleRecording) await o.toggleRecording().catch(() => undefined);
      o.view().destroy();
      if (ownScreen) screen.destroy();
      removeSignals();
      const failure = error ?? stopError;
      if (failure !== undefined && (error !== undefined || code === 0)) o.reject(failure);
      else o.resolve(code);
    })();
  };
  const force = (code: number): void => {
    o.view().destroy();
    if (ownScreen) screen.destroy();
    removeSignals();
    forceExit(code);
  };
  // The first interrupt stops cleanly; one more while stopping (a second Ctrl-C or signal) forces the exit.
  const interrupter = createInterrupter(
    (code) => finish(code),
    (code) => force(code),
  );
  const interrupt = (code: number): void => {
    if (finishing) interrupter.markStopping();
    interrupter.interrupt(code);
  };
  const removeSignals = (run.handleSignals ?? ownScreen) ? onTermSignals(interrupt) : (): void => undefined;

  return {
    screen,
    get finishing() {
      return finishing;
    },
    finish,
    interrupt,
    toggleRecording: () => {
      const toggle = o.toggleRecording;
      if (!toggle || finishing) return;
      toggle().then(
        (path) => {
          // Stopping names the file that was written (issue 13 item 18): the header no longer shows it.
          const stopped = recording;
          recording = path;
          o.view().setRecording(path);
          o.view().setMessage(path === undefined ? `recording stopped: ${stopped ?? 'file closed'}` : undefined);
        },
        (err: unknown) => o.view().setMessage(`recording: ${messageOf(err)}`),
      );
    },
    closeRecording: async () => {
      if (recording === undefined || !o.toggleRecording) return;
      recording = await o.toggleRecording().catch(() => undefined);
      o.view().setRecording(recording);
    },
  };
}
