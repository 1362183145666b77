// `tcpscope report FILE`: what happened during a recording, for someone who was not there (text, Markdown, JSON).
import type { Command } from 'commander';
import { usageError } from '../../errors.js';
import { parsePosition } from '../../record/position.js';
import { buildReport } from '../../session/report.js';
import { renderReport, type ReportFormat } from '../../record/report-render.js';
import { buildHostReport, renderHostReport } from '../../session/report-host.js';
import { isWholeHostFile } from '../../session/replay-host.js';

const FORMATS: readonly ReportFormat[] = ['text', 'markdown', 'json'];

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'incident report of a recording: findings with evidence and advice, timeline of peaks, listeners, sysctls',
    )
    .argument('<file>', 'recording made by tcpscope record (plain or .gz)')
    .option('-f, --format <format>', 'text, markdown (for an incident ticket) or json', 'text')
    .option('--from <position>', 'only from this offset: HH:MM:SS, MM:SS or 90s')
    .option('--to <position>', 'only up to this offset')
    .addHelpText(
      'after',
      `
Examples:
  tcpscope report incident.ndjson.gz
  tcpscope report incident.ndjson.gz --format markdown > ticket.md
  tcpscope report incident.ndjson.gz --format json | jq '.findings[].id'
Exit codes: 0 ok (warnings on stderr for skipped lines or a cut file), 2 bad flags, 7 not a recording, 8 cannot open.`,
    )
    .action(async (file: string, flags: { format: string; from?: string; to?: string }) => {
      const format = flags.format.toLowerCase() === 'md' ? 'markdown' : flags.format.toLowerCase();
      if (!(FORMATS as readonly string[]).includes(format))
        throw usageError(`invalid --format "${flags.format}": text, markdown or json`);
      const window = {
        from: flags.from !== undefined ? parsePosition(flags.from, '--from') : undefined,
        to: flags.to !== undefined ? parsePosition(flags.to, '--to') : undefined,
      };
      if (await isWholeHostFile(file)) {
        // A whole-host recording: one report per netns that had findings, most troubled first.
        process.stdout.write(renderHostReport(await buildHostReport(file, window), format as ReportFormat));
        return;
      }
      const report = await buildReport(file, {
        from: flags.from !== undefined ? parsePosition(flags.from, '--from') : undefined,
        to: flags.to !== undefined ? parsePosition(flags.to, '--to') : undefined,
      });
      process.stdout.write(renderReport(report, format as ReportFormat));
      const r = report.recording;
      if (r.skippedLines > 0)
        process.stderr.write(
          `tcpscope: warning: ${file}: ${r.skippedLines} corrupt line(s) skipped (${r.skippedExamples.join('; ')})\n`,
        );
      if (r.truncated) process.stderr.write(`tcpscope: warning: ${file}: ${r.truncated}\n`);
      // An empty report says why (item 11): nothing recorded, or --from/--to outside the recording.
      if (r.snapshots === 0)
        process.stderr.write(
          `tcpscope: warning: ${file}: no complete interval${flags.from !== undefined || flags.to !== undefined ? ' in the --from/--to range' : ' in the recording (header only?)'}: the report is empty\n`,
        );
    });
}
