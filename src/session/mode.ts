// Decides eBPF vs procfs mode up front and says why, so procfs-only runs are explained, never silent.
import { ExitCode, TcpscopeError, messageOf } from '../errors.js';
import { TRACEPOINTS, detectCapabilities, type Capabilities } from '../kernel/capabilities.js';
import { bpftraceInfo, type BpftraceInfo } from '../kernel/bpftrace/version.js';
import { privileges } from '../kernel/privileges.js';
import { ensureTracefs } from '../kernel/tracefs/tracefs.js';
import type { RequestedMode } from '../model/session.js';

export type ModeDecision =
  | { mode: 'ebpf'; caps: Capabilities; bpftrace: BpftraceInfo }
  | { mode: 'procfs'; reason: string; caps: undefined; bpftrace: BpftraceInfo | undefined };

/** In `auto` a missing prerequisite means procfs mode with the reason; in `ebpf` it is an error. */
export async function decideMode(requested: RequestedMode): Promise<ModeDecision> {
  if (requested === 'procfs')
    return {
      mode: 'procfs',
      reason: 'procfs mode requested (--procfs)',
      caps: undefined,
      bpftrace: await bpftraceInfo(),
    };
  const fallback = (reason: string, exitCode: number, hint: string, cause?: unknown): ModeDecision => {
    if (requested === 'ebpf')
      throw new TcpscopeError(reason, { exitCode: exitCode as TcpscopeError['exitCode'], hint, cause });
    return { mode: 'procfs', reason: `${reason}: ${hint}`, caps: undefined, bpftrace: undefined };
  };
  const priv = await privileges();
  if (!priv.canTrace)
    return fallback(`eBPF needs root (${priv.description})`, ExitCode.permission, 'run with sudo for eBPF');
  const bt = await bpftraceInfo();
  if (!bt) return fallback('bpftrace is not installed', ExitCode.tracer, 'apt-get install -y bpftrace');
  let tracefs: string | undefined;
  try {
    tracefs = (await ensureTracefs({ mount: priv.uid === 0 })).path;
  } catch (err) {
    return fallback(
      `tracefs unavailable (${messageOf(err)})`,
      ExitCode.tracer,
      'mount -t tracefs tracefs /sys/kernel/tracing',
      err,
    );
  }
  const caps = await detectCapabilities(tracefs!);
  const missing = TRACEPOINTS.filter((tp) => !tp.optional && !caps.tracepoints[tp.id].present).map((tp) => tp.id);
  if (missing.length > 0)
    return fallback(
      `tracepoints missing: ${missing.join(', ')}`,
      ExitCode.tracer,
      'needs Linux >= 4.16 with tracepoints; see tcpscope doctor',
    );
  return { mode: 'ebpf', caps, bpftrace: { ...bt } };
}
