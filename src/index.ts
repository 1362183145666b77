// The library API: everything the CLI does, as typed Observables (start on subscribe, stop bpftrace on unsubscribe).
// Node's types are part of the API (streams, NodeJS.*): the package depends on @types/node and references it, so a
// consumer without its own @types/node type-checks.
/// <reference types="node" preserve="true" />
import { Observable, from, switchMap } from 'rxjs';
import { startSession, type LiveSessionOptions } from './session/live.js';
import type { Snapshot } from './model/snapshot.js';
import type { Session } from './model/session.js';
import { replaySession, type ReplayOptions } from './session/replay.js';
import { collectSysctlReport, type SysctlReport } from './diagnose/sysctl-report.js';

export type { Snapshot, SnapshotEvents, Mode, SysctlChange } from './model/snapshot.js';
export type { Finding, Severity, SysctlRef } from './model/finding.js';
export type { HostSample, Listener, OwnerCount, NetnsRef, NetnsOwner, OwnerRuntime } from './model/host-sample.js';
export type { RawInput } from './model/inputs.js';
export type {
  Session,
  SessionInfo,
  LiveSession,
  SessionDescription,
  ReplayControl,
  ReplayState,
} from './model/session.js';
export type { SysctlReport, SysctlEntry } from './diagnose/sysctl-report.js';
export { startSession, type SessionOptions, type LiveSessionOptions } from './session/live.js';
export type { SessionServices, PipelineServices } from './session/wiring.js';
export { TcpscopeError, ExitCode } from './errors.js';
export { runDoctor, type DoctorReport } from './kernel/doctor.js';
export { createDiagnoser, RULES } from './diagnose/index.js';
export { slidingRates } from './pipeline/rates.js';
export {
  alerts,
  parseAlertFlag,
  loadAlerts,
  builtinRules,
  createAlertEngine,
  createExecAction,
  createWebhookAction,
  createNdjsonAction,
  combineActions,
  type AlertEvent,
  type AlertRule,
  type AlertAction,
} from './alert/index.js';
export { createMetrics, startExporter } from './export/index.js';
export { createRecorder, renderReport, type Recorder } from './record/index.js';
export { replaySession, type ReplayOptions, type ReplaySession } from './session/replay.js';
export { buildReport } from './session/report.js';
export { listNetns, listNetnsNamed, resolveNetns } from './kernel/netns/index.js';
export { createNetnsNamer, ownerLabel, netnsDisplayName, type NetnsNamer } from './kernel/runtimes/index.js';
export {
  buildPlan,
  renderAdvice,
  ProfileSet,
  type AdviceReport,
  type Plan,
  type Advice,
  type WorkloadProfile,
} from './advise/index.js';
export { adviseRecordings, adviseSession } from './session/advise.js';

export type WatchOptions = Partial<LiveSessionOptions>;

/** Runs a session for as long as the Observable is subscribed; unsubscribing stops it (bpftrace first). */
function sessionSnapshots(start: () => Promise<Session>): Observable<Snapshot> {
  return new Observable<Snapshot>((subscriber) => {
    let session: Session | undefined;
    let cancelled = false;
    start().then(
      (s) => {
        session = s;
        if (cancelled) void s.stop();
        else s.snapshots$.subscribe(subscriber);
      },
      (err: unknown) => subscriber.error(err),
    );
    return () => {
      cancelled = true;
      void session?.stop();
    };
  });
}

/** Live snapshots of a netns (default: tcpscope's own), one per interval. */
export function watch(opts: WatchOptions = {}): Observable<Snapshot> {
  return sessionSnapshots(() => startSession({ intervalMs: 1000, ...opts }));
}

/** Snapshots of a recording, run through today's pipeline and rules (default: as fast as possible). */
export function replay(file: string, opts: Partial<ReplayOptions> = {}): Observable<Snapshot> {
  return sessionSnapshots(() => replaySession(file, { speed: 'max', ...opts }));
}

/** The TCP sysctls of a netns with their defaults, meaning on this kernel and warnings (emits once). */
export function sysctls(opts: { netns?: string } = {}): Observable<SysctlReport> {
  return from(Promise.resolve()).pipe(switchMap(() => collectSysctlReport(opts.netns)));
}
