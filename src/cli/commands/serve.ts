// `tcpscope serve`: Prometheus export over HTTP (/metrics, /healthz, loopback by default) and/or a textfile.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { ExitCode, TcpscopeError, errnoOf, messageOf } from '../../errors.js';
import { startSession } from '../../session/live.js';
import { startWholeHostSession } from '../../session/wholehost.js';
import { DEFAULT_MAX_NETNS, hostSnapshotsForExport } from '../../export/host-feed.js';
import { usageError } from '../../errors.js';
import { createMetrics } from '../../export/metrics.js';
import { DEFAULT_METRICS_ADDRESS, parseListenAddress, type ListenAddress } from '../../export/listen-address.js';
import { startExporter } from '../../export/exporter.js';
import { TEXTFILE_NAME } from '../../export/textfile.js';
import { addSessionOptions, sessionOptionsFrom, type SessionFlags } from '../session-flags.js';
import { onShutdown } from '../shutdown.js';
import { createAlertEngine } from '../../alert/index.js';
import { addAlertOptions, alertLine, alertSetup, type AlertFlags } from '../alert-flags.js';
import { addFlightOptions, flightSetup, startFlight, type FlightFlags } from '../flight-flags.js';
import { evaluateAlerts } from '../live-alerts.js';
import type { AlertEvent } from '../../alert/index.js';

export interface ServeFlags extends SessionFlags, AlertFlags, FlightFlags {
  metrics?: string | true;
  textfile?: string;
  allowPublic?: boolean;
  maxNetns?: string;
}

/** Validates every flag before anything starts (so `--metrics 0.0.0.0:9464` fails at once, without root). */
export function serveTargets(flags: ServeFlags): {
  listen: ListenAddress | undefined;
  textfileDir: string | undefined;
} {
  const textfileDir = flags.textfile === undefined ? undefined : resolve(flags.textfile);
  const metricsText =
    flags.metrics === true || (flags.metrics === undefined && textfileDir === undefined)
      ? DEFAULT_METRICS_ADDRESS
      : flags.metrics;
  const listen =
    metricsText === undefined
      ? undefined
      : parseListenAddress(metricsText, { allowPublic: flags.allowPublic === true });
  return { listen, textfileDir };
}

/** --textfile names a directory that must exist: checked at start, with the real cause (issue 13 item 12). */
async function assertDirectory(dir: string): Promise<void> {
  let st;
  try {
    st = await stat(dir);
  } catch (err) {
    const code = errnoOf(err);
    throw new TcpscopeError(
      `invalid --textfile ${dir}: ${code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'a parent is not a directory' : messageOf(err)}`,
      {
        exitCode: code === 'ENOENT' || code === 'ENOTDIR' ? ExitCode.usage : ExitCode.io,
        cause: err,
      },
    );
  }
  if (!st.isDirectory())
    throw new TcpscopeError(
      `invalid --textfile ${dir}: not a directory (give the node_exporter textfile directory; tcpscope writes ${TEXTFILE_NAME} in it)`,
      { exitCode: ExitCode.usage },
    );
}

export function registerServe(program: Command): void {
  const cmd = addSessionOptions(program.command('serve'))
    .description('export live metrics for Prometheus: an HTTP /metrics endpoint and/or a node_exporter textfile')
    .option(
      '--metrics [host:port]',
      `serve /metrics and /healthz here (default ${DEFAULT_METRICS_ADDRESS} unless only --textfile is given)`,
    )
    .option(
      '--textfile <dir>',
      `write <dir>/${TEXTFILE_NAME} atomically every interval (node_exporter textfile collector)`,
    )
    .option('--allow-public', 'allow --metrics on a non-loopback address such as 0.0.0.0 (exposes TCP internals)')
    .option(
      '--max-netns <n>',
      `without --netns: namespaces with their own netns label (first seen); the rest are summed under netns="other"`,
      String(DEFAULT_MAX_NETNS),
    )
    .addHelpText(
      'after',
      `
Examples:
  sudo tcpscope serve                                   # http://127.0.0.1:9464/metrics, every netns (netns label)
  sudo tcpscope serve --textfile /var/lib/node_exporter/textfile_collector
  sudo tcpscope serve --metrics 10.0.0.5:9464 --allow-public --netns web1
  sudo tcpscope serve --metrics 127.0.0.1:9465 --alerts builtin --on-alert /var/lib/tcpscope/incidents --keep 50
Metric names and labels: docs/metrics.md. Alert changes print one line each on stderr.`,
    );
  addFlightOptions(addAlertOptions(cmd)).action(async (flags: ServeFlags) => {
    const { listen, textfileDir } = serveTargets(flags);
    if (textfileDir !== undefined) await assertDirectory(textfileDir);
    const sessionOpts = sessionOptionsFrom(flags);
    const { intervalMs } = sessionOpts;
    const maxNetns = Number(flags.maxNetns ?? DEFAULT_MAX_NETNS);
    if (!Number.isInteger(maxNetns) || maxNetns < 1 || maxNetns > 100_000)
      throw usageError(`invalid --max-netns "${String(flags.maxNetns)}": a number from 1 to 100000`);
    const alerting = await alertSetup(flags);
    const flightOpts = flightSetup(flags, alerting.rules.length);
    // No --netns: every netns, each under its own netns label (bounded by --max-netns).
    const whole = flags.netns === undefined ? await startWholeHostSession(sessionOpts) : undefined;
    const live = whole ? undefined : await startSession(sessionOpts);
    const session = whole ?? live!;
    const flight = flightOpts
      ? startFlight(flightOpts, session, (l) => process.stderr.write(`tcpscope: ${l}\n`))
      : undefined;
    const engine = alerting.rules.length > 0 ? createAlertEngine(alerting.rules) : undefined;
    const onAlerts = (events: AlertEvent[]): void => {
      for (const e of events) {
        process.stderr.write(`tcpscope: ${alertLine(e)}\n`);
        alerting.action?.handle(e);
        flight?.alert(e);
      }
    };
    const alertSub = engine
      ? whole
        ? whole.snapshots$.subscribe((snap) => onAlerts(evaluateAlerts(engine, snap)))
        : live!.snapshots$.subscribe((snap) => onAlerts(evaluateAlerts(engine, snap)))
      : undefined;
    const off = onShutdown(async () => {
      await session.stop();
      await flight?.stop();
    });
    try {
      if (session.info.mode === 'procfs')
        process.stderr.write(`tcpscope: procfs mode (${session.info.modeReason ?? ''})\n`);
      const metrics = createMetrics();
      if (live) metrics.prime(live.info.netns); // alert counters at 0 from the first scrape, before the first snapshot
      const snapshots$ = whole ? hostSnapshotsForExport(whole.snapshots$, metrics, maxNetns) : live!.snapshots$;
      const exporter = await startExporter(snapshots$, { metrics, listen, textfileDir });
      if (exporter.url !== undefined) process.stderr.write(`tcpscope: serving ${exporter.url}/metrics\n`);
      if (textfileDir !== undefined)
        process.stderr.write(`tcpscope: writing ${resolve(textfileDir, TEXTFILE_NAME)} every ${intervalMs} ms\n`);
      try {
        await exporter.done;
      } finally {
        await exporter.close();
      }
    } finally {
      alertSub?.unsubscribe();
      // handlers stay until bpftrace is stopped and an open incident is complete
      await session
        .stop()
        .then(() => flight?.stop())
        .then(() => alerting.action?.close())
        .finally(off);
    }
  });
}
