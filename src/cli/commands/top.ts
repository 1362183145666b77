// `tcpscope top` (the default command): the live dashboard, with port/netns restarts and recording wired in.
import type { Command } from 'commander';
import { listNetnsNamed } from '../../kernel/netns/index.js';
import { ownerSelector } from '../../kernel/runtimes/label.js';
import type { NetnsOwner } from '../../model/host-sample.js';
import { startSession } from '../../session/live.js';
import type { LiveSession, Session } from '../../model/session.js';
import { createRecorder, type Recorder } from '../../record/recorder.js';
import { assertTerminal } from '../../ui/terminal.js';
import { addSessionOptions, sessionOptionsFrom, type SessionFlags } from '../session-flags.js';
import { alerts } from '../../alert/index.js';
import { addAlertOptions, alertSetup, type AlertFlags } from '../alert-flags.js';
import { addFlightOptions, flightSetup, startFlight, type FlightFlags } from '../flight-flags.js';
import type { FlightRecorder } from '../../record/flight.js';
import type { AlertNotice } from '../../ui/model/findings.js';
import type { NetnsChoice } from '../../ui/dashboard.js';

export interface TopFlags extends AlertFlags, SessionFlags, FlightFlags {
  record?: string;
}

const isLive = (s: Session): s is LiveSession => 'inputs$' in s && 'describe' in s;

/** `tcpscope-20261121-030405.ndjson` in the current directory. */
export function defaultRecordingPath(now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `tcpscope-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}.ndjson`;
}

/** The `n` list: the host's own netns (tcpscope's) first, so it is always a way back, then the named ones. */
export function netnsChoices(
  all: readonly { inode: number; names: string[]; isSelf: boolean; owner?: NetnsOwner | undefined }[],
): NetnsChoice[] {
  const self = all.find((n) => n.isSelf);
  const named = all
    .filter((n) => (n.names.length > 0 || n.owner !== undefined) && !n.isSelf)
    .map((n) => ({ name: n.owner ? ownerSelector(n.owner) : n.names[0]!, inode: n.inode }));
  return self ? [{ name: String(self.inode), label: 'host (this netns)', inode: self.inode }, ...named] : named;
}

export function registerTop(program: Command): void {
  const cmd = addSessionOptions(program.command('top', { isDefault: true }), {
    duration: 'quit after this long (default: until q)',
    port: 'only sockets with this local or remote port (also: / in the dashboard)',
  })
    .description(
      'live dashboard (the default command): without --netns an overview of every netns ranked by trouble, enter opens one; with --netns rates, queues, socket states, sysctls and findings of that netns',
    )
    .option('--record <file>', 'record the session from the start (r toggles recording in the dashboard)')
    .addHelpText(
      'after',
      `
Keys (no --netns, the overview of every netns): ↑↓ select · enter open its dashboard · esc back · / filter by name · r record · R save ring · ? help · q quit
Keys (one netns): q quit · p pause · tab focus · enter details · / port filter · n netns · r record · R save ring · s sysctls · t transitions · l latency · ↑↓ select, scroll popups · ? help

Examples:
  sudo tcpscope                        # every netns of this host ranked by trouble; enter opens one, esc back
  sudo tcpscope top --netns self       # only the host's own netns (the single-netns dashboard)
  sudo tcpscope top --netns web1       # one container / named netns
  sudo tcpscope top --port 8080        # one port, in every netns
  tcpscope top --procfs                # no root: counters, socket table and sysctls
  NO_COLOR=1 sudo tcpscope             # no colours
  sudo tcpscope --alerts builtin       # Netdata-like TCP alarms, evaluated per netns
  sudo tcpscope --alerts builtin --on-alert /var/lib/tcpscope/incidents   # + flight recorder (R saves the ring)`,
    );
  addFlightOptions(addAlertOptions(cmd)).action(async (flags: TopFlags) => {
    const sessionOpts = sessionOptionsFrom(flags);
    const { durationMs, port } = sessionOpts;
    // --exec output belongs in the alerts log: a command writing to the terminal would tear the dashboard.
    let dash: { pushAlert(a: AlertNotice): void } | undefined;
    const alerting = await alertSetup(flags, {
      execOutput: (line) => {
        if (dash) dash.pushAlert({ time: Date.now(), severity: 'info', name: 'exec', message: `--exec: ${line}` });
        else process.stderr.write(`tcpscope: --exec: ${line}\n`);
      },
    });
    const flightOpts = flightSetup(flags, alerting.rules.length);
    assertTerminal();
    // No --netns: every namespace at once, as the overview (`--netns self` is the host netns alone).
    if (flags.netns === undefined) {
      const { topWholeHost } = await import('../top-host.js');
      process.exitCode = await topWholeHost({
        session: sessionOpts,
        alerting,
        flight: flightOpts,
        record: flags.record,
        defaultPath: () => defaultRecordingPath(),
        attach: (sink) => {
          dash = sink;
        },
      });
      // The session is stopped and the terminal restored: if a straggler handle of the whole-host session still
      // holds the event loop (seen under load: "exited never after Ctrl-C"), exit anyway after a grace period.
      setTimeout(() => process.exit(), 3000).unref();
      return;
    }
    const start = (o: { port: number | undefined; netns: string | undefined }): Promise<LiveSession> =>
      startSession({ ...sessionOpts, port: o.port, netns: o.netns });

    // The UI (blessed, blessed-contrib: a third of a second) loads while bpftrace starts; other commands never load it.
    const ui = import('../../ui/run.js');
    const session = await start({ port, netns: flags.netns });
    let recorder: Recorder | undefined;
    let firstPath = flags.record;
    const toggleRecording = async (s: Session): Promise<string | undefined> => {
      if (recorder) {
        const r = recorder;
        recorder = undefined;
        await r.stop();
        return undefined;
      }
      if (!isLive(s)) throw new Error('only live sessions can be recorded');
      recorder = createRecorder(s, { path: firstPath ?? defaultRecordingPath(), stopSessionOnError: false });
      firstPath = undefined;
      return recorder.path;
    };
    // One flight recorder per session: a netns or port change starts a new ring (the old one closes its incident).
    let flight: FlightRecorder | undefined;
    const stopping: Promise<void>[] = [];
    const { runDashboard } = await ui;
    process.exitCode = await runDashboard(session, {
      exitOnEnd: durationMs !== undefined,
      restart: (change) => start(change),
      // Named netns and those a container, pod or service owns (by a selector --netns accepts); the host's own first.
      listNetns: async () => netnsChoices((await listNetnsNamed()).namespaces),
      toggleRecording,
      startRecording: flags.record !== undefined,
      // Alerts go to the dashboard log, to the recording (when one runs) and to --exec/--webhook.
      ...(flightOpts ? { saveRing: () => flight?.save('manual') } : {}),
      onSession: (s, d) => {
        dash = d;
        if (alerting.rules.length === 0) return;
        if (flight) stopping.push(flight.stop());
        flight = flightOpts && isLive(s) ? startFlight(flightOpts, s, (line) => d.setMessage(line)) : undefined;
        const f = flight;
        f?.incidents$.subscribe((i) =>
          d.pushAlert({
            time: i.meta.firedAt,
            severity: i.error ? 'warning' : 'info',
            name: 'incident',
            message: `saved ${i.path}${i.error ? ` (incomplete: ${i.error})` : ''}`,
            detail: `${i.path}\n${i.reportPath ?? '(no report)'}\n${i.bytes} bytes; alerts: ${i.meta.alerts.join(', ')}`,
          }),
        );
        if (f) s.snapshots$.subscribe(() => d.setFlight(f.stats()));
        s.snapshots$.pipe(alerts(alerting.rules)).subscribe((e) => {
          d.pushAlert(e);
          recorder?.alert(e.time, e);
          f?.alert(e);
          alerting.action?.handle(e);
        });
      },
    });
    // An open incident is completed (end marker, report) before tcpscope exits.
    await Promise.all([...stopping, flight?.stop()]);
    dash = undefined; // the screen is restored: late output goes to stderr
    await alerting.action?.close();
  });
}
