// `tcpscope incidents DIR`: what the flight recorder saved (time, alert, netns, size), newest last.
import type { Command } from 'commander';
import { ExitCode, TcpscopeError, messageOf } from '../../errors.js';
import { listIncidentFiles } from '../../record/incident-files.js';
import { readRecording } from '../../record/reader.js';

interface Row {
  path: string;
  firedAt: number | null;
  alert: string;
  netns: string;
  severity: string;
  /** What the file holds: `netns` (one netns, or the alerting ones of a whole-host session), `host` (every netns). */
  holds: 'netns' | 'host' | null;
  bytes: number;
  report: boolean;
}

export function registerIncidents(program: Command): void {
  program
    .command('incidents')
    .description('list the incidents a flight recorder (--on-alert DIR) saved: time, alert, netns, size')
    .argument('<dir>', 'the --on-alert directory')
    .option('--json', 'one JSON object per incident (NDJSON)')
    .addHelpText(
      'after',
      `
Examples:
  sudo tcpscope record --on-alert /var/lib/tcpscope/incidents --ring 15m --after 2m --alerts builtin
  tcpscope incidents /var/lib/tcpscope/incidents
  tcpscope replay "$(ls /var/lib/tcpscope/incidents/incident-*.ndjson.gz | tail -1)"
Exit codes: 0 ok, 8 the directory cannot be read.`,
    )
    .action(async (dir: string, flags: { json?: boolean }) => {
      let files;
      try {
        files = await listIncidentFiles(dir);
      } catch (err) {
        throw new TcpscopeError(`cannot read incidents in ${dir}: ${messageOf(err)}`, {
          exitCode: ExitCode.io,
          cause: err,
        });
      }
      const rows: Row[] = [];
      for (const f of files) {
        let meta;
        let note = '(unreadable header)';
        let wholeHost = false;
        try {
          const r = await readRecording(f.path);
          meta = r.header.incident;
          wholeHost = r.header.description.info.wholeHost === true;
          note = '(no incident header)';
          await r.close();
        } catch {
          meta = undefined;
        }
        rows.push({
          path: f.path,
          firedAt: meta?.firedAt ?? null,
          alert: meta?.alert ?? note,
          netns: meta?.netns ?? '',
          severity: meta?.severity ?? '',
          holds: meta ? (wholeHost && meta.scope !== 'netns' ? 'host' : 'netns') : null,
          bytes: f.bytes,
          report: f.reportBytes > 0,
        });
      }
      if (flags.json) {
        for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      if (rows.length === 0) {
        process.stderr.write(`tcpscope: no incidents in ${dir}\n`);
        return;
      }
      process.stdout.write(
        'time (UTC)           alert                          netns                  holds  size      file\n',
      );
      for (const r of rows) {
        const t = r.firedAt === null ? '?' : new Date(r.firedAt).toISOString().slice(0, 19).replace('T', ' ');
        const size = r.bytes >= 1024 * 1024 ? `${(r.bytes / 1048576).toFixed(1)}M` : `${(r.bytes / 1024).toFixed(1)}K`;
        process.stdout.write(
          `${t.padEnd(20)} ${r.alert.padEnd(30)} ${r.netns.padEnd(22)} ${(r.holds ?? '?').padEnd(6)} ${size.padEnd(9)} ${r.path}\n`,
        );
      }
    });
}
