// Finds bpftrace and its version without a shell.
import { execa } from 'execa';

export interface BpftraceInfo {
  path: string;
  version: string;
  major: number;
  minor: number;
}

/** `bpftrace --version` -> info, or undefined when it is not installed / not runnable. */
export async function bpftraceInfo(
  bin = process.env.TCPSCOPE_BPFTRACE ?? 'bpftrace',
): Promise<BpftraceInfo | undefined> {
  try {
    const { stdout } = await execa(bin, ['--version'], { timeout: 10_000 });
    const m = /v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(stdout);
    if (!m) return undefined;
    return { path: bin, version: `${m[1]}.${m[2]}.${m[3] ?? '0'}`, major: Number(m[1]), minor: Number(m[2]) };
  } catch {
    return undefined;
  }
}
