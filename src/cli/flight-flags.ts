// The flight recorder flags shared by record, watch and serve: keep the recent past, save it around every alert.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ExitCode, TcpscopeError, errnoOf, messageOf, usageError } from '../errors.js';
import { createFlightRecorder, type FlightRecorder, type FlightSource, type IncidentScope } from '../record/flight.js';
import { buildReport } from '../session/report.js';
import { buildHostReport, renderHostReport } from '../session/report-host.js';
import { renderMarkdown } from '../record/report-render.js';
import { parseDuration, parseSize } from './parse-options.js';

export interface FlightFlags {
  ring?: string;
  onAlert?: string;
  after?: string;
  keep?: string;
  maxDisk?: string;
  incidentScope?: string;
  /** The session's --netns: --incident-scope netns is for whole-host mode only. */
  netns?: string;
}

export interface FlightSetup {
  dir: string;
  ringMs: number;
  afterMs: number;
  keep: number | undefined;
  maxDiskBytes: number | undefined;
  scope: IncidentScope;
}

export function addFlightOptions(cmd: Command): Command {
  return cmd
    .option('--on-alert <dir>', 'flight recorder: save [fire − ring, fire + after] of raw inputs to DIR on every alert')
    .option('--ring <duration>', 'with --on-alert: how much recent past to keep in memory (default 15m)')
    .option('--after <duration>', 'with --on-alert: keep recording this long after the alert (default 2m)')
    .option('--keep <n>', 'with --on-alert: keep only the newest N incidents in DIR (oldest deleted first)')
    .option('--max-disk <size>', 'with --on-alert: keep DIR under this size, e.g. 500M (oldest deleted first)')
    .option(
      '--incident-scope <scope>',
      'with --on-alert, whole host: what an incident holds: host (every netns, default) or netns (the alerting one)',
    );
}

/**
 * Validates the flags before any session starts (`rules`: how many alert rules there are: an incident is saved when
 * one fires, so --on-alert without a rule is refused); creates DIR (0700) when it does not exist.
 */
export function flightSetup(flags: FlightFlags, rules: number): FlightSetup | undefined {
  if (flags.onAlert === undefined) {
    for (const [f, v] of [
      ['--ring', flags.ring],
      ['--after', flags.after],
      ['--keep', flags.keep],
      ['--max-disk', flags.maxDisk],
      ['--incident-scope', flags.incidentScope],
    ] as const) {
      if (v !== undefined) throw usageError(`${f} needs --on-alert DIR (where incidents are saved)`);
    }
    return undefined;
  }
  const dir = flags.onAlert;
  if (dir.trim() === '') throw usageError('--on-alert needs a directory');
  const ringMs = parseDuration(flags.ring ?? '15m', '--ring');
  const afterMs = parseDuration(flags.after ?? '2m', '--after');
  let keep: number | undefined;
  if (flags.keep !== undefined) {
    if (!/^\d+$/.test(flags.keep) || Number(flags.keep) < 1 || Number(flags.keep) > 100_000) {
      throw usageError(`invalid --keep "${flags.keep}": a number of incidents, 1-100000`);
    }
    keep = Number(flags.keep);
  }
  const maxDiskBytes = flags.maxDisk !== undefined ? parseSize(flags.maxDisk, '--max-disk') : undefined;
  const scope = flags.incidentScope ?? 'host';
  if (scope !== 'host' && scope !== 'netns')
    throw usageError(`invalid --incident-scope "${scope}": host (every netns) or netns (the alerting one)`);
  if (scope === 'netns' && flags.netns !== undefined)
    throw usageError('--incident-scope netns is for whole-host mode: with --netns an incident holds that netns only');
  if (rules === 0) throw usageError('--on-alert needs at least one --alert or --alerts rule');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    const why = errnoOf(err) === 'EEXIST' || errnoOf(err) === 'ENOTDIR' ? 'not a directory' : messageOf(err);
    throw new TcpscopeError(`cannot use --on-alert ${dir}: ${why}`, { exitCode: ExitCode.io, cause: err });
  }
  return { dir, ringMs, afterMs, keep, maxDiskBytes, scope };
}

/** Starts the flight recorder on a live session; each incident gets its Markdown report beside it. */
export function startFlight(setup: FlightSetup, session: FlightSource, say: (line: string) => void): FlightRecorder {
  return createFlightRecorder(session, {
    ...setup,
    say,
    writeReport: async (path, reportPath) => {
      // A whole-host incident (every netns, or the alerting one) gets the per-netns report `tcpscope report` gives it.
      const md = session.info.wholeHost
        ? renderHostReport(await buildHostReport(path), 'markdown')
        : renderMarkdown(await buildReport(path));
      writeFileSync(reportPath, md, { mode: 0o600, flag: 'wx' });
    },
  });
}
