// `tcpscope record -o FILE`: records a session's raw inputs for a later replay or report on another machine.
import { closeSync, existsSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { createExclusive, createFailure } from '../../record/writer.js';
import type { Command } from 'commander';
import { ExitCode, TcpscopeError, usageError } from '../../errors.js';
import { createInterrupter, onTermSignals } from '../../shutdown.js';
import { startSession } from '../../session/live.js';
import { createRecorder, type Recorder } from '../../record/recorder.js';
import { parseSize } from '../parse-options.js';
import { addSessionOptions, sessionOptionsFrom, type SessionFlags } from '../session-flags.js';
import { addAlertOptions, alertLine, alertSetup, type AlertFlags } from '../alert-flags.js';
import { addFlightOptions, flightSetup, startFlight, type FlightFlags } from '../flight-flags.js';
import { createAlertEngine } from '../../alert/index.js';
import type { FlightRecorder } from '../../record/flight.js';
import type { AlertAction } from '../../alert/index.js';
import { lastValueFrom, type Observable, type Subscription } from 'rxjs';
import { startWholeHostSession } from '../../session/wholehost.js';
import { evaluateAlerts } from '../live-alerts.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { HostSnapshot } from '../../model/host-snapshot.js';

interface RecordFlags extends SessionFlags, AlertFlags, FlightFlags {
  output?: string;
  maxSize?: string;
  rotate?: string;
  gzip?: boolean;
  quiet?: boolean;
}

/** First termination signal: `stop` (the command then ends, exit 0); a second one exits 130 at once. */
function onStopSignals(stop: () => void): () => void {
  return onTermSignals(createInterrupter(stop, () => process.exit(130)).interrupt);
}

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Smallest --max-size without a warning. */
export const MIN_MAX_SIZE = 64 * 1024;

export function registerRecord(program: Command): void {
  const cmd = addSessionOptions(program.command('record'))
    .description('record a session (raw probe lines, host samples, sysctls) to replay or report on later, anywhere')
    .option('-o, --output <file>', 'recording file (created 0600, never overwritten; .gz implies --gzip)')
    .option('--max-size <size>', 'size limit per file (e.g. 100M): stop there, or rotate with --rotate')
    .option('--rotate <n>', 'with --max-size: keep FILE (newest) and FILE.1 .. FILE.<n> (older parts)')
    .option(
      '-z, --gzip',
      'gzip the recording (flushed every interval, so a killed recorder still leaves a readable file)',
    )
    .option('-q, --quiet', 'no progress messages on stderr')
    .addHelpText(
      'after',
      `
Examples:
  sudo tcpscope record -o incident.ndjson.gz --duration 10m
  sudo tcpscope record -o web1.ndjson --netns web1 --port 8080 --max-size 100M --rotate 5
  sudo tcpscope record --on-alert /var/lib/tcpscope/incidents --ring 15m --after 2m --alerts builtin --keep 20
  tcpscope report incident.ndjson.gz --format markdown    # later, on any machine, no root needed
Stops on Ctrl-C / SIGTERM (exit 0) with everything written; a SIGKILL loses at most the current interval.
With --on-alert (flight recorder) -o is optional: the last --ring of raw inputs stays in memory and every alert
saves [fire − ring, fire + after] to DIR with a Markdown report beside it (tcpscope incidents DIR lists them).
Exit codes: 0 ok, 2 bad flags, 4 permission, 5 tracer unavailable, 6 unknown netns, 8 I/O error (disk full...).`,
    );
  addFlightOptions(addAlertOptions(cmd)).action(async (flags: RecordFlags) => {
    const path = flags.output;
    if (!path && flags.onAlert === undefined)
      throw usageError('--output FILE (or --on-alert DIR, the flight recorder) is required');
    const alerting = await alertSetup(flags);
    const flightOpts = flightSetup(flags, alerting.rules.length);
    const sessionOpts = sessionOptionsFrom(flags);
    const { durationMs } = sessionOpts;
    const maxSize = flags.maxSize !== undefined ? parseSize(flags.maxSize, '--max-size') : undefined;
    // Below this a file holds the header and hardly one interval: it would record nothing and exit 0 (item 14).
    // Below 1K not even the header fits (an error); below 64K a file may hold no interval at all (a warning).
    if (maxSize !== undefined && maxSize < 1024) {
      throw usageError(
        `invalid --max-size "${flags.maxSize}": the smallest is 1K (the recording header alone is larger)`,
      );
    }
    if (maxSize !== undefined && maxSize < MIN_MAX_SIZE) {
      process.stderr.write(
        `tcpscope: warning: --max-size ${flags.maxSize} is below 64K: a header and first host sample take several KiB, so a file may hold no complete interval\n`,
      );
    }
    let rotate: number | undefined;
    if (flags.rotate !== undefined) {
      if (!/^\d+$/.test(flags.rotate) || Number(flags.rotate) < 1 || Number(flags.rotate) > 1000)
        throw usageError(`invalid --rotate "${flags.rotate}": a number of old files 1-1000`);
      if (maxSize === undefined) throw usageError('--rotate needs --max-size');
      rotate = Number(flags.rotate);
    }
    if (
      path !== undefined &&
      !existsSync(path) &&
      (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory())
    ) {
      throw new TcpscopeError(
        `cannot create recording ${path}: ${createFailure(path, Object.assign(new Error('missing'), { code: 'ENOENT' }))}`,
        { exitCode: ExitCode.io },
      );
    }
    if (path !== undefined && existsSync(path)) {
      throw new TcpscopeError(
        `cannot create recording ${path}: ${createFailure(path, Object.assign(new Error('exists'), { code: 'EEXIST' }))}`,
        { exitCode: ExitCode.io },
      );
    }
    // A path the file system itself refuses (/proc/x, a read-only mount) fails here too, before the session starts
    // (seconds for the whole host on a busy machine): created as the recorder will create it, then removed.
    if (path !== undefined) {
      closeSync(createExclusive(path));
      unlinkSync(path);
    }
    const gzip = flags.gzip === true || (path !== undefined && /\.gz$/i.test(path));
    // No --netns: the whole host (every netns), as `watch` does.
    const session =
      flags.netns === undefined ? await startWholeHostSession(sessionOpts) : await startSession(sessionOpts);
    const say = (text: string): void => {
      if (!flags.quiet) process.stderr.write(`tcpscope: ${text}\n`);
    };
    let recorder: Recorder | undefined;
    try {
      if (path !== undefined) recorder = createRecorder(session, { path, gzip, maxSize, rotate });
    } catch (err) {
      await session.stop();
      throw err;
    }
    // Incident lines always reach stderr, even with --quiet: they name the files an on-call engineer opens next.
    const flight: FlightRecorder | undefined = flightOpts
      ? startFlight(flightOpts, session, (l) => process.stderr.write(`tcpscope: ${l}\n`))
      : undefined;
    const engine = alerting.rules.length > 0 ? createAlertEngine(alerting.rules) : undefined;
    const onSnapshot = (s: Snapshot | HostSnapshot): void => {
      if (!engine) return;
      for (const e of evaluateAlerts(engine, s)) {
        say(alertLine(e));
        recorder?.alert(e.time, e);
        flight?.alert(e);
        alerting.action?.handle(e);
      }
    };
    const snapshots$: Observable<Snapshot | HostSnapshot> = session.snapshots$;
    const alertSub = engine ? snapshots$.subscribe(onSnapshot) : undefined;
    const info = session.info;
    const where = info.wholeHost ? 'every netns' : (info.netns.name ?? `netns ${info.netns.inode}`);
    const mode = `${info.mode} mode${info.modeReason ? ` (${info.modeReason})` : ''}`;
    if (path !== undefined)
      say(`recording ${where} in ${mode} to ${path}${durationMs ? ` for ${flags.duration}` : ''}; Ctrl-C stops`);
    // Tracing really starts here (bpftrace parses BTF first); scripts wait for this line, as with watch.
    const attachedSub = session.attached$?.subscribe((n) => say(`eBPF probes attached (${n} probes)`));
    alertSub?.add(() => attachedSub?.unsubscribe());
    if (flightOpts)
      say(
        `flight recorder on ${where} in ${mode}: keeping ${flags.ring ?? '15m'} of inputs, incidents${flightOpts.scope === 'netns' && info.wholeHost ? ' (the alerting netns only)' : ''} go to ${flightOpts.dir}; Ctrl-C stops`,
      );
    if (!recorder) {
      await flightOnly(session, flight!, alertSub, alerting.action);
      return;
    }

    const off = onStopSignals(() => void recorder!.stop().finally(() => session.stop()));
    try {
      const summary = await recorder.done;
      await session.stop();
      alertSub?.unsubscribe();
      await flight?.stop();
      await alerting.action?.close();
      if (summary.error) throw summary.error;
      if (summary.sessionError !== undefined) {
        say(`the session failed; what was recorded until then is in ${path}`);
        throw summary.sessionError;
      }
      const why = summary.endReason === 'max-size' ? ' (stopped at --max-size)' : '';
      say(
        `recorded ${summary.intervals} intervals (${summary.inputs} inputs, ${kib(summary.bytes)}) to ${summary.files.join(', ')}${why}`,
      );
    } finally {
      off();
    }
  });
}

/**
 * `record --on-alert DIR` without -o: runs until the session ends or a signal, then closes an open incident (end
 * marker and report, so Ctrl-C during --after keeps a complete file) and exits 0 like `record -o`; a second signal
 * exits 130 at once.
 */
async function flightOnly(
  session: { stop(): Promise<void>; snapshots$: Observable<unknown> },
  flight: FlightRecorder,
  alertSub: Subscription | undefined,
  action: AlertAction | undefined,
): Promise<void> {
  const off = onStopSignals(() => void session.stop()); // completes snapshots$: the finally below closes the incident
  try {
    await lastValueFrom(session.snapshots$, { defaultValue: undefined });
  } finally {
    try {
      await session.stop();
      alertSub?.unsubscribe();
      await flight.stop();
      await action?.close();
    } finally {
      off();
    }
  }
}
