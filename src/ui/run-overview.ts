// Owns the whole-host overview's lifetime: screen, subscription, recording, and the one shutdown path (bpftrace first).
import type { Observable, Subscription } from 'rxjs';
import type { HostSnapshot } from '../model/host-snapshot.js';
import type { SessionInfo } from '../model/session.js';
import { SIGNAL_EXIT_CODES } from '../shutdown.js';
import { noColorRequested } from './dashboard.js';
import { createOverview, type Overview } from './overview.js';
import { createViewLifetime, type ScreenRunOptions } from './view-lifetime.js';

/** What the overview needs of a whole-host session (live or replayed). */
export interface HostSessionLike {
  info: SessionInfo;
  snapshots$: Observable<HostSnapshot>;
  stop(): Promise<void>;
}

export interface RunOverviewOptions extends ScreenRunOptions {
  /** `r`: starts recording (resolves to the file) or stops it (resolves to undefined). */
  toggleRecording?: () => Promise<string | undefined>;
  /** `R`: save the flight recorder's ring now (only with --on-alert). */
  saveRing?: () => void;
  startRecording?: boolean;
  /** Called once with the overview: wire alerts here (overview.pushAlert). */
  onOverview?: (overview: Overview) => void;
  /** Quit when the snapshot stream completes (--duration). */
  exitOnEnd?: boolean;
  color?: boolean;
}

/** Runs the overview until q (0), a signal (128+n) or a session failure (rejects after cleanup). */
export function runOverview(session: HostSessionLike, opts: RunOverviewOptions = {}): Promise<number> {
  let sub: Subscription | undefined;

  return new Promise<number>((resolve, reject) => {
    const life = createViewLifetime(opts, {
      view: () => overview,
      detach: () => sub?.unsubscribe(),
      stop: () => session.stop(),
      toggleRecording: opts.toggleRecording,
      resolve,
      reject,
    });

    const overview: Overview = createOverview({
      screen: life.screen,
      info: session.info,
      color: opts.color ?? !noColorRequested(),
      handlers: {
        quit: (reason) => (reason === 'ctrl-c' ? life.interrupt(SIGNAL_EXIT_CODES.SIGINT) : life.finish(0)),
        ...(opts.toggleRecording ? { toggleRecording: () => life.toggleRecording() } : {}),
        ...(opts.saveRing ? { saveRing: () => opts.saveRing?.() } : {}),
      },
    });
    opts.onOverview?.(overview);
    sub = session.snapshots$.subscribe({
      next: (h) => overview.update(h),
      error: (err: unknown) => life.finish(0, err),
      complete: () => {
        if (life.finishing) return;
        if (opts.exitOnEnd) life.finish(0);
        else
          overview.setEnded(
            session.info.mode === 'replay' ? 'replay finished — q to quit' : 'session ended — q to quit',
          );
      },
    });
    if (opts.startRecording) life.toggleRecording();
  });
}
