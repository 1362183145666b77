// `tcpscope serve`: Prometheus export over HTTP (/metrics, /healthz, loopback by default) and/or a textfile.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { ExitCode, TcpscopeError, errnoOf, messageOf } from '../../errors.js';
import { startSession } from '../../session/live.js';
import { createMetrics } from '../../export/metrics.js';
import { DEFAULT_METRICS_ADDRESS, parseListenAddress, type ListenAddress } from '../../export/listen-address.js';
import { startExporter } from '../../export/exporter.js';
import { TEXTFILE_NAME } from '../../export/textfile.js';
import { addSessionOptions, sessionOptionsFrom, type SessionFlags } from '../session-flags.js';
import { onShutdown } from '../shutdown.js';

export interface ServeFlags extends SessionFlags {
  metrics?: string | true;
  textfile?: string;
  allowPublic?: boolean;
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
  addSessionOptions(program.command('serve'))
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
    .addHelpText(
      'after',
      `
Examples:
  sudo tcpscope serve                                   # http://127.0.0.1:9464/metrics
  sudo tcpscope serve --textfile /var/lib/node_exporter/textfile_collector
  sudo tcpscope serve --metrics 10.0.0.5:9464 --allow-public --netns web1
Metric names and labels: docs/metrics.md.`,
    )
    .action(async (flags: ServeFlags) => {
      const { listen, textfileDir } = serveTargets(flags);
      if (textfileDir !== undefined) await assertDirectory(textfileDir);
      const sessionOpts = sessionOptionsFrom(flags);
      const { intervalMs } = sessionOpts;
      const session = await startSession(sessionOpts);
      const off = onShutdown(() => session.stop());
      try {
        if (session.info.mode === 'procfs')
          process.stderr.write(`tcpscope: procfs mode (${session.info.modeReason ?? ''})\n`);
        const exporter = await startExporter(session.snapshots$, { metrics: createMetrics(), listen, textfileDir });
        if (exporter.url !== undefined) process.stderr.write(`tcpscope: serving ${exporter.url}/metrics\n`);
        if (textfileDir !== undefined)
          process.stderr.write(`tcpscope: writing ${resolve(textfileDir, TEXTFILE_NAME)} every ${intervalMs} ms\n`);
        try {
          await exporter.done;
        } finally {
          await exporter.close();
        }
      } finally {
        await session.stop().finally(off); // handlers stay until bpftrace is stopped
      }
    });
}
