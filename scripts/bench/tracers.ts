// The A/B variants of the churn bench: no tracer, tcpscope top (tmux pty), tcpscope watch --json, tcpstates, naive bpftrace.
import { execa, type ResultPromise } from 'execa';
import { bpfProgCount, descendants } from './proc.js';

export const VARIANTS = ['none', 'top', 'watch', 'tcpstates', 'bpftrace'] as const;
export type Variant = (typeof VARIANTS)[number];

export const VARIANT_LABEL: Record<Variant, string> = {
  none: 'no tracer',
  top: 'tcpscope top (tmux 200x60)',
  watch: 'tcpscope watch --json',
  tcpstates: 'libbpf-tools tcpstates',
  bpftrace: 'bpftrace printf per event',
};

/** Per-event printf: what a naive tracer does (constant program text). */
export const NAIVE_PROGRAM =
  'tracepoint:sock:inet_sock_set_state { printf("%d %d %d %d %d\\n", args->oldstate, args->newstate, args->sport, args->dport, args->protocol); }';

const CLI = 'dist/cli/main.js';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface RunningTracer {
  variant: Variant;
  /** The processes whose CPU is charged to the tracer (tcpscope: node + its bpftrace). */
  pids(): Promise<number[]>;
  /** Every process of the tool (tcpscope: node, bpftrace and the long-lived helpers such as the netns holder). */
  allPids(): Promise<number[]>;
  /** The process whose RSS is the tool's memory (tcpscope: node). */
  mainPid: number;
  stop(): Promise<void>;
}

/** Everything started and not yet stopped, for signal handlers and finally blocks. */
const live = new Set<() => Promise<void>>();
export async function stopAllTracers(): Promise<void> {
  await Promise.allSettled([...live].map((f) => f()));
}

async function waitAttached(root: number, includeRoot: boolean, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const pids = [...(includeRoot ? [root] : []), ...(await descendants(root)).map((d) => d.pid)];
    for (const p of pids) if ((await bpfProgCount(p)) > 0) return;
    await sleep(100);
  }
  throw new Error(`tracer ${root} did not attach within ${timeoutMs} ms`);
}

async function stopChild(child: ResultPromise, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill(signal);
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await child.catch(() => undefined);
  clearTimeout(t);
}

let sessions = 0;

/** Starts one variant against netns `ns` and resolves once its BPF programs are attached (undefined for 'none'). */
export async function startTracer(variant: Variant, ns: string): Promise<RunningTracer | undefined> {
  if (variant === 'none') return undefined;
  if (variant === 'top') {
    const name = `tsbench-${process.pid}-${sessions++}`;
    await execa('tmux', ['new-session', '-d', '-s', name, '-x', '200', '-y', '60', 'node', CLI, 'top', '--netns', ns]);
    const kill = async (): Promise<void> => {
      await execa('tmux', ['send-keys', '-t', name, 'q'], { reject: false });
      for (let i = 0; i < 50; i++) {
        const r = await execa('tmux', ['has-session', '-t', name], { reject: false });
        if (r.exitCode !== 0) break;
        await sleep(100);
      }
      await execa('tmux', ['kill-session', '-t', name], { reject: false });
    };
    live.add(kill);
    const pid = Number((await execa('tmux', ['display-message', '-p', '-t', name, '#{pane_pid}'])).stdout.trim());
    await waitAttached(pid, false);
    return tracerHandle(variant, pid, kill);
  }
  const child: ResultPromise =
    variant === 'watch'
      ? execa('node', [CLI, 'watch', '--json', '--netns', ns], {
          stdout: 'ignore',
          stderr: 'ignore',
          stdin: 'ignore',
          reject: false,
        })
      : variant === 'tcpstates'
        ? execa('tcpstates', [], { stdout: 'ignore', stderr: 'ignore', stdin: 'ignore', reject: false })
        : execa('bpftrace', ['-e', NAIVE_PROGRAM], {
            stdout: 'ignore',
            stderr: 'ignore',
            stdin: 'ignore',
            reject: false,
          });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${variant}`);
  const kill = (): Promise<void> => stopChild(child, 'SIGINT');
  live.add(kill);
  await waitAttached(pid, variant !== 'watch');
  return tracerHandle(variant, pid, kill);
}

/** The handle of a running tracer: its pids (bpftrace children, every descendant) and how to stop it. */
function tracerHandle(variant: Variant, pid: number, kill: () => Promise<void>): RunningTracer {
  return {
    variant,
    mainPid: pid,
    pids: async () => [pid, ...(await descendants(pid)).filter((d) => d.comm === 'bpftrace').map((d) => d.pid)],
    allPids: async () => [pid, ...(await descendants(pid)).map((d) => d.pid)],
    stop: async () => {
      live.delete(kill);
      await kill();
    },
  };
}
