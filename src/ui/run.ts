// Owns the dashboard's lifetime: screen, subscription, restarts, and the one shutdown path (bpftrace stopped first).
import type { Subscription } from 'rxjs';
import { messageOf } from '../errors.js';
import type { Session } from '../model/session.js';
import { SIGNAL_EXIT_CODES } from '../shutdown.js';
import { createDashboard, noColorRequested, type Dashboard, type NetnsChoice } from './dashboard.js';
import { createViewLifetime, type ScreenRunOptions } from './view-lifetime.js';

/** Full settings of a restarted session (the current ones with one changed). */
export interface SessionChange {
  port: number | undefined;
  netns: string | undefined;
}

export interface RunDashboardOptions extends ScreenRunOptions {
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
  color?: boolean;
}

/**
 * Runs the dashboard on `session` until the user quits (resolves 0), a signal arrives (128+n), or the session fails
 * (rejects with its error after cleanup). Always: session.stop() first, then the terminal is restored.
 */
export function runDashboard(session: Session, opts: RunDashboardOptions = {}): Promise<number> {
  let current = session;
  let sub: Subscription | undefined;
  let restarting = false;

  return new Promise<number>((resolve, reject) => {
    const toggle = opts.toggleRecording;
    const life = createViewLifetime(opts, {
      view: () => dashboard,
      detach: () => sub?.unsubscribe(),
      stop: () => current.stop(),
      toggleRecording: toggle ? () => toggle(current) : undefined,
      resolve,
      reject,
    });

    const attach = (s: Session): void => {
      current = s;
      sub = s.snapshots$.subscribe({
        next: (snap) => dashboard.update(snap),
        error: (err: unknown) => life.finish(0, err),
        complete: () => {
          if (restarting || life.finishing || current !== s) return;
          if (opts.exitOnEnd) life.finish(0);
          else
            dashboard.setEnded(s.info.mode === 'replay' ? 'replay finished — q to quit' : 'session ended — q to quit');
        },
      });
      opts.onSession?.(s, dashboard);
    };

    const restartWith = (change: SessionChange): void => {
      const restart = opts.restart;
      if (!restart || restarting || life.finishing) return;
      restarting = true;
      const previous: SessionChange = {
        port: current.info.port,
        netns: current.info.netns.name ?? (current.info.netns.owner ? String(current.info.netns.inode) : undefined),
      };
      void (async () => {
        sub?.unsubscribe();
        await life.closeRecording();
        await current.stop();
        let next: Session;
        try {
          next = await restart(change);
          dashboard.setMessage(undefined);
        } catch (err) {
          dashboard.setMessage(`cannot restart: ${messageOf(err)}`);
          next = await restart(previous);
        }
        if (life.finishing) {
          await next.stop();
          return;
        }
        dashboard.setInfo(next.info);
        attach(next);
      })()
        .catch((err: unknown) => life.finish(0, err))
        .finally(() => {
          restarting = false;
        });
    };

    const toggleRec = (): void => {
      if (!restarting) life.toggleRecording();
    };

    const dashboard: Dashboard = createDashboard({
      screen: life.screen,
      info: session.info,
      color: opts.color ?? !noColorRequested(),
      handlers: {
        quit: (reason) => (reason === 'ctrl-c' ? life.interrupt(SIGNAL_EXIT_CODES.SIGINT) : life.finish(0)),
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
        ...(toggle ? { toggleRecording: () => toggleRec() } : {}),
        ...(opts.saveRing ? { saveRing: () => opts.saveRing?.(current) } : {}),
        ...(session.replay ? { replay: session.replay } : {}),
      },
    });
    attach(session);
    if (opts.startRecording) toggleRec();
  });
}
