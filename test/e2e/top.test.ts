// The real `tcpscope top` in tmux against the lab's accept-overflow scenario: what an operator sees, and a clean quit.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { requireCommand, requireKernelTracing, requireLab } from '../helpers/prereq.js';
import { runScenario, type Topology } from '../../scripts/lab/index.js';
import { descendants } from '../../scripts/bench/proc.js';
import { capture, paneExit, startPane, tmux } from '../helpers/tmux.js';

const CLI = 'dist/cli/main.js';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// A zombie is dead for this purpose: its fds (and BPF programs) are closed; only its parent has not reaped it.
const alive = async (pid: number): Promise<boolean> =>
  readFile(`/proc/${pid}/stat`, 'utf8').then(
    (st) => !/^\d+ \(.*\) Z /.test(st),
    () => false,
  );

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
          topPid = await startPane(session, 200, 60, ['node', CLI, 'top', '--netns', t.server.name]);
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
      const status = await paneExit(session, topPid);
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
