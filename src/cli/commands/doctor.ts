// `tcpscope doctor`: can eBPF mode run here, and if not, the one command that fixes each problem.
import type { Command } from 'commander';
import { runDoctor, type Check } from '../../kernel/doctor.js';
import { useColor, paint } from '../color.js';

const MARK: Record<Check['status'], string> = { ok: '✔', warn: '!', fail: '✘' };
const COLOR: Record<Check['status'], 'green' | 'yellow' | 'red'> = { ok: 'green', warn: 'yellow', fail: 'red' };

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check root, bpftrace, BTF, tracefs (mounting it when root) and every tracepoint tcpscope uses')
    .option('--json', 'print one JSON object')
    .option('--no-mount', 'do not mount tracefs even when root')
    .addHelpText(
      'after',
      `
Examples:
  sudo tcpscope doctor           # one line per check, with the fix; exit 0 when eBPF mode works
  tcpscope doctor --json | jq .mode
Exit codes: 0 eBPF mode possible, 3 only procfs (counters) mode, 8 not even procfs.`,
    )
    .action(async (opts: { json?: boolean; mount: boolean }) => {
      const report = await runDoctor({ mount: opts.mount });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
      } else {
        const color = useColor(process.stdout);
        for (const c of report.checks) {
          const fix = c.fix ? `  → ${c.fix}` : '';
          process.stdout.write(`${paint(MARK[c.status], COLOR[c.status], color)} ${c.name}: ${c.detail}${fix}\n`);
        }
        const verdict =
          report.mode === 'ebpf'
            ? 'eBPF mode available'
            : report.mode === 'procfs'
              ? 'only procfs (counters) mode available: fix the ✘ lines for eBPF'
              : 'tcpscope cannot run here';
        process.stdout.write(`kernel ${report.kernel}: ${verdict}\n`);
      }
      process.exitCode = report.exitCode;
    });
}
