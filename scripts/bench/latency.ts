// Bench latencies: start to first data (top in tmux, watch --json) and kernel event to its snapshot, in a quiet netns.
import { execa } from 'execa';
import { bpfProgCount, descendants } from './proc.js';

const CLI = 'dist/cli/main.js';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** ms from starting `tcpscope top` in a 200x60 tmux pane until a snapshot is drawn (the header shows `last HH:MM:SS`). */
export async function topFirstDataMs(ns: string): Promise<number> {
  const name = `tsbench-lat-${process.pid}`;
  const t0 = performance.now();
  await execa('tmux', ['new-session', '-d', '-s', name, '-x', '200', '-y', '60', 'node', CLI, 'top', '--netns', ns]);
  try {
    for (;;) {
      const screen = (await execa('tmux', ['capture-pane', '-p', '-t', name], { reject: false })).stdout;
      if (/last \d\d:\d\d:\d\d/.test(screen)) return performance.now() - t0;
      if (performance.now() - t0 > 30_000) throw new Error(`top showed no data within 30 s:\n${screen}`);
      await sleep(25);
    }
  } finally {
    await execa('tmux', ['send-keys', '-t', name, 'q'], { reject: false });
    await sleep(1500);
    await execa('tmux', ['kill-session', '-t', name], { reject: false });
  }
}

interface SnapshotLite {
  time: number;
  seq: number;
  intervalMs: number;
  mode: string;
  transitions: Record<string, number>;
}

/** Listens and connects once inside the netns (constant code), printing T = Date.now() taken just before connect(). */
const CONNECT_ONCE = `
const net = require('node:net');
const srv = net.createServer((s) => s.destroy());
srv.listen(0, '127.0.0.1', () => {
  const t = Date.now();
  const c = net.connect(srv.address().port, '127.0.0.1', () => { c.destroy(); srv.close(); process.stdout.write(String(t)); });
});
`;

/**
 * Runs `watch --json` on the quiet netns and measures:
 * - firstLineMs: start to the first NDJSON line;
 * - per connection made at a known time T (after the probes attached): (time of the first snapshot whose
 *   transitions include it - T) / interval.
 */
export async function watchLatencies(
  ns: string,
  connections: number,
): Promise<{ firstLineMs: number; eventToSnapshot: number[] }> {
  const snapshots: SnapshotLite[] = [];
  let firstLineMs = NaN;
  const t0 = performance.now();
  const child = execa('node', [CLI, 'watch', '--json', '--netns', ns], {
    reject: false,
    stdin: 'ignore',
    stderr: 'ignore',
    buffer: false,
  });
  let rest = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    if (Number.isNaN(firstLineMs)) firstLineMs = performance.now() - t0;
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) if (p.startsWith('{')) snapshots.push(JSON.parse(p) as SnapshotLite);
  });
  try {
    const pid = child.pid!;
    // Wait until bpftrace holds its programs, then for two eBPF snapshots so the tick cadence is steady.
    for (let i = 0; ; i++) {
      const tracers = (await descendants(pid)).filter((d) => d.comm === 'bpftrace');
      const counts = await Promise.all(tracers.map((t) => bpfProgCount(t.pid)));
      if (counts.some((c) => c > 0)) break;
      if (i > 600) throw new Error('watch --json: probes never attached');
      await sleep(100);
    }
    const base = snapshots.length;
    while (snapshots.slice(base).filter((s) => s.mode === 'ebpf').length < 2) await sleep(100);
    const ratios: number[] = [];
    for (let k = 0; k < connections; k++) {
      await sleep(300 + Math.floor(Math.random() * 1000));
      const seen = snapshots.length;
      const r = await execa('ip', ['netns', 'exec', ns, process.execPath, '-e', CONNECT_ONCE]);
      const T = Number(r.stdout.trim());
      let hit: SnapshotLite | undefined;
      for (let i = 0; i < 100 && !hit; i++) {
        hit = snapshots
          .slice(seen > 0 ? seen - 1 : 0)
          .find((s) => s.time >= T && Object.keys(s.transitions).length > 0);
        if (!hit) await sleep(50);
      }
      if (!hit) throw new Error(`no snapshot showed the connection made at ${T}`);
      ratios.push((hit.time - T) / hit.intervalMs);
      // Let the connection's close transitions pass before the next one.
      await sleep(hit.intervalMs * 2);
    }
    return { firstLineMs, eventToSnapshot: ratios };
  } finally {
    child.kill('SIGINT');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await child;
    clearTimeout(t);
  }
}
