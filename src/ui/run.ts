// Owns the dashboard's lifetime: screen, subscription, restarts, and the one shutdown path (bpftrace stopped first).
import blessed from 'blessed';
import type { Widgets } from 'blessed';
import type { Subscription } from 'rxjs';
import { messageOf } from '../errors.js';
import { stopSession } from './stop-session.js';
import type { Session } from '../model/session.js';
import { SIGNAL_EXIT_CODES, createInterrupter, onTermSignals } from '../shutdown.js';
import { createDashboard, noColorRequested, type Dashboard, type NetnsChoice } from './dashboard.js';

/** Full settings of a restarted session (the current ones with one changed). */
export interface SessionChange {
  port: number | undefined;
  netns: string | undefined;
}

export interface RunDashboardOptions {
  /** Starts a session with other settings (`/` port filter, `n` netns). Without it those keys say "not available". */
  restart?: (change: SessionChange) => Promise<Session>;
  listNetns?: () => Promise<NetnsChoice[]>;
  /** `r`: starts recording `session` (resolves to the file) or stops it (resolves to undefined). */
  toggleRecording?: (session: Session) => Promise<string | undefined>;
  /** `R`: save the flight recorder's ring of `session` now (only with --on-alert). */
  saveRing?: (session: Session) => void;
  /** Start recording at once (through toggleRecording). */
  startRecording?: boolean;
  /** Called with the dashboard and each (re)started session: wire the alert engine here (dashboard.pushAlert). */
  onSession?: (session: Session, dashboard: Dashboard) => void;
  /** Quit when the snapshot stream completes (--duration); otherwise the header says "ended" and q quits. */
  exitOnEnd?: boolean;
  /** A screen to draw on (tests); default: the terminal. */
  screen?: Widgets.Screen;
  color?: boolean;
  /** Install SIGINT/SIGTERM/SIGHUP handlers (default: true when the screen is ours). */
  handleSignals?: boolean;
  /** Called on a forced exit (second Ctrl-C / signal); default process.exit. */
  forceExit?: (code: number) => void;
  /** Longest wait for session.stop() before restoring the terminal anyway (default 10 s). */
  stopTimeoutMs?: number;
}

/** A screen on the real terminal, with blessed's own exit-on-signal handlers removed (ours stop bpftrace first). */
export function createTerminalScreen(): Widgets.Screen {
  const before = new Map((['SIGINT', 'SIGTERM', 'SIGQUIT'] as const).map((s) => [s, new Set(process.listeners(s))]));
  const screen = blessed.screen({
    smartCSR: true,
    title: 'tcpscope',
    warnings: false,
    autoPadding: true,
    ignoreLocked: ['C-c'],
    fullUnicode: false,
    // Box drawing as Unicode like the sparklines (not the ACS fallback blessed picks when LANG lacks UTF-8).
    forceUnicode: true,
  });
  // Sparklines and bars are Unicode anyway: draw borders in Unicode too instead of the terminal's ACS line set, which
  // shows as "lqqk" in tmux captures and on terminals with a wrong terminfo (NCURSES_NO_UTF8_ACS=1 does the same).
  const tput: object = screen.tput;
  if ('brokenACS' in tput) Object.assign(tput, { brokenACS: true });
  for (const [sig, had] of before) {
    for (const l of process.listeners(sig)) if (!had.has(l)) process.removeListener(sig, l);
  }
  return screen;
}

/**
 * Runs the dashboard on `session` until the user quits (resolves 0), a signal arrives (128+n), or the session fails
 * (rejects with its error after cleanup). Always: session.stop() first, then the terminal is restored.
 */
export function runDashboard(session: Session, opts: RunDashboardOptions = {}): Promise<number> {
  const ownScreen = opts.screen === undefined;
  const screen = opts.screen ?? createTerminalScreen();
  const forceExit = opts.forceExit ?? ((code: number) => process.exit(code));
  const handleSignals = opts.handleSignals ?? ownScreen;
  let current = session;
  let sub: Subscription | undefined;
  let recording: string | undefined;
  let restarting = false;
  let finishing: Promise<void> | undefined;

  return new Promise<number>((resolve, reject) => {
    const finish = (code: number, error?: unknown): void => {
      if (finishing) return;
      finishing = (async () => {
        sub?.unsubscribe();
        dashboard.setMessage('stopping…');
        dashboard.flush();
        const stopError = await stopSession(() => current.stop(), opts.stopTimeoutMs ?? 10_000);
        if (recording !== undefined && opts.toggleRecording) await opts.toggleRecording(current).catch(() => undefined);
        dashboard.destroy();
        if (ownScreen) screen.destroy();
        removeSignals();
        const failure = error ?? stopError;
        if (failure !== undefined && error !== undefined) reject(failure);
        else if (failure !== undefined && code === 0) reject(failure);
        else resolve(code);
      })();
    };

    const force = (code: number): void => {
      dashboard.destroy();
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
    const removeSignals = handleSignals ? onTermSignals(interrupt) : (): void => undefined;

    const attach = (s: Session): void => {
      current = s;
      sub = s.snapshots$.subscribe({
        next: (snap) => dashboard.update(snap),
        error: (err: unknown) => finish(0, err),
        complete: () => {
          if (restarting || finishing || current !== s) return;
          if (opts.exitOnEnd) finish(0);
          else
            dashboard.setEnded(s.info.mode === 'replay' ? 'replay finished — q to quit' : 'session ended — q to quit');
        },
      });
      opts.onSession?.(s, dashboard);
    };

    const restartWith = (change: SessionChange): void => {
      const restart = opts.restart;
      if (!restart || restarting || finishing) return;
      restarting = true;
      const previous: SessionChange = {
        port: current.info.port,
        netns: current.info.netns.name ?? (current.info.netns.owner ? String(current.info.netns.inode) : undefined),
      };
      void (async () => {
        sub?.unsubscribe();
        if (recording !== undefined && opts.toggleRecording) {
          recording = await opts.toggleRecording(current).catch(() => undefined);
          dashboard.setRecording(recording);
        }
        await current.stop();
        let next: Session;
        try {
          next = await restart(change);
          dashboard.setMessage(undefined);
        } catch (err) {
          dashboard.setMessage(`cannot restart: ${messageOf(err)}`);
          next = await restart(previous);
        }
        if (finishing) {
          await next.stop();
          return;
        }
        dashboard.setInfo(next.info);
        attach(next);
      })()
        .catch((err: unknown) => finish(0, err))
        .finally(() => {
          restarting = false;
        });
    };

    const toggleRec = (): void => {
      const toggle = opts.toggleRecording;
      if (!toggle || restarting || finishing) return;
      toggle(current).then(
        (path) => {
          // Stopping names the file that was written (issue 13 item 18): the header no longer shows it.
          const stopped = recording;
          recording = path;
          dashboard.setRecording(path);
          dashboard.setMessage(path === undefined ? `recording stopped: ${stopped ?? 'file closed'}` : undefined);
        },
        (err: unknown) => dashboard.setMessage(`recording: ${messageOf(err)}`),
      );
    };

    const dashboard: Dashboard = createDashboard({
      screen,
      info: session.info,
      color: opts.color ?? !noColorRequested(),
      handlers: {
        quit: (reason) =>
          reason === 'ctrl-c' ? interrupt(SIGNAL_EXIT_CODES.SIGINT) : finishing ? undefined : finish(0),
        ...(opts.restart
          ? {
              setPort: (port: number | undefined) =>
                restartWith({
                  port,
                  netns:
                    current.info.netns.name ??
                    (current.info.netns.owner ? String(current.info.netns.inode) : undefined),
                }),
              setNetns: (choice: NetnsChoice) => restartWith({ port: current.info.port, netns: choice.name }),
            }
          : {}),
        ...(opts.listNetns ? { listNetns: opts.listNetns } : {}),
        ...(opts.toggleRecording ? { toggleRecording: () => toggleRec() } : {}),
        ...(opts.saveRing ? { saveRing: () => opts.saveRing?.(current) } : {}),
        ...(session.replay ? { replay: session.replay } : {}),
      },
    });
    attach(session);
    if (opts.startRecording) toggleRec();
  });
}
