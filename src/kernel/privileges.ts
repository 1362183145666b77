// Root or CAP_BPF+CAP_PERFMON (+ CAP_SYS_ADMIN for older kernels) decides whether eBPF mode can run.
import { readFile } from 'node:fs/promises';

const CAP_SYS_ADMIN = 21n;
const CAP_PERFMON = 38n;
const CAP_BPF = 39n;

export interface Privileges {
  uid: number;
  capEff: bigint;
  canTrace: boolean;
  description: string;
  /** setns() into another network namespace (nsenter) needs CAP_SYS_ADMIN. */
  canEnterNetns: boolean;
}

export async function privileges(statusPath = '/proc/self/status'): Promise<Privileges> {
  let capEff = 0n;
  try {
    const status = await readFile(statusPath, 'utf8');
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
    if (m) capEff = BigInt(`0x${m[1]}`);
  } catch {
    // no /proc: treated as no capabilities
  }
  const uid = process.getuid?.() ?? -1;
  const has = (bit: bigint): boolean => (capEff & (1n << bit)) !== 0n;
  const bpfPerf = has(CAP_BPF) && has(CAP_PERFMON);
  const canTrace = (uid === 0 && has(CAP_SYS_ADMIN)) || bpfPerf || has(CAP_SYS_ADMIN);
  const description =
    uid === 0 ? 'root' : bpfPerf ? `uid ${uid} with CAP_BPF+CAP_PERFMON` : `uid ${uid} without CAP_BPF/CAP_PERFMON`;
  return { uid, capEff, canTrace, description, canEnterNetns: has(CAP_SYS_ADMIN) };
}
