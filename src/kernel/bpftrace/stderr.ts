// Turns bpftrace's stderr into clear TcpscopeErrors: its own messages are terse and sometimes misleading (tracefs).
import { ExitCode, TcpscopeError } from '../../errors.js';
import { isHarmlessStderr } from './noise.js';

export type StderrKind =
  | 'noise'
  | 'warning'
  | 'not-root'
  | 'tracepoint-missing'
  | 'btf-missing'
  | 'struct-field'
  | 'program-too-large'
  | 'verifier'
  | 'syntax'
  | 'other';

export interface StderrProblem {
  kind: StderrKind;
  line: string;
}

const RULES: [StderrKind, RegExp][] = [
  ['not-root', /only supports running as the root user|Operation not permitted|permission denied/i],
  ['tracepoint-missing', /tracepoint not found|No probes to attach|Could not read symbols|probe not found/i],
  ['btf-missing', /BTF.*(not available|missing|failed)|Unknown struct\/union|Cannot resolve unknown type/i],
  ['struct-field', /does not contain a field named|Unknown field|Struct\/union of type .* does not/i],
  ['program-too-large', /program is too large|too many instructions|BPF program size|E2BIG|Argument list too long/i],
  ['verifier', /Error loading program|verifier|Permission denied.*load|invalid mem access|R\d+ invalid/i],
  ['syntax', /syntax error|unexpected|Unknown identifier|Undefined map|Positional parameter/i],
];

/** One stderr line -> what it means (source-location and caret lines that follow an error are 'other'). */
export function classifyStderrLine(line: string): StderrProblem {
  if (isHarmlessStderr(line)) return { kind: 'noise', line };
  if (/^(.*: )?WARNING:/.test(line)) return { kind: 'warning', line };
  for (const [kind, re] of RULES) if (re.test(line)) return { kind, line };
  return { kind: 'other', line };
}

/** The bpftrace message without its `stdin:1:2-3: ERROR: ` prefix. */
function bare(line: string): string {
  return line.replace(/^.*?ERROR:\s*/, '').trim();
}

/**
 * The error to report for a bpftrace run that failed with these stderr lines; `tracefsMounted` turns bpftrace's
 * "tracepoint not found" into the real cause when tracefs is not mounted.
 */
export function stderrError(
  lines: readonly string[],
  ctx: { tracefsMounted: boolean; exitCode?: number | undefined },
): TcpscopeError {
  const problems = lines.map(classifyStderrLine).filter((p) => p.kind !== 'noise' && p.kind !== 'warning');
  const first = problems.find((p) => p.kind !== 'other') ?? problems.find((p) => /ERROR/i.test(p.line)) ?? problems[0];
  const msg = first
    ? bare(first.line)
    : `bpftrace exited with code ${String(ctx.exitCode ?? 'unknown')} and no message`;
  switch (first?.kind) {
    case 'not-root':
      return new TcpscopeError(`bpftrace needs root: ${msg}`, {
        exitCode: ExitCode.permission,
        hint: 'run with sudo (eBPF tracing needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN)',
      });
    case 'tracepoint-missing':
      return ctx.tracefsMounted
        ? new TcpscopeError(`a tracepoint tcpscope needs is missing on this kernel: ${msg}`, {
            exitCode: ExitCode.tracer,
            hint: 'run `tcpscope doctor` to see which tracepoints and fields this kernel has',
          })
        : new TcpscopeError(`tracefs is not mounted, so bpftrace sees no tracepoint (it said: ${msg})`, {
            exitCode: ExitCode.tracer,
            hint: 'mount -t tracefs tracefs /sys/kernel/tracing',
          });
    case 'btf-missing':
      return new TcpscopeError(`kernel BTF is missing or incomplete: ${msg}`, {
        exitCode: ExitCode.tracer,
        hint: 'use a kernel built with CONFIG_DEBUG_INFO_BTF=y (/sys/kernel/btf/vmlinux)',
      });
    case 'struct-field':
      return new TcpscopeError(`this kernel's socket structures differ from what the probes read: ${msg}`, {
        exitCode: ExitCode.tracer,
        hint: 'report it with `tcpscope doctor --json` output; procfs mode still works (--mode procfs)',
      });
    case 'program-too-large':
      return new TcpscopeError(`the probe program is too large for this kernel: ${msg}`, {
        exitCode: ExitCode.tracer,
        hint: 'narrow it with --port, or use --mode procfs',
      });
    case 'verifier':
      return new TcpscopeError(`the kernel refused to load the probe program: ${msg}`, {
        exitCode: ExitCode.tracer,
        hint: 'run `tcpscope doctor`; procfs mode still works (--mode procfs)',
      });
    case 'syntax':
      return new TcpscopeError(`internal error: bpftrace rejected the generated program: ${msg}`, {
        exitCode: ExitCode.internal,
      });
    default:
      return new TcpscopeError(`bpftrace failed: ${msg}`, { exitCode: ExitCode.tracer });
  }
}
