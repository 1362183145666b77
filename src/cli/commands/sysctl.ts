// `tcpscope sysctl`: every TCP setting in force (in a netns if asked) with its default, what it means on this kernel
// (computed timelines) and warnings; no tracing needed.
import { release } from 'node:os';
import type { Command } from 'commander';
import { SYSCTLS, readSysctls } from '../../kernel/sysctl/index.js';
import { resolveNetns } from '../../kernel/netns/index.js';
import { computeTimelines, type Timelines } from '../../diagnose/kernel-timelines.js';
import { meaningOnThisKernel } from '../../diagnose/sysctl-meaning.js';
import { riskySettings, type RiskyWarning } from '../../diagnose/risky.js';
import { sysctlCommand } from '../../diagnose/values.js';
import type { NetnsRef } from '../../kernel/host/sample.js';
import { paint, useColor } from '../color.js';

export interface SysctlEntry {
  name: string;
  /** undefined when absent on this kernel / unreadable. */
  value: string | undefined;
  kernelDefault: string;
  unit: string;
  meaning: string;
  /** Computed from the live values, e.g. the SYN give-up time. */
  onThisKernel: string | undefined;
  /** Differs from a known (non-empty) kernel default. */
  changed: boolean;
}

export interface SysctlReport {
  kernel: string;
  netns: NetnsRef;
  sysctls: SysctlEntry[];
  timelines: Timelines;
  warnings: (RiskyWarning & { fix: string | undefined })[];
  absent: string[];
  notes: string[];
}

/** Extra names read for the timelines that are not in the catalog. */
const EXTRA = ['net.ipv4.tcp_rto_max_ms'];

/** The core of the command: read the sysctls in the netns named by `netnsSpec` and compute what they mean. */
export async function collectSysctlReport(netnsSpec: string | undefined): Promise<SysctlReport> {
  const target = await resolveNetns(netnsSpec);
  const names = [...SYSCTLS.map((s) => s.name), ...EXTRA.filter((e) => !SYSCTLS.some((s) => s.name === e))];
  const read = await readSysctls(target, names);
  const get = (name: string): string | undefined => read.values[name];
  const netns: NetnsRef = { inode: target.inode, name: target.name };
  const sysctls = SYSCTLS.map((spec): SysctlEntry => {
    const value = get(spec.name);
    return {
      name: spec.name, value, kernelDefault: spec.kernelDefault, unit: spec.unit, meaning: spec.meaning,
      onThisKernel: meaningOnThisKernel(spec.name, get),
      changed: value !== undefined && spec.kernelDefault !== '' && value !== spec.kernelDefault,
    };
  });
  const warnings = riskySettings(get).map((w) => ({ ...w, fix: w.suggest === undefined ? undefined : sysctlCommand(netns, w.name, w.suggest) }));
  return { kernel: release(), netns, sysctls, timelines: computeTimelines(get), warnings, absent: read.absent, notes: read.notes };
}

export function formatSysctlReport(r: SysctlReport, color: boolean): string {
  const lines: string[] = [];
  const where = r.netns.name ? `netns ${r.netns.name} (${r.netns.inode})` : `netns ${r.netns.inode}`;
  lines.push(paint(`TCP settings in ${where}, kernel ${r.kernel}`, 'bold', color));
  const width = Math.max(...r.sysctls.map((s) => s.name.length));
  for (const s of r.sysctls) {
    const value = s.value ?? '(absent)';
    const def = s.kernelDefault === '' ? '' : s.changed ? paint(` (default ${s.kernelDefault})`, 'yellow', color) : paint(' (default)', 'dim', color);
    lines.push(`${s.name.padEnd(width)}  ${value}${def}`);
    lines.push(`${' '.repeat(width + 2)}${paint(s.onThisKernel ?? s.meaning, s.onThisKernel ? 'cyan' : 'dim', color)}`);
  }
  if (r.warnings.length > 0) {
    lines.push('', paint('Warnings:', 'bold', color));
    for (const w of r.warnings) {
      lines.push(`${paint(w.severity === 'critical' ? '✘' : '!', w.severity === 'critical' ? 'red' : 'yellow', color)} ${w.name}=${w.value}: ${w.warning}${w.fix ? `  → ${w.fix}` : ''}`);
    }
  }
  for (const n of r.notes) lines.push(paint(`note: ${n}`, 'dim', color));
  return `${lines.join('\n')}\n`;
}

export async function runSysctl(flags: { netns?: string; json?: boolean }, out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): Promise<void> {
  const report = await collectSysctlReport(flags.netns);
  out.write(flags.json ? `${JSON.stringify(report)}\n` : formatSysctlReport(report, useColor(out)));
}

export function registerSysctl(program: Command): void {
  program
    .command('sysctl')
    .description('the TCP settings in force, their defaults, what they mean on this kernel (computed) and warnings')
    .option('-n, --netns <netns>', 'network namespace: name, path, pid or inode (sysctls are per netns)')
    .option('--json', 'print one JSON object (timelines.synGiveUpMs etc. as numbers)')
    .addHelpText('after', `
Examples:
  tcpscope sysctl                          # this host's netns
  sudo tcpscope sysctl --netns web1        # a container / named netns
  tcpscope sysctl --json | jq .timelines.synGiveUpMs`)
    .action(async (flags: { netns?: string; json?: boolean }) => {
      await runSysctl(flags);
    });
}
