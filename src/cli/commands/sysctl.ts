// `tcpscope sysctl`: every TCP setting in force (in a netns if asked) with its default, what it means on this kernel
// (computed timelines) and warnings; no tracing needed.
import type { Command } from 'commander';
import { collectSysctlReport, type SysctlReport } from '../../diagnose/sysctl-report.js';
import { paint, useColor } from '../color.js';

export { collectSysctlReport, type SysctlReport, type SysctlEntry } from '../../diagnose/sysctl-report.js';

export function formatSysctlReport(r: SysctlReport, color: boolean): string {
  const lines: string[] = [];
  const where = r.netns.name ? `netns ${r.netns.name} (${r.netns.inode})` : `netns ${r.netns.inode}`;
  lines.push(paint(`TCP settings in ${where}, kernel ${r.kernel}`, 'bold', color));
  const width = Math.max(...r.sysctls.map((s) => s.name.length));
  for (const s of r.sysctls) {
    const value = s.value ?? '(absent)';
    const def =
      s.kernelDefault === ''
        ? ''
        : s.changed
          ? paint(` (default ${s.kernelDefault})`, 'yellow', color)
          : paint(' (default)', 'dim', color);
    lines.push(`${s.name.padEnd(width)}  ${value}${def}`);
    lines.push(`${' '.repeat(width + 2)}${paint(s.onThisKernel ?? s.meaning, s.onThisKernel ? 'cyan' : 'dim', color)}`);
  }
  if (r.warnings.length > 0) {
    lines.push('', paint('Warnings:', 'bold', color));
    for (const w of r.warnings) {
      lines.push(
        `${paint(w.severity === 'critical' ? '✘' : '!', w.severity === 'critical' ? 'red' : 'yellow', color)} ${w.name}=${w.value}: ${w.warning}${w.fix ? `  → ${w.fix}` : ''}`,
      );
    }
  }
  for (const n of r.notes) lines.push(paint(`note: ${n}`, 'dim', color));
  return `${lines.join('\n')}\n`;
}

export async function runSysctl(
  flags: { netns?: string; json?: boolean },
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): Promise<void> {
  const report = await collectSysctlReport(flags.netns);
  out.write(flags.json ? `${JSON.stringify(report)}\n` : formatSysctlReport(report, useColor(out)));
}

export function registerSysctl(program: Command): void {
  program
    .command('sysctl')
    .description('the TCP settings in force, their defaults, what they mean on this kernel (computed) and warnings')
    .option('-n, --netns <netns>', 'network namespace: name, path, pid or inode (sysctls are per netns)')
    .option('--json', 'print one JSON object (timelines.synGiveUpMs etc. as numbers)')
    .addHelpText(
      'after',
      `
Examples:
  tcpscope sysctl                          # this host's netns
  sudo tcpscope sysctl --netns web1        # a container / named netns
  tcpscope sysctl --json | jq .timelines.synGiveUpMs`,
    )
    .action(async (flags: { netns?: string; json?: boolean }) => {
      await runSysctl(flags);
    });
}
