// Shared helpers of the probe kernel tests: throwaway netns, process checks, waiting on observables.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { execa } from 'execa';

export interface TestNetns { name: string; inode: number; destroy(): Promise<void> }

export async function createNetns(): Promise<TestNetns> {
  const name = `tsx-${randomBytes(4).toString('hex')}`;
  await execa('ip', ['netns', 'add', name]);
  await execa('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  const inode = (await stat(`/run/netns/${name}`)).ino;
  return { name, inode, destroy: async () => void (await execa('ip', ['netns', 'del', name], { reject: false })) };
}

/** Running (a zombie is dead: it holds no fds and no BPF program, it only waits to be reaped by its new parent). */
export function alive(pid: number): boolean {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /s.test(st);
  } catch {
    return false;
  }
}

/** bpftrace pids currently running on the host (pgrep -x bpftrace). */
export async function bpftracePids(): Promise<number[]> {
  const r = await execa('pgrep', ['-x', 'bpftrace'], { reject: false });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

/** BPF program ids held open by a process (from /proc/PID/fdinfo `prog_id:`). */
export async function progIdsOf(pid: number): Promise<number[]> {
  const ids: number[] = [];
  for (const fd of await readdir(`/proc/${pid}/fdinfo`).catch(() => [] as string[])) {
    const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8').catch(() => '');
    const m = /^prog_id:\s*(\d+)/m.exec(info);
    if (m) ids.push(Number(m[1]));
  }
  return ids;
}

/** Ids of every BPF program loaded in the kernel. */
export async function loadedProgIds(): Promise<Set<number>> {
  const r = await execa('bpftool', ['prog', 'list', '-j']);
  return new Set((JSON.parse(r.stdout) as { id: number }[]).map((p) => p.id));
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
