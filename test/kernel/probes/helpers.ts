// Shared helpers of the probe kernel tests: throwaway netns, process checks, waiting on observables, a probe trace.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { execa } from 'execa';
import { filter, firstValueFrom, Subject, take, type Subscription } from 'rxjs';
import type { Capabilities } from '../../../src/kernel/capabilities.js';
import {
  BatchDecoder,
  isAttachedLine,
  isTickLine,
  probeInputs$,
  reasonTables,
  whenBpftraceStopped,
  type ProbeBatch,
} from '../../../src/kernel/probes/index.js';
import type { GapInput, ProbeLineInput } from '../../../src/model/inputs.js';

export interface TestNetns {
  name: string;
  inode: number;
  destroy(): Promise<void>;
}

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

/** The full probe program (all netns) feeding a decoder, as the kernel probe tests drive it. */
export interface ProbeTrace {
  /** Batches decoded since the last reset (see started). */
  batches: ProbeBatch[];
  gaps(): number;
  decoder: BatchDecoder;
  /** The next raw line matching `pred`. */
  next(pred: (line: string) => boolean): Promise<string>;
  /** Resolves once every probe is attached and ticking; batches before that are dropped. */
  started: Promise<void>;
  stop(): Promise<void>;
}

export function startProbeTrace(caps: Capabilities, opts: { port?: number; intervalMs: number }): ProbeTrace {
  const decoder = new BatchDecoder(reasonTables(caps));
  const batches: ProbeBatch[] = [];
  const lines = new Subject<string>();
  let gaps = 0;
  const next = (pred: (l: string) => boolean): Promise<string> => firstValueFrom(lines.pipe(filter(pred), take(1)));
  const attached = next(isAttachedLine);
  const sub: Subscription = probeInputs$({
    caps,
    netnsInode: 0,
    port: opts.port ?? 0,
    intervalMs: opts.intervalMs,
    detailCap: 1000,
  }).subscribe({
    next: (i: ProbeLineInput | GapInput) => {
      if (i.kind === 'gap') gaps++;
      else {
        const b = decoder.push(i.line);
        if (b) batches.push(b);
        lines.next(i.line);
      }
    },
    error: (err: unknown) => lines.error(err),
  });
  const started = (async () => {
    await attached;
    await next(isTickLine); // the interval probe is attached last: from here every probe counts
    batches.length = 0;
  })();
  started.catch(() => undefined); // awaited by the caller; a tracer failing before that is not an unhandled rejection
  return {
    batches,
    decoder,
    next,
    started,
    gaps: () => gaps,
    stop: async () => {
      sub.unsubscribe();
      await whenBpftraceStopped();
    },
  };
}
