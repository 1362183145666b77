// RxJS face of the alert engine: snapshots in, alert state changes out (one engine per subscription).
import {
  defer,
  mergeMap,
  takeWhile,
  type MonoTypeOperatorFunction,
  type Observable,
  type OperatorFunction,
} from 'rxjs';
import type { Snapshot } from '../model/snapshot.js';
import { ExitCode } from '../errors.js';
import { createAlertEngine } from './engine.js';
import type { AlertEvent } from './event.js';
import type { AlertRule } from './rule.js';

export function alerts(rules: readonly AlertRule[]): OperatorFunction<Snapshot, AlertEvent> {
  return (source: Observable<Snapshot>) =>
    defer(() => {
      const engine = createAlertEngine(rules);
      return source.pipe(mergeMap((s) => engine.evaluate(s)));
    });
}

/** Exit code of `--exit-on-alert` when an alert fired. */
export const ALERT_EXIT_CODE = ExitCode.alertFired;

/** For `--exit-on-alert`: passes events through and completes right after the first `firing` one. */
export function untilFirstFiring(): MonoTypeOperatorFunction<AlertEvent> {
  return takeWhile((e: AlertEvent) => e.state !== 'firing', true);
}

/** Exit code for a run that saw these events with --exit-on-alert: 1 if any fired, else 0. */
export function exitCodeForAlerts(events: readonly AlertEvent[]): number {
  return events.some((e) => e.state === 'firing') ? ALERT_EXIT_CODE : ExitCode.ok;
}
