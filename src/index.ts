// The library API: everything the CLI does, as typed Observables (start on subscribe, stop bpftrace on unsubscribe).
import { Observable } from 'rxjs';
import { startSession, type SessionOptions } from './pipeline/session.js';
import type { Snapshot } from './pipeline/snapshot.js';

export type { Snapshot, SnapshotEvents, Mode, SysctlChange } from './pipeline/snapshot.js';
export type { Finding, Severity, SysctlRef } from './diagnose/finding.js';
export type { HostSample, Listener, OwnerCount, NetnsRef } from './kernel/host/sample.js';
export type { RawInput } from './pipeline/inputs.js';
export type { Session, SessionInfo, LiveSession, SessionDescription } from './pipeline/session-types.js';
export { startSession, type SessionOptions } from './pipeline/session.js';
export { TcpscopeError, ExitCode } from './errors.js';
export { runDoctor, type DoctorReport } from './kernel/doctor.js';

export interface WatchOptions extends Partial<SessionOptions> {}

/** Live snapshots of a netns (default: tcpscope's own), one per interval; unsubscribing stops bpftrace. */
export function watch(opts: WatchOptions = {}): Observable<Snapshot> {
  return new Observable<Snapshot>((subscriber) => {
    let stop: (() => Promise<void>) | undefined;
    let cancelled = false;
    startSession({ intervalMs: 1000, ...opts }).then(
      (session) => {
        stop = () => session.stop();
        if (cancelled) {
          void session.stop();
          return;
        }
        session.snapshots$.subscribe(subscriber);
      },
      (err: unknown) => subscriber.error(err),
    );
    return () => {
      cancelled = true;
      void stop?.();
    };
  });
}
