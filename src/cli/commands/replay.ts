// `tcpscope replay FILE`: a recording through today's pipeline, into the dashboard, as human lines, or as NDJSON.
import type { Command } from 'commander';
// The alert pieces a replay needs, not the index (whose --exec action pulls in execa at start-up).
import { createAlertEngine } from '../../alert/engine.js';
import { alerts } from '../../alert/operator.js';
import type { AlertEvent } from '../../alert/event.js';
import { ExitCode } from '../../errors.js';
import { addAlertOptions, alertSetup, type AlertFlags } from '../alert-flags.js';
import { BatchedOutput } from '../batched-output.js';
import { parsePosition, parseSpeed } from '../../record/position.js';
import { replaySession, type ReplaySession } from '../../session/replay.js';
import { elapsedClock } from '../../record/report.js';
import { watchLine } from '../watch-line.js';
import { isWholeHostFile } from '../../session/replay-host.js';
import { runHostReplay } from './replay-host.js';
import { onShutdown } from '../shutdown.js';
import { usageError } from '../../errors.js';
import { assertTerminal } from '../../ui/terminal.js';
import type { AlertNotice } from '../../ui/model/findings.js';

export interface ReplayFlags extends AlertFlags {
  speed?: string;
  json?: boolean;
  lines?: boolean;
  from?: string;
  to?: string;
}

/** Prints what the reader found wrong after the replay: one warning line each, never a failure (exit 0). */
export function reportReadProblems(
  session: ReplaySession,
  path: string,
  stderr: NodeJS.WritableStream = process.stderr,
): void {
  const s = session.stats;
  const pos = elapsedClock(session.position().elapsedMs);
  if (s.skipped > 0)
    stderr.write(
      `tcpscope: warning: ${path}: ${s.skipped} corrupt line(s) skipped (${s.skippedExamples.join('; ')}${s.skipped > s.skippedExamples.length ? '; …' : ''})\n`,
    );
  if (s.truncated) stderr.write(`tcpscope: warning: ${path}: ${s.truncated}; replayed up to ${pos}\n`);
}

/** Shared by `replay` and `demo`. */
export async function runReplay(path: string, flags: ReplayFlags, label = path): Promise<void> {
  // --exit-on-alert is a scripted check: lines, not the dashboard, and the exit code says whether it fired.
  const headless =
    flags.json === true ||
    flags.lines === true ||
    flags.exitOnAlert === true ||
    !process.stdout.isTTY ||
    !process.stdin.isTTY;
  const speed = flags.speed !== undefined ? parseSpeed(flags.speed) : headless ? 'max' : 1;
  if (flags.json && flags.lines) throw usageError('--json and --lines both choose the output: give one');
  let dash: { pushAlert(a: AlertNotice): void } | undefined;
  const alerting = await alertSetup(flags, {
    execOutput: (line) => {
      if (dash) dash.pushAlert({ time: Date.now(), severity: 'info', name: 'exec', message: `--exec: ${line}` });
      else process.stderr.write(`tcpscope: --exec: ${line}\n`);
    },
  });
  const rules = alerting.rules;
  if (await isWholeHostFile(path)) {
    await runHostReplay(path, flags, { headless, speed, rules }, label);
    return;
  }
  const session = await replaySession(path, {
    speed,
    from: flags.from !== undefined ? parsePosition(flags.from, '--from') : undefined,
    to: flags.to !== undefined ? parsePosition(flags.to, '--to') : undefined,
  });
  if (!headless) {
    assertTerminal(
      label === path
        ? `use \`tcpscope replay ${path} --lines\` or \`--json\``
        : 'use `tcpscope demo --lines` or `tcpscope replay "$(tcpscope demo --path)" --json`',
    );
    const { runDashboard } = await import('../../ui/run.js'); // loaded only for the dashboard
    let fired = false;
    const code = await runDashboard(session, {
      onSession: (s, dashboard) => {
        dash = dashboard;
        if (rules.length > 0) {
          s.snapshots$.pipe(alerts(rules)).subscribe((e) => {
            dashboard.pushAlert(e);
            alerting.action?.handle(e);
            if (e.state === 'firing') fired = true;
          });
        }
      },
    });
    dash = undefined;
    await alerting.action?.close();
    reportReadProblems(session, label);
    if (code !== 0) process.exitCode = code;
    else if (alerting.exitOnAlert) process.exitCode = fired ? ExitCode.alertFired : ExitCode.ok;
    return;
  }
  const out = new BatchedOutput(process.stdout);
  // Ctrl-C: bpftrace first, then pending alert deliveries get their grace and a "dropped N" line (item 1).
  const off = onShutdown(async () => {
    await session.stop();
    await alerting.action?.close();
  });
  // Alerts are evaluated on the same snapshots, in order, and printed right after the snapshot that changed them.
  const engine = rules.length > 0 ? createAlertEngine(rules) : undefined;
  const alertLine = (e: AlertEvent): string =>
    flags.json ? JSON.stringify(e) : `${new Date(e.time).toISOString().slice(11, 19)} ALERT ${e.state}: ${e.message}`;
  let fired = false;
  let snapshots = 0;
  try {
    outer: for await (const list of session.batches()) {
      for (const snap of list) {
        snapshots++;
        await out.line(flags.json ? JSON.stringify(snap) : watchLine(snap));
        if (engine) {
          for (const e of engine.evaluate(snap)) {
            await out.line(alertLine(e));
            alerting.action?.handle(e);
            if (e.state === 'firing') fired = true;
          }
        }
        // --exit-on-alert: the replay ends at the first firing, as a live watch does.
        if (alerting.exitOnAlert && fired) break outer;
      }
      // Paced: each interval is written when it is due (and a reader that left, `| head`, is seen at once).
      if (speed !== 'max') await out.flush();
      if (out.closed) break;
    }
    await out.flush();
  } finally {
    await session.stop().finally(off); // handlers stay until the session is stopped
    await alerting.action?.close();
  }
  reportReadProblems(session, label);
  if (snapshots === 0 && !out.closed) reportNothingReplayed(session, label, flags.from);
  if (alerting.exitOnAlert) process.exitCode = fired ? ExitCode.alertFired : ExitCode.ok;
}

/** A replay that printed nothing says why (item 11): an empty recording, or --from past its end. */
function reportNothingReplayed(
  session: ReplaySession,
  label: string,
  from: string | undefined,
  stderr: NodeJS.WritableStream = process.stderr,
): void {
  const end = elapsedClock(session.position().elapsedMs);
  if (from !== undefined)
    stderr.write(`tcpscope: warning: ${label}: nothing to replay from ${from}: the recording ends at ${end}\n`);
  else
    stderr.write(
      `tcpscope: warning: ${label}: the recording holds no complete interval (header only?): nothing to replay\n`,
    );
}

export function registerReplay(program: Command): void {
  const cmd = program
    .command('replay')
    .description(
      'replay a recording through the current pipeline and rules: dashboard, human lines, or NDJSON snapshots',
    )
    .argument('<file>', 'recording made by tcpscope record (plain or .gz)')
    .option(
      '-s, --speed <factor>',
      '1 = as recorded, 10 = ten times faster, max = as fast as possible (default: 1 in the dashboard, max otherwise)',
    )
    .option('--json', 'NDJSON snapshots on stdout (alert events, if any, as {"type":"alert"} lines)')
    .option('--lines', 'one human line per interval instead of the dashboard')
    .option('--from <position>', 'start at this offset from the beginning: HH:MM:SS, MM:SS or 90s')
    .option('--to <position>', 'stop at this offset from the beginning')
    .addHelpText(
      'after',
      `
Examples:
  tcpscope replay incident.ndjson.gz                          # into the dashboard, at recorded speed
  tcpscope replay incident.ndjson.gz --speed 10 --from 00:01:30 --to 00:02:00
  tcpscope replay incident.ndjson.gz --json | jq '.findings[].id'
  tcpscope replay rec.ndjson --lines --alert 'overflows: TcpExtListenOverflows > 0'
  tcpscope replay rec.ndjson --lines --alert 'finding(accept-queue-overflow)' --exit-on-alert   # exit 1
Alert flags are those of watch: --alert, --alerts, --exec CMD ARGS… (last), --webhook, --exit-on-alert.
Exit codes: 0 ok (also when corrupt lines were skipped or the file was cut: a warning says so), 1 an alert fired
with --exit-on-alert, 2 bad flags, 7 not a recording / newer format / a line over 16 MiB, 8 cannot open the file.`,
    );
  addAlertOptions(cmd).action(async (file: string, flags: ReplayFlags) => {
    await runReplay(file, flags);
  });
}
