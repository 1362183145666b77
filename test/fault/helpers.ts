// Shared by the fault suite: process trees, BPF programs held by a process, and the real CLI under test.
import { readFile, readdir, readlink } from 'node:fs/promises';
import { execa, type ResultPromise } from 'execa';
import { descendants } from '../../scripts/bench/proc.js';

export const CLI = 'dist/cli/main.js';
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const alive = async (pid: number): Promise<boolean> => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // A zombie is dead for our purposes (its BPF fds are closed); its parent has not reaped it yet.
  return stat !== '' && !/^\d+ \(.*\) Z /.test(stat);
};

/** Every live descendant of `root` with its command name (one implementation, shared with the bench). */
export { descendants };

/** Ids of the BPF programs whose fds `pid` holds (from /proc/PID/fdinfo: `prog_id:`). */
export async function bpfProgIds(pid: number): Promise<number[]> {
  const ids = new Set<number>();
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    if (!target.includes('bpf-prog')) continue;
    const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8').catch(() => '');
    const m = /^prog_id:\s*(\d+)/m.exec(info);
    if (m) ids.add(Number(m[1]));
  }
  return [...ids].sort((a, b) => a - b);
}

/** Ids of every BPF program loaded in the kernel (bpftool prog list -j). */
export async function loadedProgIds(): Promise<Set<number>> {
  const r = await execa('bpftool', ['prog', 'list', '-j'], { reject: false });
  const list = JSON.parse(r.stdout || '[]') as { id: number }[];
  return new Set(list.map((p) => p.id));
}

/** Our bpftrace processes under `root`, with the BPF programs each holds (waits until they are attached). */
export async function tracersOf(root: number, timeoutMs = 45_000): Promise<{ pid: number; progs: number[] }[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const tracers = (await descendants(root)).filter((p) => p.comm === 'bpftrace');
    const withProgs = await Promise.all(tracers.map(async (t) => ({ pid: t.pid, progs: await bpfProgIds(t.pid) })));
    if (withProgs.length > 0 && withProgs.every((t) => t.progs.length > 0)) return withProgs;
    if (Date.now() > until) throw new Error(`no attached bpftrace under pid ${root} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** After an exit: which of our bpftrace pids are still alive and which of their programs are still loaded. */
export async function leftovers(
  tracers: { pid: number; progs: number[] }[],
  helpers: number[] = [],
): Promise<{ pids: number[]; progs: number[] }> {
  const pids: number[] = [];
  for (const p of [...tracers.map((t) => t.pid), ...helpers]) if (await alive(p)) pids.push(p);
  const loaded = await loadedProgIds();
  const progs = tracers.flatMap((t) => t.progs).filter((id) => loaded.has(id));
  return { pids, progs };
}

/** Waits until `check` holds or the time is up; returns its last value. */
export async function waitFor<T>(
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs: number,
  stepMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let v = await fn();
  while (!ok(v) && Date.now() < until) {
    await sleep(stepMs);
    v = await fn();
  }
  return v;
}

/** `tcpscope ARGS` as a child (no shell), NO_COLOR, never rejecting. */
export function cli(
  args: string[],
  env: Record<string, string> = {},
  opts: { timeoutMs?: number; input?: string } = {},
): ResultPromise<{ reject: false }> {
  return execa('node', [CLI, ...args], {
    reject: false,
    env: { NO_COLOR: '1', ...env },
    timeout: opts.timeoutMs ?? 60_000,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  }) as ResultPromise<{ reject: false }>;
}

/** A fresh empty netns (lo up) for one test; remove it with `ip netns del`. */
export async function throwawayNetns(tag: string): Promise<string> {
  const name = `tsx-f${tag}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  await execa('ip', ['netns', 'add', name]);
  await execa('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

export const dropNetns = (name: string): Promise<unknown> => execa('ip', ['netns', 'del', name], { reject: false });

/** One-line error contract: a single `tcpscope: ...` line, no stack frames. */
export function oneLineError(stderr: string): boolean {
  // Progress lines (probes attached, procfs mode) are not part of the error.
  const progress = /^tcpscope: (eBPF probes (re-)?attached|procfs mode)/;
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '' && !progress.test(l));
  return lines.length === 1 && lines[0]!.startsWith('tcpscope: ') && !/^\s+at /m.test(stderr);
}

/**
 * Exit status of a process that has exited but not been reaped yet (a zombie): the last field of /proc/PID/stat is
 * its wait status. tmux 3.3 sometimes leaves a dead pane's process unreaped for a while (pane_dead_status empty).
 */
export async function zombieExit(
  pid: number,
): Promise<{ code: number | undefined; signal: number | undefined } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (!/^\d+ \(.*\) Z /.test(stat)) return undefined;
  const status = Number(stat.trim().split(' ').at(-1));
  return (status & 0x7f) === 0
    ? { code: (status >> 8) & 0xff, signal: undefined }
    : { code: undefined, signal: status & 0x7f };
}
