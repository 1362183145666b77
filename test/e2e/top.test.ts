// The real `tcpscope top` in tmux against the lab's accept-overflow scenario: what an operator sees, and a clean quit.
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { requireCommand, requireKernelTracing, requireLab } from '../helpers/prereq.js';
import { runScenario, type Topology } from '../../scripts/lab/index.js';
import { descendants } from '../../scripts/bench/proc.js';
import { zombieExit } from '../fault/helpers.js';

const CLI = 'dist/cli/main.js';
const tmux = (args: string[]) => execa('tmux', args, { reject: false });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function capture(session: string): Promise<string> {
  return (await tmux(['capture-pane', '-p', '-t', session])).stdout;
}

// A zombie is dead for this purpose: its fds (and BPF programs) are closed; only its parent has not reaped it.
const alive = async (pid: number): Promise<boolean> =>
  readFile(`/proc/${pid}/stat`, 'utf8').then((st) => !/^\d+ \(.*\) Z /.test(st), () => false);

describe('tcpscope top (tmux, lab)', () => {
  it('shows the accept-queue overflow rate and finding for the lab server netns, and q leaves no bpftrace', async () => {
    await requireKernelTracing();
    await requireLab();
    await requireCommand('tmux');
    const session = `tstop-${process.pid}`;
    const captures: string[] = [];
    let polling = true;
    let poller: Promise<void> | undefined;
    let topo: Topology | undefined;
    let topPid = 0;
    let tracers: { pid: number; comm: string }[] = [];
    try {
      const truth = await runScenario('accept-overflow', {
        keepTopology: true,
        beforeTraffic: async (t) => {
          // remain-on-exit keeps the pane so its exit status can be read after q.
          await execa('tmux', ['new-session', '-d', '-s', session, '-x', '200', '-y', '60', 'node', CLI, 'top', '--netns', t.server.name]);
          await tmux(['set-option', '-t', session, 'remain-on-exit', 'on']);
          topPid = Number((await tmux(['display-message', '-p', '-t', session, '#{pane_pid}'])).stdout.trim());
          // Ready when the first snapshot is drawn in eBPF mode (bpftrace attached and ticking).
          for (let i = 0; i < 100; i++) {
            const text = await capture(session);
            if (/tcpscope eBPF/.test(text) && /last \d\d:\d\d:\d\d/.test(text)) break;
            await sleep(200);
          }
          poller = (async () => {
            while (polling) {
              captures.push(await capture(session));
              await sleep(250);
            }
          })();
        },
      });
      topo = truth.topology;
      expect(truth.server.counters.TcpExtListenOverflows ?? 0).toBeGreaterThan(0);
      // Let the last intervals and the finding's hysteresis reach the screen.
      for (let i = 0; i < 40 && !captures.some((c) => c.includes('accept-queue-overflow')); i++) await sleep(250);
      await sleep(1500);
      polling = false;
      await poller;

      const all = captures.join('\n');
      expect(captures.at(-1)).toContain(`(${truth.server.name})`);
      expect(all).toMatch(/accept-queue overflows\s+[1-9][\d.]*k?\/s/);
      const findingLines = all.split('\n').filter((l) => l.includes('accept-queue-overflow'));
      expect(findingLines.length).toBeGreaterThan(0);
      expect(all).toMatch(/(somaxconn|backlog)/);
      expect(all).toMatch(/!somaxconn/);

      tracers = (await descendants(topPid)).filter((p) => p.comm.startsWith('bpftrace'));
      expect(tracers.length).toBeGreaterThan(0);

      await tmux(['send-keys', '-t', session, 'q']);
      let status = '';
      for (let i = 0; i < 75; i++) {
        // tmux 3.3 does not always reap the pane's process: read the exit status from the zombie then.
        const z = await zombieExit(topPid);
        if (z) {
          status = `1 ${z.code ?? `signal ${String(z.signal)}`}`;
          break;
        }
        const r = await tmux(['display-message', '-p', '-t', session, '#{pane_dead} #{pane_dead_status}#{pane_dead_signal}']);
        // The pane can read as dead (pty closed) a moment before tmux has reaped the process and knows its status.
        if (/^1 \S/.test(r.stdout)) {
          status = r.stdout.trim();
          break;
        }
        await sleep(200);
      }
      expect(status, await capture(session)).toBe('1 0');
      for (const t of tracers) expect(await alive(t.pid), `bpftrace ${t.pid} still running`).toBe(false);
      expect(await alive(topPid)).toBe(false);
    } finally {
      polling = false;
      await poller;
      await tmux(['kill-session', '-t', session]);
      for (const t of tracers) if (await alive(t.pid)) process.kill(t.pid, 'SIGKILL');
      await topo?.destroy();
    }
  }, 120_000);
});
