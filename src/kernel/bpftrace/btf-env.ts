// bpftrace 0.17 does not find the vmlinux BTF of kernels without module BTF (5.10: `bpftrace --info` says "btf: no"
// and every `(struct sk_buff *)` cast fails with "Unknown struct/union") although /sys/kernel/btf/vmlinux is there;
// pointing BPFTRACE_BTF at that file fixes it and loses nothing, since there is no module BTF to lose.
import { readdirSync } from 'node:fs';

const SYS_BTF = '/sys/kernel/btf';

/**
 * Extra environment for a bpftrace child: `BPFTRACE_BTF=/sys/kernel/btf/vmlinux` when the kernel exposes vmlinux BTF
 * and no module BTF (the only case where bpftrace's own lookup can fail), unless the user set BPFTRACE_BTF already.
 * `list` (tests) gives the listing of /sys/kernel/btf; undefined when it cannot be read.
 */
export function bpftraceBtfEnv(
  env: NodeJS.ProcessEnv = process.env,
  list: () => string[] | undefined = listSysBtf,
): Record<string, string> {
  const entries = env.BPFTRACE_BTF === undefined ? list() : undefined;
  if (env.BPFTRACE_BTF !== undefined || entries === undefined) return {};
  return entries.length === 1 && entries[0] === 'vmlinux' ? { BPFTRACE_BTF: `${SYS_BTF}/vmlinux` } : {};
}

function listSysBtf(): string[] | undefined {
  try {
    return readdirSync(SYS_BTF);
  } catch {
    return undefined;
  }
}
