// `tcpscope watch`: headless live view, one human line or one NDJSON Snapshot per interval.
import type { Command } from 'commander';
import { lastValueFrom, tap, defaultIfEmpty } from 'rxjs';
import { startSession } from '../../pipeline/session.js';
import { parseDuration, parseInterval, parsePort } from '../parse-options.js';
import { watchLine } from '../watch-line.js';
import { onShutdown } from '../shutdown.js';

export interface WatchFlags {
  json?: boolean; interval: string; duration?: string; netns?: string; port?: string; procfs?: boolean; ebpf?: boolean;
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('headless live view: one line (or one JSON Snapshot with --json) per interval, findings included')
    .option('--json', 'NDJSON snapshots on stdout (messages go to stderr)')
    .option('-i, --interval <duration>', 'snapshot interval', '1s')
    .option('-d, --duration <duration>', 'stop after this long (default: until Ctrl-C)')
    .option('-n, --netns <netns>', 'network namespace: name, path, pid or inode (see tcpscope netns)')
    .option('-p, --port <port>', 'only sockets with this local or remote port (probe filter)')
    .option('--procfs', 'do not use eBPF: counters, socket table and sysctls only')
    .option('--ebpf', 'require eBPF mode (fail instead of falling back to procfs)')
    .addHelpText('after', `
Examples:
  sudo tcpscope watch                                  # one line per second for this host
  sudo tcpscope watch --json --duration 30s > s.ndjson # 30 snapshots as NDJSON
  sudo tcpscope watch --netns web1 --port 8080         # one container, one port
  tcpscope watch --procfs --interval 5s                # no root: counters and socket table only`)
    .action(async (flags: WatchFlags) => {
      const intervalMs = parseInterval(flags.interval);
      const durationMs = flags.duration ? parseDuration(flags.duration, '--duration') : undefined;
      const port = flags.port ? parsePort(flags.port) : undefined;
      const session = await startSession({
        intervalMs, durationMs, port, netns: flags.netns,
        mode: flags.procfs ? 'procfs' : flags.ebpf ? 'ebpf' : 'auto',
      });
      const off = onShutdown(() => session.stop());
      if (session.info.mode === 'procfs') process.stderr.write(`tcpscope: procfs mode (${session.info.modeReason ?? ''})\n`);
      try {
        await lastValueFrom(
          session.snapshots$.pipe(
            tap((s) => process.stdout.write(flags.json ? `${JSON.stringify(s)}\n` : `${watchLine(s)}\n`)),
            defaultIfEmpty(undefined),
          ),
        );
      } finally {
        off();
        await session.stop();
      }
    });
}
