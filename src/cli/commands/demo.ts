// `tcpscope demo`: replays the bundled incident recording (real lab capture), no root and no bpftrace needed.
import type { Command } from 'commander';
import { demoRecordingPath } from '../../record/demo.js';
import { runReplay, type ReplayFlags } from './replay.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('replay the bundled incident (accept queue overflow, SYN flood, CLOSE_WAIT leak): no root needed')
    .option(
      '-s, --speed <factor>',
      '1 = as recorded, 10 = ten times faster, max (default: 1 in the dashboard, max otherwise)',
    )
    .option('--json', 'NDJSON snapshots on stdout')
    .option('--lines', 'one human line per interval instead of the dashboard')
    .option('--from <position>', 'start at this offset: HH:MM:SS, MM:SS or 90s')
    .option('--to <position>', 'stop at this offset')
    .addHelpText(
      'after',
      `
Examples:
  tcpscope demo                         # the dashboard, as it happened
  tcpscope demo --lines                 # one line per interval
  tcpscope report "$(tcpscope demo --path)" --format markdown
The recording was made with tcpscope record against the scenario lab (scripts/make-demo.ts).`,
    )
    .option('--path', 'print the path of the bundled recording and exit')
    .action(async (flags: ReplayFlags & { path?: boolean }) => {
      const path = demoRecordingPath();
      if (flags.path) {
        process.stdout.write(`${path}\n`);
        return;
      }
      await runReplay(path, flags, 'demo recording');
    });
}
