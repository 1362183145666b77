// `tcpscope record -o FILE`: records a session's raw inputs for a later replay or report on another machine.
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { createFailure } from '../../record/writer.js';
import type { Command } from 'commander';
import { ExitCode, TcpscopeError, usageError } from '../../errors.js';
import { startSession } from '../../session/live.js';
import { createRecorder, type Recorder } from '../../record/recorder.js';
import { parseSize } from '../parse-options.js';
import { addSessionOptions, sessionOptionsFrom, type SessionFlags } from '../session-flags.js';

interface RecordFlags extends SessionFlags {
  output?: string;
  maxSize?: string;
  rotate?: string;
  gzip?: boolean;
  quiet?: boolean;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Smallest --max-size without a warning. */
export const MIN_MAX_SIZE = 64 * 1024;

export function registerRecord(program: Command): void {
  addSessionOptions(program.command('record'))
    .description('record a session (raw probe lines, host samples, sysctls) to replay or report on later, anywhere')
    .requiredOption('-o, --output <file>', 'recording file (created 0600, never overwritten; .gz implies --gzip)')
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
  tcpscope report incident.ndjson.gz --format markdown    # later, on any machine, no root needed
Stops on Ctrl-C / SIGTERM (exit 0) with everything written; a SIGKILL loses at most the current interval.
Exit codes: 0 ok, 2 bad flags, 4 permission, 5 tracer unavailable, 6 unknown netns, 8 I/O error (disk full...).`,
    )
    .action(async (flags: RecordFlags) => {
      const path = flags.output;
      if (!path) throw usageError('--output FILE is required');
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
      if (existsSync(path)) {
        throw new TcpscopeError(
          `cannot create recording ${path}: ${createFailure(path, Object.assign(new Error('exists'), { code: 'EEXIST' }))}`,
          { exitCode: ExitCode.io },
        );
      }
      if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) {
        throw new TcpscopeError(
          `cannot create recording ${path}: ${createFailure(path, Object.assign(new Error('missing'), { code: 'ENOENT' }))}`,
          { exitCode: ExitCode.io },
        );
      }
      const gzip = flags.gzip === true || /\.gz$/i.test(path);
      const session = await startSession(sessionOpts);
      let recorder: Recorder;
      try {
        recorder = createRecorder(session, { path, gzip, maxSize, rotate });
      } catch (err) {
        await session.stop();
        throw err;
      }
      const say = (text: string): void => {
        if (!flags.quiet) process.stderr.write(`tcpscope: ${text}\n`);
      };
      const info = session.info;
      say(
        `recording ${info.netns.name ?? `netns ${info.netns.inode}`} in ${info.mode} mode${info.modeReason ? ` (${info.modeReason})` : ''} to ${path}${durationMs ? ` for ${flags.duration}` : ''}; Ctrl-C stops`,
      );

      let signals = 0;
      const onSignal = (): void => {
        signals++;
        if (signals > 1) process.exit(130);
        void recorder.stop().finally(() => session.stop());
      };
      for (const s of SIGNALS) process.on(s, onSignal);
      try {
        const summary = await recorder.done;
        await session.stop();
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
        for (const s of SIGNALS) process.off(s, onSignal);
      }
    });
}
