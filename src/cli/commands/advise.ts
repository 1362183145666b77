// `tcpscope advise`: a tuning plan from measured evidence — a recording (or a live session) folded into a workload
// profile per netns, then keep / change for every TCP sysctl the seeds discuss. Never writes a setting.
import type { Command } from 'commander';
import { ADVICE_FORMATS, renderAdvice, type AdviceFormat, type AdviceReport } from '../../advise/index.js';
import { adviseRecordings, adviseSession } from '../../session/advise.js';
import { usageError } from '../../errors.js';
import { startSession } from '../../session/live.js';
import { addSessionOptions, sessionOptionsFrom, type SessionFlags } from '../session-flags.js';

interface AdviseFlags extends SessionFlags {
  format: string;
  json?: boolean;
}

function formatOf(flags: AdviseFlags): AdviceFormat {
  if (flags.json) return 'json';
  const f = flags.format.toLowerCase();
  const format =
    f === 'md' ? 'markdown' : f === 'sysctld' || f === 'sysctl' ? 'sysctl.d' : f === 'kubernetes' ? 'k8s' : f;
  if (!(ADVICE_FORMATS as readonly string[]).includes(format))
    throw usageError(`invalid --format "${flags.format}": ${ADVICE_FORMATS.join(', ')}`);
  return format as AdviceFormat;
}

async function live(flags: AdviseFlags): Promise<AdviceReport> {
  if (!flags.duration) throw usageError('live advice needs --duration (e.g. --duration 10m), or give a recording file');
  const session = await startSession(sessionOptionsFrom(flags));
  // Ctrl-C ends the measurement early and still prints the plan; a second one exits at once.
  let signalled = false;
  const onSignal = (): void => {
    if (signalled) process.exit(130);
    signalled = true;
    void session.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (session.info.mode === 'procfs')
      process.stderr.write(
        `tcpscope: procfs mode (${session.info.modeReason ?? ''}): SYN and SYN-ACK retransmits are estimated\n`,
      );
    process.stderr.write(`tcpscope: measuring for ${flags.duration} (Ctrl-C ends early and prints the plan)\n`);
    return await adviseSession(session);
  } finally {
    await session.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function registerAdvise(program: Command): void {
  const cmd = addSessionOptions(program.command('advise'), {
    duration: 'live: measure for this long (required without a recording)',
  })
    .description(
      'a tuning plan from measured evidence: workload profile per netns, then keep / change for each TCP sysctl (never writes one)',
    )
    .argument('[recordings...]', 'recordings made by tcpscope record (one per netns; several give one plan each)')
    .option('-f, --format <format>', `output: ${ADVICE_FORMATS.join(', ')}`, 'text')
    .option('--json', 'same as --format json')
    .addHelpText(
      'after',
      `
Examples:
  tcpscope advise "$(tcpscope demo --path)"                       # the bundled incident's plan, one per netns
  tcpscope advise "$(tcpscope demo --path)" --format sysctl.d     # a drop-in with each line's reason as comments
  tcpscope advise "$(tcpscope demo --path)" --format k8s          # pod securityContext.sysctls (safe vs unsafe)
  tcpscope advise "$(tcpscope demo --path)" --format markdown     # for a change ticket
  tcpscope advise "$(tcpscope demo --path)" --json               # {plans: [{profile, verdict, advice, refusals, margins}]}
  sudo tcpscope advise --duration 5s                              # live: measure this netns, then plan
Live: --duration 10m --netns web1 measures a container / named netns; Ctrl-C ends early and still prints the plan.
Formats docker and k8s give the container-scoped forms; host-wide settings and listen() backlogs stay comments.
Exit codes: 0 ok, 2 bad flags, 5/4 tracer or permission (live), 6 unknown netns, 7 not a recording, 8 cannot open.`,
    )
    .action(async (recordings: string[], flags: AdviseFlags) => {
      const format = formatOf(flags);
      if (recordings.length > 0 && flags.duration)
        throw usageError('--duration is for live advice: give recordings or --duration, not both');
      const report = recordings.length > 0 ? await adviseRecordings(recordings) : await live(flags);
      process.stdout.write(renderAdvice(report, format));
      for (const w of report.warnings) process.stderr.write(`tcpscope: warning: ${w}\n`);
    });
  void cmd;
}
