// Bench helpers reading /proc: CPU ticks and RSS of a process, process trees, BPF programs a process holds, host CPU.
import { readFile, readdir, readlink } from 'node:fs/promises';

/** USER_HZ: /proc/<pid>/stat utime/stime unit (100 on every Linux ABI we run on). */
export const CLK_TCK = 100;

/** utime + stime of one process, in seconds (0 once it is gone). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields after "(comm) ": state=0 ... utime=11 stime=12
  const utime = Number(rest[11] ?? 0);
  const stime = Number(rest[12] ?? 0);
  return (utime + stime) / CLK_TCK;
}

/** cutime + cstime: CPU of the children `pid` has reaped (short-lived helpers such as ss, nsenter), in seconds. */
export async function reapedChildrenCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[13] ?? 0) + Number(rest[14] ?? 0)) / CLK_TCK;
}

/** Resident set size in MB (VmRSS), or undefined once the process is gone. */
export async function rssMb(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return m ? Number(m[1]) / 1024 : undefined;
}

/** Every live descendant of `root` with its command name. */
export async function descendants(root: number): Promise<{ pid: number; comm: string }[]> {
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const stat = await readFile(`/proc/${d}/stat`, 'utf8').catch(() => '');
    const m = /^(\d+) \((.*)\) (\S) (\d+)/.exec(stat);
    if (m && m[3] !== 'Z') {
      parent.set(Number(m[1]), Number(m[4]));
      comm.set(Number(m[1]), m[2]!);
    }
  }
  const out: { pid: number; comm: string }[] = [];
  for (const [pid] of parent) {
    let p = parent.get(pid);
    while (p !== undefined && p > 1 && p !== root) p = parent.get(p);
    if (p === root) out.push({ pid, comm: comm.get(pid) ?? '' });
  }
  return out;
}

/** How many BPF program fds `pid` holds (> 0 once a tracer has attached). */
export async function bpfProgCount(pid: number): Promise<number> {
  let n = 0;
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
    if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')).includes('bpf-prog')) n++;
  }
  return n;
}

/** Run time and run count of every BPF program `pid` holds (fdinfo; non-zero only with kernel.bpf_stats_enabled=1). */
export async function bpfRunStats(pid: number): Promise<{ ns: number; runs: number }> {
  const seen = new Set<string>();
  let ns = 0;
  let runs = 0;
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
    if (!(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')).includes('bpf-prog')) continue;
    const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8').catch(() => '');
    const id = /^prog_id:\s*(\d+)/m.exec(info)?.[1];
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    ns += Number(/^run_time_ns:\s*(\d+)/m.exec(info)?.[1] ?? 0);
    runs += Number(/^run_cnt:\s*(\d+)/m.exec(info)?.[1] ?? 0);
  }
  return { ns, runs };
}

/** Host CPU counters (all cores) from /proc/stat, in ticks: busy = everything but idle and iowait. */
export async function hostCpu(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

export async function loadAverage(): Promise<string> {
  return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
}
