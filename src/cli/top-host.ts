// `tcpscope top` without --netns: the whole-host session drawn as the overview (enter opens one netns's dashboard).
import { evaluateAlerts } from './live-alerts.js';
import { createAlertEngine } from '../alert/index.js';
import { createRecorder, type Recorder } from '../record/recorder.js';
import type { FlightRecorder } from '../record/flight.js';
import { startWholeHostSession } from '../session/wholehost.js';
import type { AlertNotice } from '../ui/model/findings.js';
import type { AlertSetup } from './alert-flags.js';
import { startFlight, type FlightSetup } from './flight-flags.js';
import type { sessionOptionsFrom } from './session-flags.js';

export interface TopHostOptions {
  session: ReturnType<typeof sessionOptionsFrom>;
  alerting: AlertSetup;
  flight: FlightSetup | undefined;
  /** --record FILE, else recordings get `defaultPath()`. */
  record: string | undefined;
  defaultPath: () => string;
  /** The alerts log `--exec` output goes to while the overview owns the terminal (undefined once it is gone). */
  attach: (sink: { pushAlert(a: AlertNotice): void } | undefined) => void;
}

/** Runs the overview on a whole-host session; resolves to the exit code. */
export async function topWholeHost(o: TopHostOptions): Promise<number> {
  const ui = import('../ui/run-overview.js');
  const session = await startWholeHostSession(o.session);
  let recorder: Recorder | undefined;
  let firstPath = o.record;
  const toggleRecording = async (): Promise<string | undefined> => {
    if (recorder) {
      const r = recorder;
      recorder = undefined;
      await r.stop();
      return undefined;
    }
    recorder = createRecorder(session, { path: firstPath ?? o.defaultPath(), stopSessionOnError: false });
    firstPath = undefined;
    return recorder.path;
  };
  // The flight recorder's incidents hold every netns (the whole host's raw inputs), as with `watch`.
  let say = (_line: string): void => undefined;
  const flight: FlightRecorder | undefined = o.flight ? startFlight(o.flight, session, (l) => say(l)) : undefined;
  const engine = o.alerting.rules.length > 0 ? createAlertEngine(o.alerting.rules) : undefined;
  const { runOverview } = await ui;
  try {
    return await runOverview(session, {
      exitOnEnd: o.session.durationMs !== undefined,
      toggleRecording,
      startRecording: o.record !== undefined,
      ...(flight ? { saveRing: () => flight.save('manual') } : {}),
      onOverview: (overview) => {
        o.attach(overview);
        say = (line) => overview.setMessage(line);
        if (flight) flight.incidents$.subscribe((i) => overview.setMessage(`incident saved: ${i.path}`));
        if (!engine) return;
        // Alerts evaluate each netns's own snapshot, as `watch` does; each event names its netns.
        session.snapshots$.subscribe((h) => {
          for (const e of evaluateAlerts(engine, h)) {
            overview.pushAlert(e);
            recorder?.alert(e.time, e);
            flight?.alert(e);
            o.alerting.action?.handle(e);
          }
        });
      },
    });
  } finally {
    await flight?.stop();
    o.attach(undefined);
    await o.alerting.action?.close();
  }
}
