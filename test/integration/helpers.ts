// Integration-test helpers: run the real `tcpscope watch --json` binary against a lab netns, collect its snapshots,
// know when its probes are attached, stop it like a user (SIGINT) and prove nothing it started is left behind.
import { existsSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import type { Snapshot } from '../../src/model/snapshot.js';
import { onJsonLines } from '../helpers/ndjson.js';
import { deadline } from '../../scripts/lab/time-scale.js';

export const CLI = 'dist/cli/main.js';
export const ATTACHED_LINE = /tcpscope: eBPF probes attached \((\d+) probes\)/;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Everything the tests of one file started, checked by `assertNothingLeft()` at the end of the file. */
const started = { netns: new Set<string>(), bpftrace: new Set<number>(), watch: new Set<number>() };

export function trackNetns(...names: string[]): void {
  for (const n of names) started.netns.add(n);
}

export interface WatchRun<T = Snapshot> {
  child: ResultPromise;
  /** Every JSON line of stdout (whole host: HostSnapshots, and alert events when alerts are on). */
  snapshots: T[];
  stderr(): string;
  /** Resolves with the probe count once watch reports its probes attached. */
  attached: Promise<number>;
  /** Resolves once `n` more snapshots than now have been printed. */
  moreSnapshots(n: number, timeoutMs?: number): Promise<void>;
  /** SIGINT (as Ctrl-C), waits for the exit; returns the exit code. */
  stop(): Promise<number | undefined>;
}

/**
 * `tcpscope watch --json --netns <netns> --interval 500ms [...extra]`, stdout parsed line by line; `netns` undefined:
 * the whole host (no --netns; type the lines as HostSnapshot).
 */
export function startWatch<T = Snapshot>(
  netns: string | undefined,
  extra: string[] = ['--interval', '500ms'],
  env: Record<string, string> = {},
  attachMs = 60_000,
): WatchRun<T> {
  const where = netns === undefined ? 'whole host' : `--netns ${netns}`;
  const child = execa('node', [CLI, 'watch', '--json', ...(netns === undefined ? [] : ['--netns', netns]), ...extra], {
    reject: false,
    buffer: false,
    env: { NO_COLOR: '1', ...env },
    killSignal: 'SIGINT',
    forceKillAfterDelay: 10_000,
  });
  if (child.pid !== undefined) started.watch.add(child.pid);
  const snapshots: T[] = [];
  let err = '';
  const waiters: (() => void)[] = [];
  onJsonLines<T>(child.stdout, (snap) => {
    snapshots.push(snap);
    for (const w of waiters.splice(0)) w();
  });
  const attached = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`watch ${where}: probes not attached after ${deadline(attachMs) / 1000} s; stderr:\n${err}`)),
      deadline(attachMs),
    );
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
      const m = ATTACHED_LINE.exec(err);
      if (m) {
        clearTimeout(timer);
        void rememberBpftrace(child.pid);
        resolve(Number(m[1]));
      }
    });
    void child.then((r) => {
      clearTimeout(timer);
      reject(new Error(`watch ${where} exited (${String(r.exitCode)}) before attaching; stderr:\n${err}`));
    });
  });
  attached.catch(() => undefined);
  return {
    child,
    snapshots,
    stderr: () => err,
    attached,
    moreSnapshots: async (n, timeoutMs = 30_000) => {
      const target = snapshots.length + n;
      const end = Date.now() + deadline(timeoutMs);
      while (snapshots.length < target) {
        if (Date.now() > end || child.exitCode !== null)
          throw new Error(`watch ${where}: ${snapshots.length}/${target} snapshots; stderr:\n${err}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
    stop: async () => {
      child.kill('SIGINT');
      const r = await child;
      return r.exitCode;
    },
  };
}

/** bpftrace children of a watch process (so the end-of-file check can prove they are gone). */
async function rememberBpftrace(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  for (let i = 0; i < 20; i++) {
    const r = await execa('pgrep', ['-x', 'bpftrace', '-P', String(pid)], { reject: false });
    const pids = r.stdout.split('\n').filter(Boolean).map(Number);
    for (const p of pids) started.bpftrace.add(p);
    if (pids.length) return;
    await sleep(100);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills (SIGKILL) whatever a failed test left running. */
export function killLeftovers(): void {
  for (const p of [...started.watch, ...started.bpftrace]) if (alive(p)) process.kill(p, 'SIGKILL');
}

/** Every netns, watch and bpftrace this file started is gone (other engineers' runs are not ours to judge). */
export async function assertNothingLeft(): Promise<void> {
  const end = Date.now() + 15_000;
  for (;;) {
    const left = [
      ...[...started.netns].filter((n) => existsSync(`/run/netns/${n}`)).map((n) => `netns ${n}`),
      ...[...started.watch].filter(alive).map((p) => `watch pid ${p}`),
      ...[...started.bpftrace].filter(alive).map((p) => `bpftrace pid ${p}`),
    ];
    if (left.length === 0) return;
    if (Date.now() > end) throw new Error(`left behind: ${left.join(', ')}`);
    await sleep(200);
  }
}

/** Sum of a counter delta over snapshots. */
export const sumCounter = (snaps: Snapshot[], name: string): number =>
  snaps.reduce((t, s) => t + (s.counters[name] ?? 0), 0);

/** Sum of a numeric events field over snapshots. */
export const sumEvents = (snaps: Snapshot[], pick: (e: Snapshot['events']) => number): number =>
  snaps.reduce((t, s) => t + pick(s.events), 0);

/** Transitions `FROM->TO` summed over snapshots. */
export function sumTransitions(snaps: Snapshot[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of snaps) for (const [k, v] of Object.entries(s.transitions)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** Every finding that fired in the run, last occurrence per id (with its sysctls). */
export function findingsById(snaps: Snapshot[]): Map<string, Snapshot['findings'][number]> {
  const m = new Map<string, Snapshot['findings'][number]>();
  for (const s of snaps) for (const f of s.findings) m.set(f.id, f);
  return m;
}
