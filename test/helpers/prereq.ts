// Kernel tests call these first: a missing prerequisite FAILS the test with the fix (never a skip), in CI and locally.
import { access } from 'node:fs/promises';
import { execa } from 'execa';
import { ensureTracefs } from '../../src/kernel/tracefs/tracefs.js';

export async function requireRoot(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('prerequisite missing: kernel tests must run as root (sudo npm test)');
}

export async function requireCommand(cmd: string, pkg = cmd): Promise<void> {
  try {
    await execa(cmd, ['--version'], { reject: false, timeout: 10_000 });
  } catch {
    throw new Error(`prerequisite missing: "${cmd}" is not installed (apt-get install -y ${pkg}; .ci/run installs it)`);
  }
}

/** Root + bpftrace + tracefs (mounted here if absent, as CI machines boot without it). */
export async function requireKernelTracing(): Promise<void> {
  await requireRoot();
  await requireCommand('bpftrace');
  await ensureTracefs({ mount: true });
  try {
    await access('/sys/kernel/btf/vmlinux');
  } catch {
    throw new Error('prerequisite missing: /sys/kernel/btf/vmlinux (kernel BTF)');
  }
}

/** Root + iproute2 + nftables for lab namespaces. */
export async function requireLab(): Promise<void> {
  await requireRoot();
  await requireCommand('ip', 'iproute2');
  await requireCommand('nft', 'nftables');
}
