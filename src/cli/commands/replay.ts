// `tcpscope replay FILE`: a recording through today's pipeline, into the dashboard, as human lines, or as NDJSON.
import type { Command } from 'commander';
// The alert pieces a replay needs, not the index (whose --exec action pulls in execa at start-up).
import { parseAlertFlag, type AlertRule } from '../../alert/rule.js';
import { createAlertEngine } from '../../alert/engine.js';
import { alerts } from '../../alert/operator.js';
import type { AlertEvent } from '../../alert/event.js';
import { BatchedOutput } from '../batched-output.js';
import { parsePosition, parseSpeed } from '../../record/position.js';
import { replaySession, type ReplaySession } from '../../session/replay.js';
import { elapsedClock } from '../../record/report.js';
import { watchLine } from '../watch-line.js';
import { onShutdown } from '../shutdown.js';

export interface ReplayFlags {
  speed?: string;
  json?: boolean;
  lines?: boolean;
  from?: string;
  to?: string;
  alert?: string[];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

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
  const headless = flags.json === true || flags.lines === true || !process.stdout.isTTY || !process.stdin.isTTY;
  const speed = flags.speed !== undefined ? parseSpeed(flags.speed) : headless ? 'max' : 1;
  const rules: AlertRule[] = (flags.alert ?? []).map((a) => parseAlertFlag(a));
  const session = await replaySession(path, {
    speed,
    from: flags.from !== undefined ? parsePosition(flags.from, '--from') : undefined,
    to: flags.to !== undefined ? parsePosition(flags.to, '--to') : undefined,
  });
  if (!headless) {
    const { runDashboard } = await import('../../ui/run.js'); // loaded only for the dashboard
    const code = await runDashboard(session, {
      onSession: (s, dashboard) => {
        if (rules.length > 0) s.snapshots$.pipe(alerts(rules)).subscribe((e) => dashboard.pushAlert(e));
      },
    });
    reportReadProblems(session, label);
    if (code !== 0) process.exitCode = code;
    return;
  }
  const out = new BatchedOutput(process.stdout);
  const off = onShutdown(() => session.stop());
  // Alerts are evaluated on the same snapshots, in order, and printed right after the snapshot that changed them.
  const engine = rules.length > 0 ? createAlertEngine(rules) : undefined;
  const alertLine = (e: AlertEvent): string =>
    flags.json ? JSON.stringify(e) : `${new Date(e.time).toISOString().slice(11, 19)} ALERT ${e.state}: ${e.message}`;
  try {
    for await (const list of session.batches()) {
      for (const snap of list) {
        await out.line(flags.json ? JSON.stringify(snap) : watchLine(snap));
        if (engine) for (const e of engine.evaluate(snap)) await out.line(alertLine(e));
      }
      if (out.closed) break;
    }
    await out.flush();
  } finally {
    await session.stop().finally(off); // handlers stay until the session is stopped
  }
  reportReadProblems(session, label);
}

export function registerReplay(program: Command): void {
  program
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
    .option('--alert <expr>', 'evaluate an alert expression on the replayed snapshots (repeatable)', collect)
    .addHelpText(
      'after',
      `
Examples:
  tcpscope replay incident.ndjson.gz                          # into the dashboard, at recorded speed
  tcpscope replay incident.ndjson.gz --speed 10 --from 00:01:30 --to 00:02:00
  tcpscope replay incident.ndjson.gz --json | jq '.findings[].id'
  tcpscope replay rec.ndjson --lines --alert 'overflows: TcpExtListenOverflows > 0'
Exit codes: 0 ok (also when corrupt lines were skipped or the file was cut: a warning says so),
2 bad flags, 7 not a recording / newer format / a line over 16 MiB, 8 cannot open the file.`,
    )
    .action(async (file: string, flags: ReplayFlags) => {
      await runReplay(file, flags);
    });
}
