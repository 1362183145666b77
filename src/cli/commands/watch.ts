// `tcpscope watch`: headless live view, one human line or one NDJSON Snapshot per interval.
import { evaluateAlerts } from '../live-alerts.js';
import type { Command } from 'commander';
import { EMPTY, lastValueFrom, mergeMap, of, defaultIfEmpty, from, concatMap, type Observable } from 'rxjs';
import { createAlertEngine, type AlertEngine } from '../../alert/index.js';
import { ExitCode } from '../../errors.js';
import type { HostSnapshot } from '../../model/host-snapshot.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { FlightSource } from '../../record/flight.js';
import { addAlertOptions, alertLine, alertSetup, type AlertFlags, type AlertSetup } from '../alert-flags.js';
import { startSession } from '../../session/live.js';
import { startWholeHostSession } from '../../session/wholehost.js';
import { hostWatchLines } from '../host-watch-line.js';
import { addSessionOptions, sessionOptionsFrom, type SessionFlags } from '../session-flags.js';
import { watchLine } from '../watch-line.js';
import { onShutdown } from '../shutdown.js';
import { addFlightOptions, flightSetup, startFlight, type FlightFlags, type FlightSetup } from '../flight-flags.js';

export interface WatchFlags extends AlertFlags, SessionFlags, FlightFlags {
  json?: boolean;
}

export function registerWatch(program: Command): void {
  const cmd = addSessionOptions(program.command('watch'))
    .description('headless live view: one line (or one JSON Snapshot with --json) per interval, findings included')
    .option('--json', 'NDJSON snapshots on stdout (messages go to stderr)')
    .addHelpText(
      'after',
      `
Examples:
  sudo tcpscope watch                                  # every netns: host totals + the most troubled ones
  sudo tcpscope watch --json --duration 30s > s.ndjson # 30 whole-host snapshots as NDJSON
  sudo tcpscope watch --netns self                     # only the host netns (single-netns snapshots)
  sudo tcpscope watch --netns web1 --port 8080         # one container, one port
  tcpscope watch --procfs --interval 5s                # no root: counters and socket table only
  sudo tcpscope watch --alerts builtin --webhook http://127.0.0.1:9000/hook
  sudo tcpscope watch --netns web1 --duration 60s --alert 'rate(TcpExtListenOverflows) > 1/s for 2s' --exit-on-alert  # exit 1 on overflows
  sudo tcpscope watch --alert 'census.CLOSE_WAIT > 500' --exec /usr/local/bin/page-oncall --team net`,
    );
  addFlightOptions(addAlertOptions(cmd)).action(async (flags: WatchFlags) => {
    const sessionOpts = sessionOptionsFrom(flags);
    const alerting = await alertSetup(flags);
    const flightOpts = flightSetup(flags, alerting.rules.length);
    const engine = alerting.rules.length > 0 ? createAlertEngine(alerting.rules) : undefined;
    const setup = { json: flags.json === true, alerting, engine, flightOpts };
    // No --netns: every namespace at once (one whole-host snapshot per interval, alerts per netns); the flight
    // recorder's incidents then hold every netns (the whole host's raw inputs).
    if (flags.netns === undefined) await watchLive(await startWholeHostSession(sessionOpts), hostWatchLines, setup);
    else await watchLive(await startSession(sessionOpts), watchLine, setup);
  });
}

/** What watch needs of a live session, one netns or the whole host. */
type WatchedSession<S> = FlightSource & {
  snapshots$: Observable<S>;
  attached$?: Observable<number> | undefined;
  stop(): Promise<void>;
};

interface WatchSetup {
  json: boolean;
  alerting: AlertSetup;
  engine: AlertEngine | undefined;
  flightOpts: FlightSetup | undefined;
}

/** One line (or one JSON snapshot) per interval, each followed by the alert changes it caused, until the end. */
async function watchLive<S extends Snapshot | HostSnapshot>(
  session: WatchedSession<S>,
  line: (s: S) => string,
  w: WatchSetup,
): Promise<void> {
  const { alerting, engine } = w;
  let fired = false;
  const flight = w.flightOpts
    ? startFlight(w.flightOpts, session, (l) => process.stderr.write(`tcpscope: ${l}\n`))
    : undefined;
  // Ctrl-C: bpftrace first, then the flight recorder, then the pending alert deliveries (their grace, "dropped N").
  const off = onShutdown(async () => {
    await session.stop();
    await flight?.stop();
    await alerting.action?.close();
  });
  if (session.info.mode === 'procfs')
    process.stderr.write(`tcpscope: procfs mode (${session.info.modeReason ?? ''})\n`);
  // Tracing really starts here (bpftrace parses BTF first: seconds on a busy host); scripts wait for this line.
  let attaches = 0;
  const attachedSub = session.attached$?.subscribe((n) => {
    process.stderr.write(`tcpscope: eBPF probes ${attaches++ === 0 ? 'attached' : 're-attached'} (${n} probes)\n`);
  });
  try {
    // Snapshots are written in order; alert changes follow the snapshot that caused them.
    await lastValueFrom(
      session.snapshots$.pipe(
        concatMap((s) => {
          process.stdout.write(w.json ? `${JSON.stringify(s)}\n` : `${line(s)}\n`);
          for (const e of engine ? evaluateAlerts(engine, s) : []) {
            process.stdout.write(w.json ? `${JSON.stringify(e)}\n` : `${alertLine(e)}\n`);
            alerting.action?.handle(e);
            flight?.alert(e);
            if (e.state === 'firing') fired = true;
          }
          return alerting.exitOnAlert && fired ? of('stop' as const) : EMPTY;
        }),
        mergeMap((v) => (v === 'stop' ? from(session.stop()) : EMPTY)),
        defaultIfEmpty(undefined),
      ),
    );
    if (alerting.exitOnAlert) process.exitCode = fired ? ExitCode.alertFired : ExitCode.ok;
  } finally {
    attachedSub?.unsubscribe();
    // The signal handlers stay until bpftrace is stopped: a Ctrl-C during this cleanup must not kill us mid-way.
    try {
      await session.stop();
      await flight?.stop();
      await alerting.action?.close();
    } finally {
      off();
    }
  }
}
